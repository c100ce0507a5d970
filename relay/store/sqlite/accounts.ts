import type { Database } from 'better-sqlite3';
import type { AccountRecord, AccountStore, AddDeviceOutcome, DeviceRecord, MailboxAddress, NewDevice } from '../types';
import type { SecretHash } from '../../credentials';
import { blob } from './blob';

interface AccountRow {
  id: string;
  username: string;
  identity_key: Buffer;
}

const toRecord = (row: AccountRow): AccountRecord => ({ accountId: row.id, username: row.username, identityKey: row.identity_key });

export class SqliteAccounts implements AccountStore {
  private readonly insertAccount;
  private readonly insertDevice;
  private readonly selectByUsername;
  private readonly selectById;
  private readonly selectDevices;
  private readonly countDevices;
  private readonly selectSecret;
  private readonly deleteDevice;

  constructor(
    private readonly db: Database,
    /** Resolves once what was committed is on disk. */
    private readonly durable: () => Promise<void>,
    /** Deletes the removed device's queue and tells its connections. */
    private readonly onDeviceRemoved: (address: MailboxAddress) => Promise<void>,
  ) {
    this.insertAccount = db.prepare<[string, string, Buffer]>('INSERT OR IGNORE INTO accounts (id, username, identity_key) VALUES (?, ?, ?)');
    this.insertDevice = db.prepare<[string, number, number, Buffer, Buffer]>(
      'INSERT OR IGNORE INTO devices (account_id, device_id, registration_id, secret_salt, secret_hash) VALUES (?, ?, ?, ?, ?)',
    );
    this.selectByUsername = db.prepare<[string], AccountRow>('SELECT id, username, identity_key FROM accounts WHERE username = ?');
    this.selectById = db.prepare<[string], AccountRow>('SELECT id, username, identity_key FROM accounts WHERE id = ?');
    this.selectDevices = db.prepare<[string], { device_id: number; registration_id: number }>(
      'SELECT device_id, registration_id FROM devices WHERE account_id = ? ORDER BY device_id',
    );
    this.countDevices = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM devices WHERE account_id = ?');
    this.selectSecret = db.prepare<[string, number], AccountRow & { secret_salt: Buffer; secret_hash: Buffer }>(
      `SELECT a.id, a.username, a.identity_key, d.secret_salt, d.secret_hash
       FROM accounts a JOIN devices d ON d.account_id = a.id WHERE a.username = ? AND d.device_id = ?`,
    );
    this.deleteDevice = db.transaction((accountId: string, deviceId: number): boolean => {
      const removed = db.prepare('DELETE FROM devices WHERE account_id = ? AND device_id = ?').run(accountId, deviceId).changes > 0;
      for (const table of ['signed_prekeys', 'last_resort_kyber_prekeys', 'ec_prekeys', 'kyber_prekeys']) {
        db.prepare(`DELETE FROM ${table} WHERE account_id = ? AND device_id = ?`).run(accountId, deviceId);
      }
      return removed;
    });
  }

  async create(account: AccountRecord, device: NewDevice): Promise<boolean> {
    const created = this.db.transaction(() => {
      if (this.insertAccount.run(account.accountId, account.username, blob(account.identityKey)).changes === 0) return false;
      this.addDeviceRow(account.accountId, device);
      return true;
    })();
    if (created) await this.durable();
    return created;
  }

  async addDevice(accountId: string, device: NewDevice, maxDevices: number): Promise<AddDeviceOutcome> {
    const outcome = this.db.transaction((): AddDeviceOutcome => {
      if (!this.selectById.get(accountId)) return 'no-account';
      if ((this.countDevices.get(accountId)?.n ?? 0) >= maxDevices) return 'too-many';
      return this.addDeviceRow(accountId, device) ? 'added' : 'exists';
    })();
    if (outcome === 'added') await this.durable();
    return outcome;
  }

  async removeDevice(address: MailboxAddress): Promise<boolean> {
    const removed = this.deleteDevice(address.accountId, address.deviceId);
    if (removed) await this.onDeviceRemoved(address);
    return removed;
  }

  async byUsername(username: string): Promise<AccountRecord | undefined> {
    const row = this.selectByUsername.get(username);
    return row && toRecord(row);
  }

  async byId(accountId: string): Promise<AccountRecord | undefined> {
    const row = this.selectById.get(accountId);
    return row && toRecord(row);
  }

  async devices(accountId: string): Promise<DeviceRecord[]> {
    return this.selectDevices.all(accountId).map((row) => ({ deviceId: row.device_id, registrationId: row.registration_id }));
  }

  async deviceSecret(username: string, deviceId: number): Promise<{ account: AccountRecord; secret: SecretHash } | undefined> {
    const row = this.selectSecret.get(username, deviceId);
    return row && { account: toRecord(row), secret: { salt: row.secret_salt, hash: row.secret_hash } };
  }

  private addDeviceRow(accountId: string, device: NewDevice): boolean {
    const { deviceId, registrationId, secret } = device;
    return this.insertDevice.run(accountId, deviceId, registrationId, blob(secret.salt), blob(secret.hash)).changes > 0;
  }
}
