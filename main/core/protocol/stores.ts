import {
  Direction,
  IdentityChange,
  IdentityKeyPair,
  IdentityKeyStore,
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyRecord,
  PreKeyStore,
  PrivateKey,
  ProtocolAddress,
  PublicKey,
  SenderKeyRecord,
  SenderKeyStore,
  SessionRecord,
  SessionStore,
  SignedPreKeyRecord,
  SignedPreKeyStore,
  type Uuid,
} from '@signalapp/libsignal-client';
import { toDeviceAddress } from './address';
import { toLibsignalBytes } from './bytes';
import { ProtocolError } from './errors';
import { isTrustedForSending, recordIdentityKey } from './identity';
import type { ProtocolTransaction } from './transaction';

/**
 * libsignal's six store interfaces, each a thin view of one ProtocolTransaction:
 * every read sees the transaction's pending writes and every write goes into
 * them. libsignal calls these from native code; when one refuses (an unknown
 * prekey), the transaction remembers our typed error, since libsignal only
 * passes on a Generic wrapper of it.
 */
export interface LibsignalStores {
  readonly session: SessionStore;
  readonly identity: IdentityKeyStore;
  readonly preKey: PreKeyStore;
  readonly signedPreKey: SignedPreKeyStore;
  readonly kyberPreKey: KyberPreKeyStore;
  readonly senderKey: SenderKeyStore;
}

export function createLibsignalStores(tx: ProtocolTransaction): LibsignalStores {
  return {
    session: new TransactionSessionStore(tx),
    identity: new TransactionIdentityStore(tx),
    preKey: new TransactionPreKeyStore(tx),
    signedPreKey: new TransactionSignedPreKeyStore(tx),
    kyberPreKey: new TransactionKyberPreKeyStore(tx),
    senderKey: new TransactionSenderKeyStore(tx),
  };
}

/** Run a store callback; a refusal is remembered by the transaction before libsignal wraps it. */
async function guarded<T>(tx: ProtocolTransaction, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const refusal = error instanceof ProtocolError ? error : new ProtocolError('storage', 'Protocol state could not be read.');
    tx.noteStoreFailure(refusal);
    throw refusal;
  }
}

function missingPreKey(what: string): ProtocolError {
  return new ProtocolError('invalid-prekey', `The message names a ${what} this device does not have (already used, rotated away, or never ours).`);
}

class TransactionSessionStore extends SessionStore {
  constructor(private readonly tx: ProtocolTransaction) {
    super();
  }

  async saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    return guarded(this.tx, async () => this.tx.putSessionRecord(toDeviceAddress(address), record));
  }

  async getSession(address: ProtocolAddress): Promise<SessionRecord | null> {
    return guarded(this.tx, () => this.tx.getSessionRecord(toDeviceAddress(address)));
  }

  async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    return guarded(this.tx, async () => {
      const records: SessionRecord[] = [];
      for (const address of addresses) {
        const record = await this.tx.getSessionRecord(toDeviceAddress(address));
        if (record === null) throw new ProtocolError('no-session', 'No session with one of the recipient devices.', { address: toDeviceAddress(address) });
        records.push(record);
      }
      return records;
    });
  }
}

class TransactionIdentityStore extends IdentityKeyStore {
  constructor(private readonly tx: ProtocolTransaction) {
    super();
  }

  async getIdentityKey(): Promise<PrivateKey> {
    return guarded(this.tx, async () => (await this.tx.identityKeyPair()).privateKey);
  }

  override async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    return guarded(this.tx, () => this.tx.identityKeyPair());
  }

  async getLocalRegistrationId(): Promise<number> {
    return guarded(this.tx, async () => (await this.tx.requireLocalAccount()).registrationId);
  }

  async saveIdentity(address: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    return guarded(this.tx, async () => {
      const name = address.name();
      const update = recordIdentityKey(await this.tx.getIdentity(name), name, key.serialize(), this.tx.now());
      if (update.record !== null) this.tx.putIdentity(update.record);
      if (update.notice === null) return IdentityChange.NewOrUnchanged;
      this.tx.reportIdentityChange(update.notice);
      return IdentityChange.ReplacedExisting;
    });
  }

  async isTrustedIdentity(address: ProtocolAddress, key: PublicKey, direction: Direction): Promise<boolean> {
    // Receiving is always trusted: the message is kept and a change reported by saveIdentity.
    if (direction === Direction.Receiving) return true;
    return guarded(this.tx, async () => isTrustedForSending(await this.tx.getIdentity(address.name()), key.serialize()));
  }

  async getIdentity(address: ProtocolAddress): Promise<PublicKey | null> {
    return guarded(this.tx, async () => {
      const record = await this.tx.getIdentity(address.name());
      return record === null ? null : PublicKey.deserialize(toLibsignalBytes(record.publicKey));
    });
  }
}

class TransactionPreKeyStore extends PreKeyStore {
  constructor(private readonly tx: ProtocolTransaction) {
    super();
  }

  async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    return guarded(this.tx, async () => {
      const existing = await this.tx.getPreKey(id);
      this.tx.putPreKey({ id, record: record.serialize(), createdAt: existing?.createdAt ?? this.tx.now() });
    });
  }

  async getPreKey(id: number): Promise<PreKeyRecord> {
    return guarded(this.tx, async () => {
      const entry = await this.tx.getPreKey(id);
      if (entry === null) throw missingPreKey('one-time prekey');
      return PreKeyRecord.deserialize(toLibsignalBytes(entry.record));
    });
  }

  async removePreKey(id: number): Promise<void> {
    return guarded(this.tx, async () => this.tx.removePreKey(id));
  }
}

class TransactionSignedPreKeyStore extends SignedPreKeyStore {
  constructor(private readonly tx: ProtocolTransaction) {
    super();
  }

  async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    return guarded(this.tx, async () => this.tx.putSignedPreKey({ id, record: record.serialize(), createdAt: record.timestamp() }));
  }

  async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    return guarded(this.tx, async () => {
      const entry = await this.tx.getSignedPreKey(id);
      if (entry === null) throw missingPreKey('signed prekey');
      return SignedPreKeyRecord.deserialize(toLibsignalBytes(entry.record));
    });
  }
}

class TransactionKyberPreKeyStore extends KyberPreKeyStore {
  constructor(private readonly tx: ProtocolTransaction) {
    super();
  }

  async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    return guarded(this.tx, async () => {
      const existing = await this.tx.getKyberPreKey(id);
      this.tx.putKyberPreKey({
        id,
        record: record.serialize(),
        createdAt: record.timestamp(),
        lastResort: existing?.lastResort ?? false,
        used: existing?.used ?? false,
      });
    });
  }

  async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    return guarded(this.tx, async () => {
      const entry = await this.tx.getKyberPreKey(id);
      if (entry === null || (entry.used && !entry.lastResort)) throw missingPreKey('Kyber prekey');
      return KyberPreKeyRecord.deserialize(toLibsignalBytes(entry.record));
    });
  }

  async markKyberPreKeyUsed(id: number, _signedPreKeyId: number, _baseKey: PublicKey): Promise<void> {
    return guarded(this.tx, async () => {
      const entry = await this.tx.getKyberPreKey(id);
      if (entry === null) throw missingPreKey('Kyber prekey');
      // A last-resort key stays usable until rotated away. (Signal also remembers
      // the (signed prekey, base key) pairs seen with it, to refuse a replayed
      // first message once its session is gone; not done here yet.)
      if (!entry.lastResort) this.tx.putKyberPreKey({ ...entry, used: true });
    });
  }
}

class TransactionSenderKeyStore extends SenderKeyStore {
  constructor(private readonly tx: ProtocolTransaction) {
    super();
  }

  async saveSenderKey(sender: ProtocolAddress, distributionId: Uuid, record: SenderKeyRecord): Promise<void> {
    return guarded(this.tx, async () =>
      this.tx.putSenderKey({ sender: toDeviceAddress(sender), distributionId, record: record.serialize() }),
    );
  }

  async getSenderKey(sender: ProtocolAddress, distributionId: Uuid): Promise<SenderKeyRecord | null> {
    return guarded(this.tx, async () => {
      const bytes = await this.tx.getSenderKey(toDeviceAddress(sender), distributionId);
      return bytes === null ? null : SenderKeyRecord.deserialize(toLibsignalBytes(bytes));
    });
  }
}
