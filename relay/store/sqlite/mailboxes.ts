import type { Database } from 'better-sqlite3';
import type { EnqueueOutcome, MailboxAddress, MailboxListener, MailboxStore, NewEnvelope, PrekeyCounts, QueuedEnvelope } from '../types';
import { recipientKey } from '../types';
import type { MailboxWatchers } from '../watchers';
import type { MailboxWriter, WriteOp } from './mailbox-writer';

type Pending =
  | { kind: 'enqueue'; items: readonly NewEnvelope[]; op: WriteOp; resolve: (outcomes: EnqueueOutcome[]) => void; reject: (e: unknown) => void }
  | { kind: 'ack'; op: WriteOp; resolve: () => void; reject: (e: unknown) => void };

/**
 * Mailboxes in SQLite with group commit: while one transaction's fsync runs,
 * the enqueues and acks that arrive wait; when it completes its callers are
 * answered, and everything that waited is written as the next transaction,
 * followed by the next fsync. Concurrent senders thus share transactions and
 * fsyncs, and the fsync never blocks the event loop (see WalSync).
 *
 * Recipients' connections hear of a stored envelope as soon as its
 * transaction commits, without waiting for the fsync: only the sender's
 * answer promises durability. (If the relay dies in between, the sender, not
 * answered, sends again, and the recipient may see the envelope twice, as it
 * may after any reconnect.)
 */
export class SqliteMailboxes implements MailboxStore {
  private waiting: Pending[] = [];
  private scheduled = false;
  /** The transaction whose fsync is running, if any. */
  private syncing: Promise<void> | undefined;
  private readonly selectQueue;

  constructor(
    db: Database,
    private readonly writer: MailboxWriter,
    private readonly durable: () => Promise<void>,
    private readonly watchers: MailboxWatchers,
    private readonly now: () => number,
    private readonly onDeleted: (count: number) => void,
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

  /** Resolves once everything requested so far is durable and answered (shutdown). */
  async settle(): Promise<void> {
    while (this.syncing || this.waiting.length > 0) {
      if (!this.syncing) this.commitWaiting();
      await this.syncing;
    }
  }

  private schedule(pending: Pending): void {
    this.waiting.push(pending);
    if (this.scheduled || this.syncing) return;
    // Let the rest of this event-loop turn join the transaction.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.syncing) this.commitWaiting();
    });
  }

  private commitWaiting(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    let result: ReturnType<MailboxWriter['commit']>;
    try {
      result = this.writer.commit(
        batch.map((p) => p.op),
        this.now(),
      );
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    if (result.deleted > 0) this.onDeleted(result.deleted);
    this.announce(batch, result);
    this.syncing = this.durable().then(
      () => this.answer(batch, result),
      (error: unknown) => batch.forEach((pending) => pending.reject(error)),
    );
    void this.syncing.finally(() => {
      this.syncing = undefined;
      // What arrived during the fsync is the next transaction.
      this.commitWaiting();
    });
  }

  private answer(batch: Pending[], result: ReturnType<MailboxWriter['commit']>): void {
    batch.forEach((pending, index) => {
      if (pending.kind === 'ack') pending.resolve();
      else pending.resolve((result.enqueued[index] ?? []).map((row) => row.outcome));
    });
  }

  /** Tells the recipients' watchers about each envelope the transaction stored. */
  private announce(batch: Pending[], result: ReturnType<MailboxWriter['commit']>): void {
    batch.forEach((pending, index) => {
      if (pending.kind === 'ack') return;
      (result.enqueued[index] ?? []).forEach((row, k) => {
        const envelope = pending.items[k]?.envelope;
        if (row.mailbox && envelope) this.watchers.emit(row.mailbox, { kind: 'envelope', envelope });
      });
    });
  }
}
