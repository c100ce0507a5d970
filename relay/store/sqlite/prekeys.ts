import type { Database } from 'better-sqlite3';
import type { MailboxAddress, PrekeyCounts, PrekeyStore, PrekeyUpload, StoredBundle, StoredSignedPreKey } from '../types';
import { blob } from './blob';

interface KeyRow {
  key_id: number;
  public_key: Buffer;
  signature: Buffer;
}

const signed = (row: KeyRow): StoredSignedPreKey => ({ keyId: row.key_id, publicKey: row.public_key, signature: row.signature });

/** Thrown inside the upload transaction to roll it back. */
class TooMany extends Error {}

export class SqlitePrekeys implements PrekeyStore {
  private readonly uploadTx;
  private readonly takeTx;
  private readonly countEc;
  private readonly countKyber;

  constructor(
    db: Database,
    /** Resolves once what was committed is on disk: a one-time key handed out must stay gone after a crash. */
    private readonly durable: () => Promise<void>,
  ) {
    const insertEc = db.prepare('INSERT OR REPLACE INTO ec_prekeys (account_id, device_id, key_id, public_key) VALUES (?, ?, ?, ?)');
    const insertKyber = db.prepare(
      'INSERT OR REPLACE INTO kyber_prekeys (account_id, device_id, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?)',
    );
    const upsertSigned = db.prepare(
      'INSERT OR REPLACE INTO signed_prekeys (account_id, device_id, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?)',
    );
    const upsertLastResort = db.prepare(
      'INSERT OR REPLACE INTO last_resort_kyber_prekeys (account_id, device_id, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?)',
    );
    this.countEc = db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM ec_prekeys WHERE account_id = ? AND device_id = ?');
    this.countKyber = db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM kyber_prekeys WHERE account_id = ? AND device_id = ?');

    this.uploadTx = db.transaction((address: MailboxAddress, keys: PrekeyUpload, maxPerDevice: number): PrekeyCounts => {
      const { accountId, deviceId } = address;
      for (const key of keys.ecPrekeys) insertEc.run(accountId, deviceId, key.keyId, blob(key.publicKey));
      for (const key of keys.kyberPrekeys) insertKyber.run(accountId, deviceId, key.keyId, blob(key.publicKey), blob(key.signature));
      const counts = this.countsOf(address);
      if (counts.ec > maxPerDevice || counts.kyber > maxPerDevice) throw new TooMany();
      const s = keys.signedPrekey;
      if (s) upsertSigned.run(accountId, deviceId, s.keyId, blob(s.publicKey), blob(s.signature));
      const l = keys.lastResortKyberPrekey;
      if (l) upsertLastResort.run(accountId, deviceId, l.keyId, blob(l.publicKey), blob(l.signature));
      return counts;
    });

    const selectDevices = db.prepare<[string], { device_id: number; registration_id: number }>(
      'SELECT device_id, registration_id FROM devices WHERE account_id = ? ORDER BY device_id',
    );
    const selectSigned = db.prepare<[string, number], KeyRow>(
      'SELECT key_id, public_key, signature FROM signed_prekeys WHERE account_id = ? AND device_id = ?',
    );
    const selectLastResort = db.prepare<[string, number], KeyRow>(
      'SELECT key_id, public_key, signature FROM last_resort_kyber_prekeys WHERE account_id = ? AND device_id = ?',
    );
    const firstEc = db.prepare<[string, number], KeyRow>(
      'SELECT key_id, public_key FROM ec_prekeys WHERE account_id = ? AND device_id = ? ORDER BY key_id LIMIT 1',
    );
    const deleteEc = db.prepare('DELETE FROM ec_prekeys WHERE account_id = ? AND device_id = ? AND key_id = ?');
    const firstKyber = db.prepare<[string, number], KeyRow>(
      'SELECT key_id, public_key, signature FROM kyber_prekeys WHERE account_id = ? AND device_id = ? ORDER BY key_id LIMIT 1',
    );
    const deleteKyber = db.prepare('DELETE FROM kyber_prekeys WHERE account_id = ? AND device_id = ? AND key_id = ?');

    this.takeTx = db.transaction((accountId: string, onlyDevice: number | undefined): StoredBundle[] => {
      const bundles: StoredBundle[] = [];
      for (const device of selectDevices.all(accountId)) {
        const deviceId = device.device_id;
        if (onlyDevice !== undefined && deviceId !== onlyDevice) continue;
        const signedRow = selectSigned.get(accountId, deviceId);
        const lastResort = selectLastResort.get(accountId, deviceId);
        if (!signedRow || !lastResort) continue;
        const ec = firstEc.get(accountId, deviceId);
        if (ec) deleteEc.run(accountId, deviceId, ec.key_id);
        const kyber = firstKyber.get(accountId, deviceId);
        if (kyber) deleteKyber.run(accountId, deviceId, kyber.key_id);
        bundles.push({
          deviceId,
          registrationId: device.registration_id,
          signedPrekey: signed(signedRow),
          ...(ec && { ecPrekey: { keyId: ec.key_id, publicKey: ec.public_key } }),
          kyberPrekey: signed(kyber ?? lastResort),
          kyberIsLastResort: !kyber,
          remaining: this.countsOf({ accountId, deviceId }),
        });
      }
      return bundles;
    });
  }

  async upload(address: MailboxAddress, keys: PrekeyUpload, maxPerDevice: number): Promise<PrekeyCounts | 'too-many'> {
    try {
      const counts = this.uploadTx(address, keys, maxPerDevice);
      await this.durable();
      return counts;
    } catch (error) {
      if (error instanceof TooMany) return 'too-many';
      throw error;
    }
  }

  async counts(address: MailboxAddress): Promise<PrekeyCounts> {
    return this.countsOf(address);
  }

  async takeBundles(accountId: string, deviceId: number | undefined): Promise<StoredBundle[]> {
    const bundles = this.takeTx(accountId, deviceId);
    await this.durable();
    return bundles;
  }

  private countsOf({ accountId, deviceId }: MailboxAddress): PrekeyCounts {
    return { ec: this.countEc.get(accountId, deviceId)?.n ?? 0, kyber: this.countKyber.get(accountId, deviceId)?.n ?? 0 };
  }
}
