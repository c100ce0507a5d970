import { IdentityKeyPair, SessionRecord } from '@signalapp/libsignal-client';
import { toLibsignalBytes } from './bytes';
import { ProtocolError } from './errors';
import type { IdentityChangeNotice } from './identity';
import { createLibsignalStores, type LibsignalStores } from './stores';
import type {
  Awaitable,
  DeviceAddress,
  IdentityRecord,
  KyberPreKeyEntry,
  KyberPreKeyMeta,
  LocalAccountRecord,
  PreKeyEntry,
  ProtocolStorage,
  ProtocolWrite,
  SenderKeyEntry,
  SignedPreKeyEntry,
  SignedPreKeyMeta,
} from './storage';

/**
 * Protocol state with a write-back cache and all-or-nothing commits, after
 * Signal Desktop's SignalProtocolStore "zones".
 *
 * A ProtocolTransaction is an exclusive view of the state: reads see its own
 * pending writes, then the committed cache, then storage. Writes go to a
 * pending overlay only. `commit(apply)` hands the coalesced writes to `apply`,
 * which the receive pipeline runs inside the same vault transaction that
 * stores the decrypted messages; only when `apply` returns does the cache take
 * the new state. `rollback()` (or a failing `apply`) discards the overlay, so
 * a crashed or failed batch leaves the session state exactly as it was and
 * the same envelopes decrypt again on redelivery.
 *
 * Atomicity on disk is the job of whoever applies the writes: the caller's
 * vault transaction, or ProtocolStorage.applyWrites (all-or-nothing by contract).
 */

/**
 * Makes a commit's writes durable, typically inside the caller's vault
 * transaction. It must return only once they are durable, or throw: the cache
 * takes the new state as soon as it returns. Called exactly once per commit,
 * even with no writes.
 */
export type ApplyWrites = (writes: readonly ProtocolWrite[]) => Awaitable<void>;

export interface ProtocolStoreOptions {
  /** This device, as the relay knows it: libsignal needs it to bind sessions. */
  readonly localAddress: DeviceAddress;
  /** Clock for identity timestamps; tests pass a fixed one. */
  readonly now?: () => number;
}

/** The result of one libsignal operation run inside a transaction. */
export interface OperationResult<T> {
  readonly value: T;
  /** Identity keys that changed during this operation. */
  readonly identityChanges: readonly IdentityChangeNotice[];
}

/** How one kind of state is keyed, loaded and written. */
interface Slot<T> {
  readonly key: string;
  load(storage: ProtocolStorage): Awaitable<T | null>;
  put(value: T): ProtocolWrite;
  remove(): ProtocolWrite;
}

interface PendingEntry {
  readonly write: ProtocolWrite;
  readonly value: unknown;
}

interface UndoEntry {
  readonly key: string;
  readonly previous: PendingEntry | undefined;
}

/**
 * A session libsignal saved in this transaction, kept as the record and
 * serialized only when bytes are needed (the commit's write, or a caller
 * reading bytes). A batch of messages from one sender saves the session once
 * per message; only the last one reaches storage, so only it is serialized.
 */
class PendingSession {
  private bytes: Uint8Array | undefined;
  constructor(readonly record: SessionRecord) {}
  serialized(): Uint8Array {
    this.bytes ??= this.record.serialize();
    return this.bytes;
  }
}

type SessionValue = Uint8Array | PendingSession;

function noRemove(what: string): () => ProtocolWrite {
  return () => {
    throw new ProtocolError('misuse', `${what} cannot be removed through the protocol layer.`);
  };
}

const slots = {
  localAccount: (): Slot<LocalAccountRecord> => ({
    key: 'local-account',
    load: (storage) => storage.getLocalAccount(),
    put: (account) => ({ kind: 'local-account.put', account }),
    remove: noRemove('The local account'),
  }),
  session: (address: DeviceAddress): Slot<SessionValue> => ({
    key: `session:${address.deviceId}:${address.name}`,
    load: (storage) => storage.getSession(address),
    put: (value) => (value instanceof PendingSession ? { kind: 'session.put', address, get record() { return value.serialized(); } } : { kind: 'session.put', address, record: value }),
    remove: () => ({ kind: 'session.remove', address }),
  }),
  identity: (name: string): Slot<IdentityRecord> => ({
    key: `identity:${JSON.stringify(name)}`,
    load: (storage) => storage.getIdentity(name),
    put: (identity) => ({ kind: 'identity.put', identity }),
    remove: noRemove('An identity'),
  }),
  preKey: (id: number): Slot<PreKeyEntry> => ({
    key: `prekey:${id}`,
    load: (storage) => storage.getPreKey(id),
    put: (preKey) => ({ kind: 'prekey.put', preKey }),
    remove: () => ({ kind: 'prekey.remove', id }),
  }),
  signedPreKey: (id: number): Slot<SignedPreKeyEntry> => ({
    key: `signed-prekey:${id}`,
    load: (storage) => storage.getSignedPreKey(id),
    put: (signedPreKey) => ({ kind: 'signed-prekey.put', signedPreKey }),
    remove: () => ({ kind: 'signed-prekey.remove', id }),
  }),
  kyberPreKey: (id: number): Slot<KyberPreKeyEntry> => ({
    key: `kyber-prekey:${id}`,
    load: (storage) => storage.getKyberPreKey(id),
    put: (kyberPreKey) => ({ kind: 'kyber-prekey.put', kyberPreKey }),
    remove: () => ({ kind: 'kyber-prekey.remove', id }),
  }),
  senderKey: (sender: DeviceAddress, distributionId: string): Slot<SenderKeyEntry> => ({
    key: `sender-key:${JSON.stringify([sender.name, sender.deviceId, distributionId])}`,
    load: async (storage) => {
      const record = await storage.getSenderKey(sender, distributionId);
      return record === null ? null : { sender, distributionId, record };
    },
    put: (senderKey) => ({ kind: 'sender-key.put', senderKey }),
    remove: noRemove('A sender key'),
  }),
};

async function readStorage<T>(read: () => Awaitable<T>): Promise<T> {
  try {
    return await read();
  } catch {
    throw new ProtocolError('storage', 'Could not read protocol state from the vault.');
  }
}

/** Owns the committed-state cache and lets one transaction at a time in. */
export class ProtocolStore {
  readonly localAddress: DeviceAddress;
  readonly now: () => number;
  /** Committed state by slot key; null means "known to be absent". */
  private readonly cache = new Map<string, unknown>();
  /** Bumped whenever the cache takes or drops committed state, so a read that raced it is not cached. */
  private epoch = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly storage: ProtocolStorage,
    options: ProtocolStoreOptions,
  ) {
    this.localAddress = options.localAddress;
    this.now = options.now ?? Date.now;
  }

  /**
   * Open a transaction. It waits until the previous one has committed or
   * rolled back: decrypts and encrypts of one profile never interleave.
   * Always end it with commit() or rollback(), and never begin another
   * transaction on the same store while holding one (it would wait forever).
   */
  async begin(): Promise<ProtocolTransaction> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return new ProtocolTransaction(this, release);
  }

  /**
   * Run `work` in a transaction; commit if it succeeds, roll back if it throws.
   * `apply`, if given, gets the writes and work's result (e.g. the decrypted
   * messages) to store both in one vault transaction.
   */
  async transact<T>(
    work: (tx: ProtocolTransaction) => Promise<T>,
    apply?: (writes: readonly ProtocolWrite[], result: T) => Awaitable<void>,
  ): Promise<T> {
    const tx = await this.begin();
    try {
      const result = await work(tx);
      await tx.commit(apply === undefined ? undefined : (writes) => apply(writes, result));
      return result;
    } finally {
      tx.rollback();
    }
  }

  /** Drop the cache, e.g. after the vault was restored from a backup underneath us. */
  clearCache(): void {
    this.cache.clear();
    this.epoch += 1;
  }

  /** @internal */
  async readCommitted<T>(slot: Slot<T>): Promise<T | null> {
    if (this.cache.has(slot.key)) return this.cache.get(slot.key) as T | null;
    const epoch = this.epoch;
    const value = await readStorage(() => slot.load(this.storage));
    if (epoch === this.epoch) this.cache.set(slot.key, value);
    return value;
  }

  /** @internal The writes are durable: the cache takes them. */
  absorb(pending: ReadonlyMap<string, PendingEntry>): void {
    for (const [key, entry] of pending) this.cache.set(key, entry.value);
    this.epoch += 1;
  }

  /** @internal The writes may or may not be durable: forget what we knew about those keys. */
  forget(keys: Iterable<string>): void {
    for (const key of keys) this.cache.delete(key);
    this.epoch += 1;
  }
}

/** An exclusive, all-or-nothing unit of protocol-state changes (Signal Desktop's "zone"). */
export class ProtocolTransaction {
  readonly localAddress: DeviceAddress;
  private readonly pending = new Map<string, PendingEntry>();
  private readonly undoLog: UndoEntry[] = [];
  private readonly changes: IdentityChangeNotice[] = [];
  private state: 'open' | 'committing' | 'closed' = 'open';
  private operations: Promise<void> = Promise.resolve();
  private storeFailure: ProtocolError | undefined;
  private libsignalStores: LibsignalStores | undefined;
  private keyPair: { account: LocalAccountRecord; keyPair: IdentityKeyPair } | undefined;

  /** @internal Use ProtocolStore.begin(). */
  constructor(
    private readonly store: ProtocolStore,
    private readonly release: () => void,
  ) {
    this.localAddress = store.localAddress;
  }

  now(): number {
    return this.store.now();
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Every identity change reported in this transaction so far. */
  get identityChanges(): readonly IdentityChangeNotice[] {
    return this.changes;
  }

  /** The coalesced writes a commit would apply now (the last write per row wins). */
  pendingWrites(): readonly ProtocolWrite[] {
    return [...this.pending.values()].map((entry) => entry.write);
  }

  /**
   * Make the pending writes durable through `apply` (or storage.applyWrites),
   * then let the cache take them. If applying throws, nothing is taken, the
   * error is rethrown, and the transaction is over either way.
   */
  async commit(apply?: ApplyWrites): Promise<readonly ProtocolWrite[]> {
    this.assertOpen();
    await this.operations;
    this.assertOpen();
    this.state = 'committing';
    const writes = this.pendingWrites();
    try {
      if (apply !== undefined) {
        await apply(writes);
      } else if (writes.length > 0) {
        try {
          await this.store.storage.applyWrites(writes);
        } catch {
          throw new ProtocolError('storage', 'Could not save protocol state to the vault.');
        }
      }
    } catch (error) {
      this.store.forget(this.pending.keys());
      this.close();
      throw error;
    }
    this.store.absorb(this.pending);
    this.close();
    return writes;
  }

  /** Discard every pending write. Safe to call after commit (it then does nothing). */
  rollback(): void {
    if (this.state === 'closed') return;
    this.close();
  }

  /**
   * Run one libsignal operation with this transaction's stores. Operations run
   * one at a time; if one throws, its own writes are undone (earlier
   * operations in the batch keep theirs), and a refusal from our own stores
   * (e.g. an unknown prekey) is rethrown as itself rather than as libsignal's
   * wrapper around it.
   */
  async run<T>(operation: (stores: LibsignalStores) => Promise<T>): Promise<OperationResult<T>> {
    const previous = this.operations;
    let done!: () => void;
    this.operations = new Promise<void>((resolve) => {
      done = resolve;
    });
    await previous;
    try {
      this.assertOpen();
      const undoMark = this.undoLog.length;
      const changeMark = this.changes.length;
      this.storeFailure = undefined;
      try {
        const value = await operation(this.stores());
        return { value, identityChanges: this.changes.slice(changeMark) };
      } catch (error) {
        if (this.state === 'open') this.undoTo(undoMark, changeMark);
        throw this.storeFailure ?? error;
      }
    } finally {
      done();
    }
  }

  /** @internal Called by our libsignal stores when they refuse a request. */
  noteStoreFailure(error: ProtocolError): void {
    this.storeFailure = error;
  }

  async getLocalAccount(): Promise<LocalAccountRecord | null> {
    return this.read(slots.localAccount());
  }

  async requireLocalAccount(): Promise<LocalAccountRecord> {
    const account = await this.getLocalAccount();
    if (account === null) throw new ProtocolError('no-account', 'This profile has no account keys yet.');
    return account;
  }

  /** The local identity key pair, deserialized once per transaction. */
  async identityKeyPair(): Promise<IdentityKeyPair> {
    const account = await this.requireLocalAccount();
    if (this.keyPair?.account !== account) {
      this.keyPair = { account, keyPair: IdentityKeyPair.deserialize(toLibsignalBytes(account.identityKeyPair)) };
    }
    return this.keyPair.keyPair;
  }

  putLocalAccount(account: LocalAccountRecord): void {
    this.write(slots.localAccount(), account);
  }

  async getSession(address: DeviceAddress): Promise<Uint8Array | null> {
    const value = await this.read(slots.session(address));
    return value instanceof PendingSession ? value.serialized() : value;
  }

  putSession(address: DeviceAddress, record: Uint8Array): void {
    this.write(slots.session(address), record);
  }

  /**
   * The session as a libsignal record, for libsignal's own store callbacks:
   * a record saved earlier in the batch is handed back as is (libsignal copies
   * what it is given), so neither side pays for a round trip through bytes.
   */
  async getSessionRecord(address: DeviceAddress): Promise<SessionRecord | null> {
    const value = await this.read(slots.session(address));
    if (value === null) return null;
    return value instanceof PendingSession ? value.record : SessionRecord.deserialize(toLibsignalBytes(value));
  }

  async hasSession(address: DeviceAddress): Promise<boolean> {
    return (await this.read(slots.session(address))) !== null;
  }

  putSessionRecord(address: DeviceAddress, record: SessionRecord): void {
    this.write(slots.session(address), new PendingSession(record));
  }

  removeSession(address: DeviceAddress): void {
    this.write(slots.session(address), null);
  }

  getIdentity(name: string): Promise<IdentityRecord | null> {
    return this.read(slots.identity(name));
  }

  putIdentity(identity: IdentityRecord): void {
    this.write(slots.identity(identity.name), identity);
  }

  /** Remember a change so the operation that caused it can report it. */
  reportIdentityChange(notice: IdentityChangeNotice): void {
    this.assertOpen();
    this.changes.push(notice);
  }

  getPreKey(id: number): Promise<PreKeyEntry | null> {
    return this.read(slots.preKey(id));
  }

  putPreKey(preKey: PreKeyEntry): void {
    this.write(slots.preKey(preKey.id), preKey);
  }

  removePreKey(id: number): void {
    this.write(slots.preKey(id), null);
  }

  getSignedPreKey(id: number): Promise<SignedPreKeyEntry | null> {
    return this.read(slots.signedPreKey(id));
  }

  putSignedPreKey(signedPreKey: SignedPreKeyEntry): void {
    this.write(slots.signedPreKey(signedPreKey.id), signedPreKey);
  }

  removeSignedPreKey(id: number): void {
    this.write(slots.signedPreKey(id), null);
  }

  /** Signed prekeys as they would be after commit, by id. */
  async listSignedPreKeys(): Promise<SignedPreKeyMeta[]> {
    this.assertOpen();
    const byId = new Map((await readStorage(() => this.store.storage.listSignedPreKeys())).map((meta) => [meta.id, meta]));
    for (const { write } of this.pending.values()) {
      if (write.kind === 'signed-prekey.put') byId.set(write.signedPreKey.id, { id: write.signedPreKey.id, createdAt: write.signedPreKey.createdAt });
      else if (write.kind === 'signed-prekey.remove') byId.delete(write.id);
    }
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }

  getKyberPreKey(id: number): Promise<KyberPreKeyEntry | null> {
    return this.read(slots.kyberPreKey(id));
  }

  putKyberPreKey(kyberPreKey: KyberPreKeyEntry): void {
    this.write(slots.kyberPreKey(kyberPreKey.id), kyberPreKey);
  }

  removeKyberPreKey(id: number): void {
    this.write(slots.kyberPreKey(id), null);
  }

  /** Kyber prekeys as they would be after commit, by id. */
  async listKyberPreKeys(): Promise<KyberPreKeyMeta[]> {
    this.assertOpen();
    const byId = new Map((await readStorage(() => this.store.storage.listKyberPreKeys())).map((meta) => [meta.id, meta]));
    for (const { write } of this.pending.values()) {
      if (write.kind === 'kyber-prekey.put') {
        const { record: _record, ...meta } = write.kyberPreKey;
        byId.set(meta.id, meta);
      } else if (write.kind === 'kyber-prekey.remove') {
        byId.delete(write.id);
      }
    }
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }

  async getSenderKey(sender: DeviceAddress, distributionId: string): Promise<Uint8Array | null> {
    const entry = await this.read(slots.senderKey(sender, distributionId));
    return entry?.record ?? null;
  }

  putSenderKey(senderKey: SenderKeyEntry): void {
    this.write(slots.senderKey(senderKey.sender, senderKey.distributionId), senderKey);
  }

  private stores(): LibsignalStores {
    this.libsignalStores ??= createLibsignalStores(this);
    return this.libsignalStores;
  }

  private async read<T>(slot: Slot<T>): Promise<T | null> {
    this.assertOpen();
    const pending = this.pending.get(slot.key);
    if (pending !== undefined) return pending.value as T | null;
    return this.store.readCommitted(slot);
  }

  private write<T>(slot: Slot<T>, value: T | null): void {
    this.assertOpen();
    const write = value === null ? slot.remove() : slot.put(value);
    this.undoLog.push({ key: slot.key, previous: this.pending.get(slot.key) });
    this.pending.set(slot.key, { write, value });
  }

  private undoTo(undoMark: number, changeMark: number): void {
    while (this.undoLog.length > undoMark) {
      const entry = this.undoLog.pop();
      if (entry === undefined) break;
      if (entry.previous === undefined) this.pending.delete(entry.key);
      else this.pending.set(entry.key, entry.previous);
    }
    this.changes.length = changeMark;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new ProtocolError('misuse', 'This protocol transaction is already committed or rolled back.');
  }

  private close(): void {
    this.state = 'closed';
    this.pending.clear();
    this.undoLog.length = 0;
    this.release();
  }
}
