import type { Database } from 'better-sqlite3';
import type { EnqueueOutcome, MailboxAddress, MailboxListener, MailboxStore, NewEnvelope, PrekeyCounts, QueuedEnvelope } from '../types';
import { recipientKey } from '../types';
import type { MailboxWatchers } from '../watchers';
import type { WriteOp } from './mailbox-writer';
import type { WriterPort } from './writer-port';

type Pending =
  | { kind: 'enqueue'; items: readonly NewEnvelope[]; op: WriteOp; resolve: (outcomes: EnqueueOutcome[]) => void; reject: (e: unknown) => void }
  | { kind: 'ack'; op: WriteOp; resolve: () => void; reject: (e: unknown) => void };

/**
 * Mailboxes in SQLite with group commit: the enqueues and acks that arrive
 * while one commit is being written (and fsynced) go out together as the
 * next commit, so concurrent senders share the cost of durability instead of
 * each waiting behind its own fsync. Every caller is answered once its
 * commit is durable. Writes go through the mailbox writer (a worker thread
 * for a data folder); reads use this thread's connection.
 */
export class SqliteMailboxes implements MailboxStore {
  private waiting: Pending[] = [];
  private committing = false;
  private scheduled = false;
  private drained: Array<() => void> = [];
  private readonly selectQueue;

  constructor(
    db: Database,
    private readonly writer: WriterPort,
    private readonly watchers: MailboxWatchers,
    private readonly now: () => number,
  ) {
    this.selectQueue = db.prepare<[string, number, number, number], { id: Buffer; body: Buffer }>(
      'SELECT id, body FROM envelopes WHERE account_id = ? AND device_id = ? AND expires_at > ? ORDER BY seq LIMIT ?',
    );
  }

  enqueue(items: readonly NewEnvelope[], maxQueue: number): Promise<EnqueueOutcome[]> {
    const rows = items.map((item) => ({
      username: item.recipientUsername,
      deviceId: item.recipientDeviceId,
      fingerprint: item.fingerprint,
      id: item.envelope.id,
      body: item.envelope.bytes,
      expiresAt: item.expiresAt,
    }));
    return new Promise((resolve, reject) => this.schedule({ kind: 'enqueue', items, op: { kind: 'enqueue', rows, maxQueue }, resolve, reject }));
  }

  ack(address: MailboxAddress, ids: readonly Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => this.schedule({ kind: 'ack', op: { kind: 'ack', address, ids }, resolve, reject }));
  }

  async fetch(address: MailboxAddress, limit: number, now: number): Promise<QueuedEnvelope[]> {
    return this.selectQueue.all(address.accountId, address.deviceId, now, limit).map((row) => ({ id: row.id, bytes: row.body }));
  }

  async watch(address: MailboxAddress, listener: MailboxListener): Promise<() => void> {
    this.watchers.add(address, listener);
    return () => void this.watchers.remove(address, listener);
  }

  async notifyPrekeysLow(address: MailboxAddress, counts: PrekeyCounts): Promise<void> {
    this.watchers.emit(recipientKey(address), { kind: 'prekeys-low', counts });
  }

  /** Resolves once everything requested so far is committed (shutdown). */
  settle(): Promise<void> {
    if (!this.committing && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private schedule(pending: Pending): void {
    this.waiting.push(pending);
    if (this.committing || this.scheduled) return;
    // Let the rest of this event-loop turn join the batch.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.commitWaiting();
    });
  }

  private async commitWaiting(): Promise<void> {
    if (this.committing) return;
    const batch = this.waiting;
    if (batch.length === 0) {
      for (const resolve of this.drained.splice(0)) resolve();
      return;
    }
    this.waiting = [];
    this.committing = true;
    try {
      const result = await this.writer.commit(
        batch.map((p) => p.op),
        this.now(),
      );
      const stored: Array<[string, QueuedEnvelope]> = [];
      batch.forEach((pending, index) => {
        if (pending.kind === 'ack') return pending.resolve();
        const rows = result.enqueued[index] ?? [];
        pending.resolve(rows.map((row) => row.outcome));
        rows.forEach((row, k) => {
          const envelope = pending.items[k]?.envelope;
          if (row.mailbox && envelope) stored.push([row.mailbox, envelope]);
        });
      });
      for (const [mailbox, envelope] of stored) this.watchers.emit(mailbox, { kind: 'envelope', envelope });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.committing = false;
    }
    // What arrived during this commit is the next batch.
    await this.commitWaiting();
  }
}
