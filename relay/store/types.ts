import type { SecretHash } from '../credentials';

/**
 * Everything the relay keeps, behind one interface with two implementations:
 * SqliteStore (embedded, the default) and RedisStore (shared by several relay
 * nodes). What is kept, and for how long, is listed in docs/wire-protocol.md.
 */
export interface RelayStore {
  readonly accounts: AccountStore;
  readonly prekeys: PrekeyStore;
  readonly mailboxes: MailboxStore;
  readonly attachments: AttachmentStore;
  readonly presence: PresenceStore;
  /** Deletes what has outlived its time-to-live; returns how many envelopes expired. */
  sweep(now: number): Promise<{ expiredEnvelopes: number }>;
  /** Throws when the store cannot serve requests. */
  checkHealth(): Promise<void>;
  /** Finishes in-flight commits, then releases the store. */
  close(): Promise<void>;
}

/** One device's queue. */
export interface MailboxAddress {
  readonly accountId: string;
  readonly deviceId: number;
}

export interface AccountRecord {
  readonly accountId: string;
  readonly username: string;
  readonly identityKey: Uint8Array;
}

export interface DeviceRecord {
  readonly deviceId: number;
  readonly registrationId: number;
}

export interface NewDevice extends DeviceRecord {
  readonly secret: SecretHash;
}

export type AddDeviceOutcome = 'added' | 'exists' | 'too-many' | 'no-account';

export interface AccountStore {
  /** Creates the account and its first device; false when the username is taken. */
  create(account: AccountRecord, device: NewDevice): Promise<boolean>;
  addDevice(accountId: string, device: NewDevice, maxDevices: number): Promise<AddDeviceOutcome>;
  /** Removes the device with its prekeys and queued envelopes. */
  removeDevice(address: MailboxAddress): Promise<boolean>;
  byUsername(username: string): Promise<AccountRecord | undefined>;
  byId(accountId: string): Promise<AccountRecord | undefined>;
  devices(accountId: string): Promise<DeviceRecord[]>;
  /** The device's stored secret hash, for authentication. */
  deviceSecret(username: string, deviceId: number): Promise<{ account: AccountRecord; secret: SecretHash } | undefined>;
}

export interface StoredEcPreKey {
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

export interface StoredSignedPreKey extends StoredEcPreKey {
  readonly signature: Uint8Array;
}

export interface PrekeyUpload {
  readonly ecPrekeys: readonly StoredEcPreKey[];
  readonly kyberPrekeys: readonly StoredSignedPreKey[];
  readonly signedPrekey?: StoredSignedPreKey;
  readonly lastResortKyberPrekey?: StoredSignedPreKey;
}

export interface PrekeyCounts {
  readonly ec: number;
  readonly kyber: number;
}

export interface StoredBundle {
  readonly deviceId: number;
  readonly registrationId: number;
  readonly signedPrekey: StoredSignedPreKey;
  readonly ecPrekey?: StoredEcPreKey;
  readonly kyberPrekey: StoredSignedPreKey;
  readonly kyberIsLastResort: boolean;
  /** One-time keys the device has left after this bundle. */
  readonly remaining: PrekeyCounts;
}

export interface PrekeyStore {
  /** Adds one-time keys (replacing same ids) and replaces the signed and last-resort keys given; 'too-many' past maxPerDevice. */
  upload(address: MailboxAddress, keys: PrekeyUpload, maxPerDevice: number): Promise<PrekeyCounts | 'too-many'>;
  counts(address: MailboxAddress): Promise<PrekeyCounts>;
  /**
   * One bundle per device (or for one device), consuming one one-time key of
   * each kind. Devices without a signed prekey and last-resort Kyber prekey
   * have not finished setting up and are left out.
   */
  takeBundles(accountId: string, deviceId: number | undefined): Promise<StoredBundle[]>;
}

/**
 * An envelope as the relay keeps and pushes it: its id, and the wire
 * Envelope message already encoded, so it is encoded once, when accepted.
 */
export interface QueuedEnvelope {
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
}

export interface NewEnvelope {
  readonly recipientUsername: string;
  readonly recipientDeviceId: number;
  /** Fingerprint of (recipient, submission id): a repeat within the TTL is dropped. */
  readonly fingerprint: Uint8Array;
  /** The envelope as it will be pushed; its id is fresh and random. */
  readonly envelope: QueuedEnvelope;
  readonly expiresAt: number;
}

export type EnqueueOutcome = 'stored' | 'duplicate' | 'queue-full' | 'not-found';

/** What a watcher of a mailbox hears. */
export type MailboxEvent =
  | { readonly kind: 'envelope'; readonly envelope: QueuedEnvelope }
  /** Something changed that the event did not carry: read the queue. */
  | { readonly kind: 'wake' }
  | { readonly kind: 'prekeys-low'; readonly counts: PrekeyCounts }
  /** The device was removed from its account: its connections must end. */
  | { readonly kind: 'device-removed' };

export type MailboxListener = (event: MailboxEvent) => void;

export interface MailboxStore {
  /**
   * Stores envelopes durably (resolving only once they are), checking the
   * recipient exists, the queue limit, and repeats. Calls from the same tick
   * are committed together (group commit). Watchers of a recipient mailbox
   * hear each stored envelope, on this node or another.
   */
  enqueue(items: readonly NewEnvelope[], maxQueue: number): Promise<EnqueueOutcome[]>;
  /** The oldest unexpired envelopes in the queue, oldest first. */
  fetch(address: MailboxAddress, limit: number, now: number): Promise<QueuedEnvelope[]>;
  /** Deletes envelopes from this queue; unknown ids are ignored. Resolves once the deletion is committed. */
  ack(address: MailboxAddress, ids: readonly Uint8Array[]): Promise<void>;
  /** Hears events for one mailbox until the returned function is called. */
  watch(address: MailboxAddress, listener: MailboxListener): Promise<() => void>;
  /** Tells the mailbox's watchers (wherever they are) that the device's prekeys run low. */
  notifyPrekeysLow(address: MailboxAddress, counts: PrekeyCounts): Promise<void>;
}

export function recipientKey(address: MailboxAddress): string {
  return `${address.accountId}:${address.deviceId}`;
}

/**
 * An attachment as the relay keeps it: no recipient, no sender once the
 * upload is done. Whoever presents the fetch token (whose SHA-256 is kept)
 * may download the blob and confirm the download; at `fetchCount` distinct
 * confirmations, or at the TTL, blob and record go.
 */
export interface AttachmentRecord {
  readonly id: string;
  readonly size: number;
  readonly expiresAt: number;
  readonly fetchCount: number;
  /** SHA-256 of the fetch token. */
  readonly tokenHash: Uint8Array;
  /** The device that may upload the bytes; dropped (null) once they are uploaded. */
  readonly uploader: MailboxAddress | null;
  readonly uploaded: boolean;
  /** Distinct confirmation ids counted so far. */
  readonly confirmations: number;
}

export type NewAttachment = Omit<AttachmentRecord, 'uploaded' | 'confirmations' | 'uploader'> & { readonly uploader: MailboxAddress };

/** What a confirmation did: counted (or a repeat of one already counted) and how many are still awaited; 0 means delete now. */
export interface ConfirmOutcome {
  readonly repeat: boolean;
  readonly remaining: number;
}

/** Confirmation ids are 16 random bytes chosen by the recipient device, the same on every retry. */
export const CONFIRMATION_ID_BYTES = 16;

export interface AttachmentStore {
  create(record: NewAttachment): Promise<void>;
  get(id: string, now: number): Promise<AttachmentRecord | undefined>;
  /** The bytes are on disk: the record forgets its uploader. */
  markUploaded(id: string): Promise<void>;
  /** Counts a confirmation id once; undefined when the attachment is unknown, expired or not uploaded. */
  confirm(id: string, confirmationId: Uint8Array, now: number): Promise<ConfirmOutcome | undefined>;
  delete(id: string): Promise<void>;
  /** Ids of attachments past their expiry (their metadata is deleted). */
  takeExpired(now: number): Promise<string[]>;
}

/** Authenticated connections, counted per account across relay nodes. */
export interface PresenceStore {
  /** Registers the connection unless the account already has `max`; false when full. */
  tryAdd(accountId: string, connectionId: string, max: number): Promise<boolean>;
  remove(accountId: string, connectionId: string): Promise<void>;
}

