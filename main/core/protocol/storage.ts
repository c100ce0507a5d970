/**
 * What the Signal-protocol layer needs from durable storage, and nothing more.
 *
 * The vault implements this over its tables; MemoryProtocolStorage implements it
 * for tests and benchmarks. Reads are one row at a time. Writes never happen one
 * at a time: a ProtocolTransaction collects them and hands over the whole batch,
 * either to `applyWrites` or to a callback the caller runs inside the vault
 * transaction that also stores the decrypted messages (see transaction.ts).
 *
 * Every byte array here is opaque libsignal serialization; the storage keeps it
 * as it is and never interprets it.
 */

/** A value, or a promise of it: the vault over sql.js can answer synchronously. */
export type Awaitable<T> = T | Promise<T>;

/** One device of one account: libsignal's ProtocolAddress as plain data. */
export interface DeviceAddress {
  readonly name: string;
  /** 1..127, as libsignal requires. */
  readonly deviceId: number;
}

/**
 * 'verified': the user compared safety numbers for this key.
 * 'unverified': the key changed after it was verified (or the user withdrew the
 * verification); sending is held until the user looks at the new safety number.
 * 'default': trust on first use, changes are reported but not held.
 */
export type VerificationState = 'default' | 'verified' | 'unverified';

/** A contact's identity key: one per account name, shared by all its devices. */
export interface IdentityRecord {
  readonly name: string;
  /** Serialized libsignal PublicKey (33 bytes). */
  readonly publicKey: Uint8Array;
  readonly verification: VerificationState;
  /** When any key was first seen for this name (ms since 1970). */
  readonly firstSeenAt: number;
  /** When the key last replaced a different one, or null if it never changed. */
  readonly changedAt: number | null;
}

/** This profile's own protocol identity, and where its prekey ids continue. */
export interface LocalAccountRecord {
  /** Serialized libsignal IdentityKeyPair. */
  readonly identityKeyPair: Uint8Array;
  /** 1..16380, as libsignal generates it. */
  readonly registrationId: number;
  /** Next id to hand out for each kind of prekey; ids are never reused while they may still be on the relay. */
  readonly nextPreKeyId: number;
  readonly nextSignedPreKeyId: number;
  readonly nextKyberPreKeyId: number;
  readonly createdAt: number;
}

/** A one-time EC prekey (serialized PreKeyRecord). */
export interface PreKeyEntry {
  readonly id: number;
  readonly record: Uint8Array;
  readonly createdAt: number;
}

/** A signed EC prekey (serialized SignedPreKeyRecord). */
export interface SignedPreKeyEntry {
  readonly id: number;
  readonly record: Uint8Array;
  readonly createdAt: number;
}

export type SignedPreKeyMeta = Omit<SignedPreKeyEntry, 'record'>;

/** A Kyber (ML-KEM) prekey (serialized KyberPreKeyRecord): one-time, or last-resort. */
export interface KyberPreKeyEntry {
  readonly id: number;
  readonly record: Uint8Array;
  readonly createdAt: number;
  /** Last-resort keys are reused until rotated; one-time keys are used once. */
  readonly lastResort: boolean;
  /** Set when a one-time key has been used; it is then refused and deleted at the next rotation. */
  readonly used: boolean;
}

export type KyberPreKeyMeta = Omit<KyberPreKeyEntry, 'record'>;

/** A group sender's chain state (serialized SenderKeyRecord). */
export interface SenderKeyEntry {
  readonly sender: DeviceAddress;
  /** The distribution id, a UUID string. */
  readonly distributionId: string;
  readonly record: Uint8Array;
}

/** One durable change. A batch of them is applied all-or-nothing. */
export type ProtocolWrite =
  | { readonly kind: 'local-account.put'; readonly account: LocalAccountRecord }
  | { readonly kind: 'session.put'; readonly address: DeviceAddress; readonly record: Uint8Array }
  | { readonly kind: 'session.remove'; readonly address: DeviceAddress }
  | { readonly kind: 'identity.put'; readonly identity: IdentityRecord }
  | { readonly kind: 'prekey.put'; readonly preKey: PreKeyEntry }
  | { readonly kind: 'prekey.remove'; readonly id: number }
  | { readonly kind: 'signed-prekey.put'; readonly signedPreKey: SignedPreKeyEntry }
  | { readonly kind: 'signed-prekey.remove'; readonly id: number }
  | { readonly kind: 'kyber-prekey.put'; readonly kyberPreKey: KyberPreKeyEntry }
  | { readonly kind: 'kyber-prekey.remove'; readonly id: number }
  | { readonly kind: 'sender-key.put'; readonly senderKey: SenderKeyEntry };

export type ProtocolWriteKind = ProtocolWrite['kind'];

export interface ProtocolStorage {
  getLocalAccount(): Awaitable<LocalAccountRecord | null>;
  /** Serialized SessionRecord for one device, or null. */
  getSession(address: DeviceAddress): Awaitable<Uint8Array | null>;
  getIdentity(name: string): Awaitable<IdentityRecord | null>;
  getPreKey(id: number): Awaitable<PreKeyEntry | null>;
  getSignedPreKey(id: number): Awaitable<SignedPreKeyEntry | null>;
  listSignedPreKeys(): Awaitable<readonly SignedPreKeyMeta[]>;
  getKyberPreKey(id: number): Awaitable<KyberPreKeyEntry | null>;
  listKyberPreKeys(): Awaitable<readonly KyberPreKeyMeta[]>;
  /** Serialized SenderKeyRecord, or null. */
  getSenderKey(sender: DeviceAddress, distributionId: string): Awaitable<Uint8Array | null>;
  /**
   * Apply every write, in order, or none of them. A `.put` replaces any row with
   * the same key; a `.remove` of a missing row is not an error. Used when a
   * transaction commits without a caller-supplied apply callback.
   */
  applyWrites(writes: readonly ProtocolWrite[]): Awaitable<void>;
}
