import type { Database } from 'better-sqlite3';
import type { AttachmentRecord, AttachmentStore, MailboxAddress } from '../types';
import { recipientKey } from '../types';

interface AttachmentRow {
  id: string;
  owner_account: string;
  owner_device: number;
  size: number;
  uploaded: number;
  expires_at: number;
}

export class SqliteAttachments implements AttachmentStore {
  private readonly insert;
  private readonly insertRecipient;
  private readonly select;
  private readonly selectRecipients;
  private readonly setUploaded;
  private readonly setFetched;
  private readonly countPending;
  private readonly remove;
  private readonly selectExpired;

  constructor(
    private readonly db: Database,
    /** Resolves once what was committed is on disk. */
    private readonly durable: () => Promise<void>,
  ) {
    this.insert = db.prepare('INSERT INTO attachments (id, owner_account, owner_device, size, expires_at) VALUES (?, ?, ?, ?, ?)');
    this.insertRecipient = db.prepare('INSERT OR IGNORE INTO attachment_recipients (attachment_id, account_id, device_id) VALUES (?, ?, ?)');
    this.select = db.prepare<[string, number], AttachmentRow>('SELECT * FROM attachments WHERE id = ? AND expires_at > ?');
    this.selectRecipients = db.prepare<[string], { account_id: string; device_id: number; fetched: number }>(
      'SELECT account_id, device_id, fetched FROM attachment_recipients WHERE attachment_id = ?',
    );
    this.setUploaded = db.prepare('UPDATE attachments SET uploaded = 1 WHERE id = ?');
    this.setFetched = db.prepare('UPDATE attachment_recipients SET fetched = 1 WHERE attachment_id = ? AND account_id = ? AND device_id = ?');
    this.countPending = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM attachment_recipients WHERE attachment_id = ? AND fetched = 0');
    this.remove = db.prepare('DELETE FROM attachments WHERE id = ?');
    this.selectExpired = db.prepare<[number], { id: string }>('SELECT id FROM attachments WHERE expires_at <= ?');
  }

  async create(record: Omit<AttachmentRecord, 'uploaded'>): Promise<void> {
    this.db.transaction(() => {
      this.insert.run(record.id, record.owner.accountId, record.owner.deviceId, record.size, record.expiresAt);
      for (const key of record.recipients.keys()) {
        const [accountId, deviceId] = key.split(':');
        this.insertRecipient.run(record.id, accountId, Number(deviceId));
      }
    })();
    await this.durable();
  }

  async get(id: string, now: number): Promise<AttachmentRecord | undefined> {
    const row = this.select.get(id, now);
    if (!row) return undefined;
    const recipients = new Map(this.selectRecipients.all(id).map((r) => [recipientKey({ accountId: r.account_id, deviceId: r.device_id }), r.fetched === 1]));
    return {
      id: row.id,
      owner: { accountId: row.owner_account, deviceId: row.owner_device },
      size: row.size,
      uploaded: row.uploaded === 1,
      expiresAt: row.expires_at,
      recipients,
    };
  }

  async markUploaded(id: string): Promise<void> {
    this.setUploaded.run(id);
    await this.durable();
  }

  async markFetched(id: string, recipient: MailboxAddress): Promise<number> {
    this.setFetched.run(id, recipient.accountId, recipient.deviceId);
    return this.countPending.get(id)?.n ?? 0;
  }

  async delete(id: string): Promise<void> {
    this.remove.run(id);
  }

  async takeExpired(now: number): Promise<string[]> {
    return this.db.transaction(() => {
      const ids = this.selectExpired.all(now).map((row) => row.id);
      for (const id of ids) this.remove.run(id);
      return ids;
    })();
  }
}
