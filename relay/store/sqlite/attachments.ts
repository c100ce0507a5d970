import type { Database } from 'better-sqlite3';
import type { AttachmentRecord, AttachmentStore, ConfirmOutcome, NewAttachment } from '../types';

interface AttachmentRow {
  id: string;
  size: number;
  fetch_count: number;
  token_hash: Buffer;
  uploader_account: string | null;
  uploader_device: number | null;
  uploaded: number;
  expires_at: number;
  confirmations: number;
}

/** Attachment records (schema migration 2): no recipients, and no uploader once uploaded. */
export class SqliteAttachments implements AttachmentStore {
  private readonly insert;
  private readonly select;
  private readonly setUploaded;
  private readonly insertConfirmation;
  private readonly remove;
  private readonly selectExpired;

  constructor(
    private readonly db: Database,
    /** Resolves once what was committed is on disk. */
    private readonly durable: () => Promise<void>,
    /** Asks for the write-ahead log to be emptied soon, so old page images (the uploader) go too. */
    private readonly scrub: () => void,
  ) {
    this.insert = db.prepare('INSERT INTO attachments (id, size, fetch_count, token_hash, uploader_account, uploader_device, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.select = db.prepare<[string, number], AttachmentRow>(
      `SELECT a.*, (SELECT COUNT(*) FROM attachment_confirmations c WHERE c.attachment_id = a.id) AS confirmations
       FROM attachments a WHERE a.id = ? AND a.expires_at > ?`,
    );
    this.setUploaded = db.prepare('UPDATE attachments SET uploaded = 1, uploader_account = NULL, uploader_device = NULL WHERE id = ?');
    this.insertConfirmation = db.prepare('INSERT OR IGNORE INTO attachment_confirmations (attachment_id, confirmation_id) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM attachments WHERE id = ?');
    this.selectExpired = db.prepare<[number], { id: string }>('SELECT id FROM attachments WHERE expires_at <= ?');
  }

  async create(record: NewAttachment): Promise<void> {
    this.insert.run(record.id, record.size, record.fetchCount, record.tokenHash, record.uploader.accountId, record.uploader.deviceId, record.expiresAt);
    await this.durable();
  }

  async get(id: string, now: number): Promise<AttachmentRecord | undefined> {
    const row = this.select.get(id, now);
    return row && recordOf(row);
  }

  async markUploaded(id: string): Promise<void> {
    this.setUploaded.run(id);
    await this.durable();
    this.scrub();
  }

  async confirm(id: string, confirmationId: Uint8Array, now: number): Promise<ConfirmOutcome | undefined> {
    const outcome = this.db.transaction(() => {
      const row = this.select.get(id, now);
      if (!row || row.uploaded !== 1) return undefined;
      const added = this.insertConfirmation.run(id, confirmationId).changes > 0;
      const confirmations = row.confirmations + (added ? 1 : 0);
      return { repeat: !added, remaining: Math.max(0, row.fetch_count - confirmations) };
    })();
    if (outcome && !outcome.repeat) await this.durable();
    return outcome;
  }

  async delete(id: string): Promise<void> {
    this.remove.run(id);
    this.scrub();
  }

  async takeExpired(now: number): Promise<string[]> {
    const ids = this.db.transaction(() => {
      const expired = this.selectExpired.all(now).map((row) => row.id);
      for (const id of expired) this.remove.run(id);
      return expired;
    })();
    if (ids.length > 0) this.scrub();
    return ids;
  }
}

function recordOf(row: AttachmentRow): AttachmentRecord {
  return {
    id: row.id,
    size: row.size,
    expiresAt: row.expires_at,
    fetchCount: row.fetch_count,
    tokenHash: new Uint8Array(row.token_hash),
    uploader: row.uploader_account === null || row.uploader_device === null ? null : { accountId: row.uploader_account, deviceId: row.uploader_device },
    uploaded: row.uploaded === 1,
    confirmations: row.confirmations,
  };
}
