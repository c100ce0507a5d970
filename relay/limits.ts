/**
 * Every limit the relay enforces, in one place. Each has a default and the
 * reason for it; each can be overridden by an option (startRelay) or a flag
 * (relay/main.ts turns `maxFrameBytes` into `--max-frame-bytes`). Crossing a
 * limit gets the client a typed error code, never a silent drop.
 */
export interface Limits {
  /** Largest WebSocket message. A full batch of ordinary envelopes fits; a hostile frame costs bounded memory. */
  maxFrameBytes: number;
  /** Largest envelope content. Signal's figure: text and receipts are far smaller; media goes over the attachment API. */
  maxEnvelopeBytes: number;
  /** Most envelopes per send, or ids per ack. One message to a large group (every member device) fits. */
  maxBatch: number;
  /** Most envelopes queued for one device. A device offline for weeks in busy chats fits; a flood does not fill the disk. */
  maxQueue: number;
  /** Time-to-live of an undelivered envelope, and of a submission id kept to drop repeated sends. */
  envelopeTtlMs: number;
  /** Authenticated connections per account, across its devices (a device may briefly hold two while reconnecting). */
  maxConnectionsPerAccount: number;
  /** Devices per account. Room for phone-less households of laptops; bounds the fan-out of every send to the account. */
  maxDevicesPerAccount: number;
  /** Requests per minute per authenticated account (a bucket that refills evenly). A busy client sends a few per second. */
  accountRequestsPerMinute: number;
  /**
   * Requests per minute per remote address, for everything not tied to an account: registration, authentication,
   * sealed sends, unreadable frames and HTTP. Stops password-spraying and anonymous floods from one host.
   */
  addressRequestsPerMinute: number;
  /** One-time prekeys (EC or Kyber) per upload. Signal clients upload 100 at a time. */
  maxPrekeysPerUpload: number;
  /** One-time prekeys (EC or Kyber) held per device. Enough for a burst of new contacts without letting one device hoard space. */
  maxPrekeysPerDevice: number;
  /** Below this many one-time prekeys the relay tells the device to upload more. */
  prekeyLowThreshold: number;
  /** Envelopes pushed to a connection and not yet acked. Keeps a slow reader from pulling a whole queue into memory. */
  pushWindow: number;
  /** Largest attachment. Covers a few minutes of video; anything larger belongs in a file-transfer tool. */
  maxAttachmentBytes: number;
  /** Most download confirmations one attachment may wait for: every device of a large group. */
  maxAttachmentFetchCount: number;
  /** An attachment nobody fetched (or never finished uploading) is deleted after this long. */
  attachmentTtlMs: number;
  /** Lifetime of a sender certificate. Short, so a removed device soon stops being vouched for. */
  senderCertificateTtlMs: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const defaultLimits: Readonly<Limits> = Object.freeze({
  maxFrameBytes: 1024 * 1024,
  maxEnvelopeBytes: 256 * 1024,
  maxBatch: 256,
  maxQueue: 10_000,
  envelopeTtlMs: 30 * DAY,
  maxConnectionsPerAccount: 16,
  maxDevicesPerAccount: 8,
  accountRequestsPerMinute: 6_000,
  addressRequestsPerMinute: 600,
  maxPrekeysPerUpload: 100,
  maxPrekeysPerDevice: 1_000,
  prekeyLowThreshold: 10,
  pushWindow: 256,
  // A 100 MiB file (shared/api MAX_ATTACHMENT_BYTES) plus what client encryption adds to it (16 bytes per 64 KiB: 25,600 bytes).
  maxAttachmentBytes: 100 * 1024 * 1024 + 64 * 1024,
  maxAttachmentFetchCount: 1_000,
  attachmentTtlMs: 14 * DAY,
  senderCertificateTtlMs: DAY,
});

export const limitNames = Object.keys(defaultLimits) as ReadonlyArray<keyof Limits>;

/** Merges overrides over the defaults, refusing values that would make a limit meaningless. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...defaultLimits };
  for (const name of limitNames) {
    const value = overrides[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Limit ${name} must be a positive integer, not ${String(value)}.`);
    limits[name] = value;
  }
  if (limits.maxEnvelopeBytes > limits.maxFrameBytes) {
    throw new RangeError('Limit maxEnvelopeBytes cannot exceed maxFrameBytes: such an envelope could never arrive.');
  }
  return limits;
}
