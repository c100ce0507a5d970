import type { Database } from 'better-sqlite3';
import type { EnqueueOutcome, MailboxAddress } from '../types';
import { blob } from './blob';

/**
 * Every write to envelopes and submissions, in one place. It keeps the queue
 * lengths and recipient lookups it needs in memory, exact because nothing
 * else writes these tables (one relay process per data folder).
 */

/** An envelope ready to store: its recipient by name, its fingerprint and its encoded body. */
export interface EnvelopeRow {
  readonly username: string;
  readonly deviceId: number;
  readonly fingerprint: Uint8Array;
  readonly id: Uint8Array;
  readonly body: Uint8Array;
  readonly expiresAt: number;
}

export type WriteOp =
  | { readonly kind: 'enqueue'; readonly rows: readonly EnvelopeRow[]; readonly maxQueue: number }
  | { readonly kind: 'ack'; readonly address: MailboxAddress; readonly ids: readonly Uint8Array[] };

export interface WriteResult {
  /** Per enqueue op (undefined for acks): each row's outcome and, when stored, its mailbox key. */
  readonly enqueued: ReadonlyArray<ReadonlyArray<{ outcome: EnqueueOutcome; mailbox?: string }> | undefined>;
  readonly deleted: number;
}

/** Entries in each cache before it is cleared, to bound memory. */
const CACHE_LIMIT = 100_000;

export class MailboxWriter {
  /** "device:username" → account id (accounts never change username; removals clear this). */
  private readonly recipients = new Map<string, string>();
  /** Mailbox → queued envelopes. */
  private readonly queueLengths = new Map<string, number>();
  private readonly commitTx;
  private readonly sweepTx;
  private readonly deleteMailboxTx;

  constructor(private readonly db: Database) {
    const resolveRecipient = db.prepare<[string, number], { id: string }>(
      'SELECT a.id FROM accounts a JOIN devices d ON d.account_id = a.id WHERE a.username = ? AND d.device_id = ?',
    );
    const countQueue = db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE account_id = ? AND device_id = ?');
    const recordSubmission = db.prepare<[Buffer, number]>('INSERT OR IGNORE INTO submissions (fingerprint, expires_at) VALUES (?, ?)');
    const dropExpiredSubmission = db.prepare<[Buffer, number]>('DELETE FROM submissions WHERE fingerprint = ? AND expires_at <= ?');
    /** Records a submission; false when it is a live repeat. An expired record not yet swept counts as gone. */
    const firstSubmission = (fingerprint: Buffer, expiresAt: number, now: number): boolean => {
      if (recordSubmission.run(fingerprint, expiresAt).changes > 0) return true;
      if (dropExpiredSubmission.run(fingerprint, now).changes === 0) return false;
      return recordSubmission.run(fingerprint, expiresAt).changes > 0;
    };
    const insertEnvelope = db.prepare('INSERT INTO envelopes (id, account_id, device_id, body, expires_at) VALUES (?, ?, ?, ?, ?)');
    const deleteEnvelope = db.prepare('DELETE FROM envelopes WHERE id = ? AND account_id = ? AND device_id = ?');

    const enqueue = (rows: readonly EnvelopeRow[], maxQueue: number, now: number) =>
      rows.map((row): { outcome: EnqueueOutcome; mailbox?: string } => {
        const who = `${row.deviceId}:${row.username}`;
        let accountId = this.recipients.get(who);
        if (accountId === undefined) {
          accountId = resolveRecipient.get(row.username, row.deviceId)?.id;
          if (accountId === undefined) return { outcome: 'not-found' };
          if (this.recipients.size >= CACHE_LIMIT) this.recipients.clear();
          this.recipients.set(who, accountId);
        }
        const mailbox = `${accountId}:${row.deviceId}`;
        const length = this.queueLengths.get(mailbox) ?? countQueue.get(accountId, row.deviceId)?.n ?? 0;
        if (this.queueLengths.size >= CACHE_LIMIT) this.queueLengths.clear();
        this.queueLengths.set(mailbox, length);
        if (length >= maxQueue) return { outcome: 'queue-full' };
        if (!firstSubmission(blob(row.fingerprint), row.expiresAt, now)) return { outcome: 'duplicate' };
        insertEnvelope.run(blob(row.id), accountId, row.deviceId, blob(row.body), row.expiresAt);
        this.queueLengths.set(mailbox, length + 1);
        return { outcome: 'stored', mailbox };
      });

    const ack = (address: MailboxAddress, ids: readonly Uint8Array[]) => {
      let deleted = 0;
      for (const id of ids) deleted += deleteEnvelope.run(blob(id), address.accountId, address.deviceId).changes;
      const mailbox = `${address.accountId}:${address.deviceId}`;
      const length = this.queueLengths.get(mailbox);
      if (length !== undefined) this.queueLengths.set(mailbox, length - deleted);
      return deleted;
    };

    this.commitTx = db.transaction((ops: readonly WriteOp[], now: number): WriteResult => {
      let deleted = 0;
      const enqueued = ops.map((op) => {
        if (op.kind === 'enqueue') return enqueue(op.rows, op.maxQueue, now);
        deleted += ack(op.address, op.ids);
        return undefined;
      });
      return { enqueued, deleted };
    });
    // Rows are appended with one TTL, so the expired ones are a prefix in seq order: delete up to the first live one.
    const expireFront = (table: 'envelopes' | 'submissions') =>
      db.prepare<[number]>(
        `DELETE FROM ${table} WHERE seq < COALESCE((SELECT seq FROM ${table} WHERE expires_at > ? ORDER BY seq LIMIT 1), (SELECT MAX(seq) + 1 FROM ${table}))`,
      );
    const expireEnvelopes = expireFront('envelopes');
    const expireSubmissions = expireFront('submissions');
    this.sweepTx = db.transaction((now: number): number => {
      const expired = expireEnvelopes.run(now).changes;
      expireSubmissions.run(now);
      return expired;
    });
    this.deleteMailboxTx = db.transaction((address: MailboxAddress): number => {
      return db.prepare('DELETE FROM envelopes WHERE account_id = ? AND device_id = ?').run(address.accountId, address.deviceId).changes;
    });
  }

  /** Applies the ops in one transaction (one fsync). On failure nothing is applied and the caches are dropped. */
  commit(ops: readonly WriteOp[], now: number): WriteResult {
    try {
      return this.commitTx(ops, now);
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  /** Deletes expired envelopes and submission fingerprints; returns how many envelopes expired. */
  sweep(now: number): number {
    this.queueLengths.clear();
    return this.sweepTx(now);
  }

  /** Deletes a removed device's queue. */
  deleteMailbox(address: MailboxAddress): number {
    this.forget();
    return this.deleteMailboxTx(address);
  }

  /** Drops cached recipients and queue lengths (a device was removed). */
  forget(): void {
    this.recipients.clear();
    this.queueLengths.clear();
  }
}
