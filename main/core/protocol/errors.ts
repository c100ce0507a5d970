import { ErrorCode, LibSignalErrorBase } from '@signalapp/libsignal-client';
import type { DeviceAddress } from './storage';
import type { IdentityChangeNotice } from './identity';

/**
 * Why a protocol operation failed, in terms the messaging layer can act on.
 * libsignal 0.103 reports most failures as ErrorCode.Generic with an English
 * message, so the kind is decided from what we know about the operation (did
 * we hold a session? did our own store refuse a prekey?) rather than by
 * parsing libsignal's text.
 */
export const protocolErrorKinds = [
  /** No local identity yet: the profile has no account material. */
  'no-account',
  /** The account already exists; creating it again would lose the old keys. */
  'account-exists',
  /** Sending is held: the contact's key changed while verified, or is marked unverified. The user must look first. */
  'untrusted-identity',
  /** A prekey bundle whose keys do not parse or whose signatures do not verify. */
  'invalid-bundle',
  /** A message that needs a session we do not hold (lost, or never had). */
  'no-session',
  /** A message that does not decrypt: malformed, tampered, or for a session state we no longer have. */
  'invalid-message',
  /** A message that was already decrypted once. */
  'duplicate-message',
  /** The user confirmed a safety number for a key that is no longer the contact's current key. */
  'stale-identity',
  /** A PreKeySignalMessage naming a prekey we do not hold (used, rotated away, or never ours). */
  'invalid-prekey',
  /** Decrypted bytes whose padding is wrong: not something a Hearth sender produced. */
  'invalid-padding',
  /** A sender certificate not signed under the trust root, expired, or not matching the sender. */
  'invalid-certificate',
  /** A sealed-sender message from this very device. */
  'self-send',
  /** A group message from a sender whose distribution message we have not processed. */
  'no-sender-key',
  /** A scanned or stored safety number that cannot be read. */
  'invalid-safety-number',
  /** The ProtocolStorage failed to read or write. */
  'storage',
  /** The protocol layer was used wrongly (e.g. a transaction used after commit). */
  'misuse',
] as const;

export type ProtocolErrorKind = (typeof protocolErrorKinds)[number];

export interface ProtocolErrorDetails {
  /** The remote device the operation was about, if any. Kept out of the message so logs do not show who talks to whom. */
  readonly address?: DeviceAddress;
  /** For 'untrusted-identity' after a key change: the change, so messaging can show it. */
  readonly identityChange?: IdentityChangeNotice;
  /** libsignal's ErrorCode, when the failure came from libsignal. */
  readonly libsignalCode?: ErrorCode;
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly address: DeviceAddress | undefined;
  readonly identityChange: IdentityChangeNotice | undefined;
  readonly libsignalCode: ErrorCode | undefined;

  constructor(
    readonly kind: ProtocolErrorKind,
    message: string,
    details: ProtocolErrorDetails = {},
  ) {
    super(message);
    this.address = details.address;
    this.identityChange = details.identityChange;
    this.libsignalCode = details.libsignalCode;
  }
}

export function isProtocolError(value: unknown, kind?: ProtocolErrorKind): value is ProtocolError {
  return value instanceof ProtocolError && (kind === undefined || value.kind === kind);
}

/**
 * Whether a failed decrypt means the session with this sender is unusable, so
 * messaging should store a placeholder ("a message could not be decrypted"),
 * archive the session and start a fresh one (as Signal does with a retry request).
 */
export function needsSessionReset(error: ProtocolError): boolean {
  return error.kind === 'no-session' || error.kind === 'invalid-message' || error.kind === 'invalid-prekey';
}

/**
 * Turn whatever a libsignal call threw into a ProtocolError. `fallback` is the
 * kind a Generic libsignal failure means for this particular operation.
 * libsignal's own message is not copied: it names addresses.
 */
export function fromLibsignalError(
  error: unknown,
  fallback: ProtocolErrorKind,
  fallbackMessage: string,
  address?: DeviceAddress,
): ProtocolError {
  if (error instanceof ProtocolError) {
    if (error.address !== undefined || address === undefined) return error;
    return new ProtocolError(error.kind, error.message, { address, identityChange: error.identityChange, libsignalCode: error.libsignalCode });
  }
  if (!(error instanceof LibSignalErrorBase)) {
    return new ProtocolError(fallback, fallbackMessage, { address });
  }
  const details = { address, libsignalCode: error.code };
  switch (error.code) {
    case ErrorCode.DuplicatedMessage:
      return new ProtocolError('duplicate-message', 'This message was already received.', details);
    case ErrorCode.UntrustedIdentity:
      return new ProtocolError('untrusted-identity', "The contact's safety number changed; sending is held until you review it.", details);
    case ErrorCode.SealedSenderSelfSend:
      return new ProtocolError('self-send', 'A sealed message from this device was refused.', details);
    case ErrorCode.InvalidSenderKeySession:
      return new ProtocolError('no-sender-key', 'No sender key for this group sender yet.', details);
    case ErrorCode.InvalidSession:
      return new ProtocolError('no-session', 'No usable session with this device.', details);
    case ErrorCode.InvalidRegistrationId:
      return new ProtocolError('invalid-bundle', 'The registration id in the bundle is not valid.', details);
    default:
      return new ProtocolError(fallback, fallbackMessage, details);
  }
}
