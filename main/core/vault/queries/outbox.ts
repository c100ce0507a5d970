import type { Row, SqlReader, SqlWriter } from '../sqlite';
import { blob, int, intOrNull, text, textOrNull } from './row';

/**
 * Work that must reach the relay: written in the same transaction as the
 * message it belongs to, so nothing unsent is lost in a crash, and removed
 * only when the relay acknowledges it.
 */
export interface OutboxEntry {
  id: number;
  kind: string;
  conversationId: string | null;
  messageId: number | null;
  recipient: string;
  payload: Uint8Array;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
}

export type NewOutboxEntry = Omit<OutboxEntry, 'id' | 'attempts'>;

const fromRow = (row: Row): OutboxEntry => ({
  id: int(row, 'id'),
  kind: text(row, 'kind'),
  conversationId: textOrNull(row, 'conversation_id'),
  messageId: intOrNull(row, 'message_id'),
  recipient: text(row, 'recipient'),
  payload: blob(row, 'payload'),
  attempts: int(row, 'attempts'),
  nextAttemptAt: int(row, 'next_attempt_at'),
  createdAt: int(row, 'created_at'),
});

export function enqueue(tx: SqlWriter, e: NewOutboxEntry): number {
  return tx.insert(
    'INSERT INTO outbox (kind, conversation_id, message_id, recipient, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [e.kind, e.conversationId, e.messageId, e.recipient, e.payload, e.nextAttemptAt, e.createdAt],
  );
}

/** Entries whose time has come, oldest first. */
export function due(db: SqlReader, now: number, limit = 100): OutboxEntry[] {
  return db.all('SELECT * FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?', [now, limit]).map(fromRow);
}

export function reschedule(tx: SqlWriter, id: number, nextAttemptAt: number): void {
  tx.run('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?', [nextAttemptAt, id]);
}

export function remove(tx: SqlWriter, id: number): void {
  tx.run('DELETE FROM outbox WHERE id = ?', [id]);
}

export function nextDue(db: SqlReader): number | null {
  return intOrNull(db.get('SELECT min(next_attempt_at) AS t FROM outbox') ?? { t: null }, 't');
}

/**
 * After a rollback (salvage): every entry not yet sent to all its devices is
 * encrypted afresh (its ciphertexts used dropped sessions), to every device: an
 * entry keeps no record of which devices were done, and a repeat is dropped by
 * the receiver. Due now, except entries parked at `parkedAt` (failed for good).
 */
export function reencryptAllNow(tx: SqlWriter, now: number, parkedAt: number): void {
  tx.run('DELETE FROM outbox_deliveries WHERE outbox_id IN (SELECT outbox_id FROM outbox_deliveries WHERE sent = 0)');
  tx.run('UPDATE outbox SET next_attempt_at = ? WHERE next_attempt_at > ? AND next_attempt_at < ?', [now, now, parkedAt]);
}
