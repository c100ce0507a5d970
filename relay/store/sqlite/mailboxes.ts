import type { Database } from 'better-sqlite3';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { EnvelopeSchema, type Envelope } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import type { EnqueueOutcome, MailboxAddress, MailboxListener, MailboxStore, NewEnvelope, PrekeyCounts } from '../types';
import { recipientKey } from '../types';
import type { MailboxWatchers } from '../watchers';
import { blob } from './blob';

type Operation =
  | { kind: 'enqueue'; items: readonly NewEnvelope[]; maxQueue: number; resolve: (outcomes: EnqueueOutcome[]) => void; reject: (e: unknown) => void }
  | { kind: 'ack'; address: MailboxAddress; ids: readonly Uint8Array[]; resolve: () => void; reject: (e: unknown) => void };

/**
 * Mailboxes in SQLite with group commit: every enqueue and ack requested in
 * one event-loop turn is applied in one transaction with one fsync
 * (synchronous=FULL), then every caller is answered. Concurrent senders thus
 * share the cost of durability instead of queueing behind one fsync each.
 */
export class SqliteMailboxes implements MailboxStore {
  private batch: Operation[] = [];
  private flushScheduled = false;
  private readonly commit;
  private readonly selectQueue;
  /** Called after a commit that deleted envelopes, so their bytes can be scrubbed from the WAL soon. */
  onDeleted: () => void = () => {};

  constructor(
    db: Database,
    private readonly watchers: MailboxWatchers,
    private readonly now: () => number,
  ) {
    const resolveRecipient = db.prepare<[string, number], { id: string }>(
      'SELECT a.id FROM accounts a JOIN devices d ON d.account_id = a.id WHERE a.username = ? AND d.device_id = ?',
    );
    const countQueue = db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE account_id = ? AND device_id = ?');
    const seenSubmission = db.prepare<[Buffer, number], { n: number }>('SELECT 1 AS n FROM submissions WHERE fingerprint = ? AND expires_at > ?');
    const recordSubmission = db.prepare('INSERT OR REPLACE INTO submissions (fingerprint, expires_at) VALUES (?, ?)');
    const insertEnvelope = db.prepare('INSERT INTO envelopes (id, account_id, device_id, body, expires_at) VALUES (?, ?, ?, ?, ?)');
    const deleteEnvelope = db.prepare('DELETE FROM envelopes WHERE id = ? AND account_id = ? AND device_id = ?');
    this.selectQueue = db.prepare<[string, number, number, number], { body: Buffer }>(
      'SELECT body FROM envelopes WHERE account_id = ? AND device_id = ? AND expires_at > ? ORDER BY seq LIMIT ?',
    );

    this.commit = db.transaction((operations: Operation[], now: number) => {
      const recipients = new Map<string, string | null>();
      const queueLengths = new Map<string, number>();
      const results: Array<EnqueueOutcome[] | undefined> = [];
      const stored: Array<[string, Envelope]> = [];
      let deleted = 0;
      for (const op of operations) {
        if (op.kind === 'ack') {
          for (const id of op.ids) deleted += deleteEnvelope.run(blob(id), op.address.accountId, op.address.deviceId).changes;
          const key = recipientKey(op.address);
          queueLengths.delete(key);
          results.push(undefined);
          continue;
        }
        const outcomes: EnqueueOutcome[] = [];
        for (const item of op.items) {
          const who = `${item.recipientDeviceId}:${item.recipientUsername}`;
          let accountId = recipients.get(who);
          if (accountId === undefined) {
            accountId = resolveRecipient.get(item.recipientUsername, item.recipientDeviceId)?.id ?? null;
            recipients.set(who, accountId);
          }
          if (accountId === null) {
            outcomes.push('not-found');
            continue;
          }
          const fingerprint = blob(item.fingerprint);
          if (seenSubmission.get(fingerprint, now)) {
            outcomes.push('duplicate');
            continue;
          }
          const key = `${accountId}:${item.recipientDeviceId}`;
          const length = queueLengths.get(key) ?? countQueue.get(accountId, item.recipientDeviceId)?.n ?? 0;
          if (length >= op.maxQueue) {
            queueLengths.set(key, length);
            outcomes.push('queue-full');
            continue;
          }
          recordSubmission.run(fingerprint, item.expiresAt);
          insertEnvelope.run(blob(item.envelope.id), accountId, item.recipientDeviceId, blob(toBinary(EnvelopeSchema, item.envelope)), item.expiresAt);
          queueLengths.set(key, length + 1);
          stored.push([key, item.envelope]);
          outcomes.push('stored');
        }
        results.push(outcomes);
      }
      return { results, stored, deleted };
    });
  }

  enqueue(items: readonly NewEnvelope[], maxQueue: number): Promise<EnqueueOutcome[]> {
    return new Promise((resolve, reject) => this.schedule({ kind: 'enqueue', items, maxQueue, resolve, reject }));
  }

  ack(address: MailboxAddress, ids: readonly Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => this.schedule({ kind: 'ack', address, ids, resolve, reject }));
  }

  async fetch(address: MailboxAddress, limit: number, now: number): Promise<Envelope[]> {
    return this.selectQueue
      .all(address.accountId, address.deviceId, now, limit)
      .map((row) => fromBinary(EnvelopeSchema, row.body, { readUnknownFields: false }));
  }

  async watch(address: MailboxAddress, listener: MailboxListener): Promise<() => void> {
    this.watchers.add(address, listener);
    return () => void this.watchers.remove(address, listener);
  }

  async notifyPrekeysLow(address: MailboxAddress, counts: PrekeyCounts): Promise<void> {
    this.watchers.emit(recipientKey(address), { kind: 'prekeys-low', counts });
  }

  /** Commits whatever is waiting now; used at shutdown to finish in-flight work. */
  flush(): void {
    this.flushScheduled = false;
    const operations = this.batch;
    if (operations.length === 0) return;
    this.batch = [];
    let outcome: ReturnType<typeof this.commit>;
    try {
      outcome = this.commit(operations, this.now());
    } catch (error) {
      for (const op of operations) op.reject(error);
      return;
    }
    operations.forEach((op, index) => {
      if (op.kind === 'ack') op.resolve();
      else op.resolve(outcome.results[index] ?? []);
    });
    for (const [key, envelope] of outcome.stored) this.watchers.emit(key, { kind: 'envelope', envelope });
    if (outcome.deleted > 0) this.onDeleted();
  }

  private schedule(op: Operation): void {
    this.batch.push(op);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }
}
