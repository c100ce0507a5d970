import type { SqlReader, SqlWriter } from '../vault';
import { messaging as rows, protocol as tables } from '../vault';
import type {
  DeviceAddress,
  IdentityRecord,
  KyberPreKeyEntry,
  KyberPreKeyMeta,
  LocalAccountRecord,
  PreKeyEntry,
  ProtocolStorage,
  ProtocolWrite,
  SignedPreKeyEntry,
  SignedPreKeyMeta,
} from './storage';

/** What VaultProtocolStorage needs of the vault: synchronous reads and durable all-or-nothing writes. */
export interface VaultLike {
  read<T>(fn: (db: SqlReader) => T): T;
  write<T>(fn: (tx: SqlWriter) => T): Promise<T>;
}

/**
 * ProtocolStorage over the vault's protocol tables. Reads are synchronous
 * sql.js lookups (the ProtocolStore caches them). Writes normally never come
 * through `applyWrites`: the receive and send pipelines pass them to
 * `applyProtocolWrites` inside the vault transaction that also stores the
 * messages or ciphertexts they belong to.
 */
export class VaultProtocolStorage implements ProtocolStorage {
  constructor(
    private readonly vault: VaultLike,
    private readonly now: () => number = Date.now,
  ) {}

  getLocalAccount(): LocalAccountRecord | null {
    return this.vault.read((db) => rows.getLocalAccount(db));
  }

  getSession(address: DeviceAddress): Uint8Array | null {
    return this.vault.read((db) => tables.getSession(db, address));
  }

  getIdentity(name: string): IdentityRecord | null {
    return this.vault.read((db) => rows.getIdentityRow(db, name));
  }

  getPreKey(id: number): PreKeyEntry | null {
    return this.vault.read((db) => rows.getPreKeyRow(db, id));
  }

  getSignedPreKey(id: number): SignedPreKeyEntry | null {
    return this.vault.read((db) => rows.getSignedPreKeyRow(db, id));
  }

  listSignedPreKeys(): SignedPreKeyMeta[] {
    return this.vault.read((db) => rows.listSignedPreKeyMeta(db));
  }

  getKyberPreKey(id: number): KyberPreKeyEntry | null {
    return this.vault.read((db) => rows.getKyberPreKeyRow(db, id));
  }

  listKyberPreKeys(): KyberPreKeyMeta[] {
    return this.vault.read((db) => rows.listKyberPreKeyMeta(db));
  }

  getSenderKey(sender: DeviceAddress, distributionId: string): Uint8Array | null {
    return this.vault.read((db) => tables.getSenderKey(db, sender, distributionId));
  }

  async applyWrites(writes: readonly ProtocolWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const now = this.now();
    await this.vault.write((tx) => applyProtocolWrites(tx, writes, now));
  }
}

/** Applies a batch of protocol writes inside the caller's vault transaction (all or nothing with it). */
export function applyProtocolWrites(tx: SqlWriter, writes: readonly ProtocolWrite[], now: number): void {
  for (const write of writes) {
    switch (write.kind) {
      case 'local-account.put':
        rows.putLocalAccount(tx, write.account);
        break;
      case 'session.put':
        tables.putSession(tx, write.address, write.record, now);
        break;
      case 'session.remove':
        tables.deleteSession(tx, write.address);
        break;
      case 'identity.put':
        rows.putIdentityRow(tx, write.identity, now);
        break;
      case 'prekey.put':
        rows.putPreKeyRow(tx, write.preKey.id, write.preKey.record, write.preKey.createdAt);
        break;
      case 'prekey.remove':
        tables.removePreKey(tx, write.id);
        break;
      case 'signed-prekey.put':
        rows.putSignedPreKeyRow(tx, write.signedPreKey.id, write.signedPreKey.record, write.signedPreKey.createdAt);
        break;
      case 'signed-prekey.remove':
        tables.removeSignedPreKey(tx, write.id);
        break;
      case 'kyber-prekey.put':
        rows.putKyberPreKeyRow(tx, write.kyberPreKey, now);
        break;
      case 'kyber-prekey.remove':
        tx.run('DELETE FROM protocol_kyber_prekeys WHERE id = ?', [write.id]);
        break;
      case 'sender-key.put':
        tables.putSenderKey(tx, write.senderKey.sender, write.senderKey.distributionId, write.senderKey.record, now);
        break;
    }
  }
}
