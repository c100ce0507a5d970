import type { SqlReader, SqlWriter } from '../sqlite';
import { deleteUnreferenced } from './attachments';
import { int, intOrNull, placeholders, text } from './row';

/**
 * Disappearing messages and message removal (schema 001 columns
 * expires_in_ms / expires_at, schema 005): each conversation's timer, each
 * message's clock, and deleting messages with everything hanging off them.
 */

const CHUNK = 500;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < list.length; start += CHUNK) out.push(list.slice(start, start + CHUNK));
  return out;
}

// ------------------------------------------------------------------- timers

export interface ConversationTimer {
  /** null: messages stay. */
  expireTimerMs: number | null;
  /** When the timer was last set (the changer's clock); null if never. */
  setAt: number | null;
}

export function conversationTimer(db: SqlReader, conversationId: string): ConversationTimer | null {
  const row = db.get('SELECT expire_timer_ms, expire_timer_at FROM conversations WHERE id = ?', [conversationId]);
  return row ? { expireTimerMs: intOrNull(row, 'expire_timer_ms'), setAt: intOrNull(row, 'expire_timer_at') } : null;
}

export function setConversationTimer(tx: SqlWriter, conversationId: string, expireTimerMs: number | null, setAt: number): void {
  tx.run('UPDATE conversations SET expire_timer_ms = ?, expire_timer_at = ?, updated_at = max(updated_at, ?) WHERE id = ?', [expireTimerMs, setAt, setAt, conversationId]);
}

// ------------------------------------------------------------------ notices

/** Sets the kind and what a notice says (JSON of the contract's Notice). */
export function setNotice(tx: SqlWriter, messageId: number, kind: 'timer-changed' | 'group-update', notice: string): void {
  tx.run('UPDATE messages SET kind = ?, notice = ? WHERE id = ?', [kind, notice, messageId]);
}

/** The notice JSON of those of these messages that have one. */
export function noticesOf(db: SqlReader, ids: readonly number[]): Map<number, string> {
  const found = new Map<number, string>();
  for (const chunk of chunks(ids)) {
    for (const row of db.all(`SELECT id, notice FROM messages WHERE notice IS NOT NULL AND id IN (${placeholders(chunk.length)})`, chunk)) found.set(int(row, 'id'), text(row, 'notice'));
  }
  return found;
}

// ------------------------------------------------------------------- clocks

/** Each message's own timer (the one it was sent with), by uid; its clock starts later. */
export function setMessageTimers(tx: SqlWriter, timers: ReadonlyMap<string, number>): void {
  const byTimer = new Map<number, string[]>();
  for (const [uid, ms] of timers) byTimer.set(ms, [...(byTimer.get(ms) ?? []), uid]);
  for (const [ms, uids] of byTimer) for (const chunk of chunks(uids)) tx.run(`UPDATE messages SET expires_in_ms = ? WHERE uid IN (${placeholders(chunk.length)})`, [ms, ...chunk]);
}

/** Starts the clock of these (incoming, just read) messages that have a timer and no running clock; returns how many started. */
export function startClocks(tx: SqlWriter, ids: readonly number[], startedAt: number): number {
  let started = 0;
  for (const chunk of chunks(ids)) {
    started += tx.run(`UPDATE messages SET expires_at = ? + expires_in_ms WHERE expires_in_ms IS NOT NULL AND expires_at IS NULL AND id IN (${placeholders(chunk.length)})`, [startedAt, ...chunk]);
  }
  return started;
}

/** Messages whose time is up at `now` (index messages_expiring; the next due time is messages.nextExpiry). */
export function expiredIds(db: SqlReader, now: number): number[] {
  return db.all('SELECT id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?', [now]).map((r) => int(r, 'id'));
}

// ------------------------------------------------------------------ removal

export interface RemovedMessage {
  uid: string;
  conversationId: string;
  /** It was an unread incoming message (the unread count changes). */
  unread: boolean;
}

export function idsByUid(db: SqlReader, uids: readonly string[]): number[] {
  const ids: number[] = [];
  for (const chunk of chunks(uids)) for (const row of db.all(`SELECT id FROM messages WHERE uid IN (${placeholders(chunk.length)})`, chunk)) ids.push(int(row, 'id'));
  return ids;
}

/**
 * Deletes messages and what hangs off them: reactions, edit history,
 * attachment links and outbox entries go by ON DELETE CASCADE, search
 * entries by the messages_fts_delete trigger (schema 002). Attachment rows
 * no other message refers to are deleted too; their ids are returned so the
 * caller removes the sealed files once this commit is durable.
 */
export function deleteMessages(tx: SqlWriter, ids: readonly number[]): { removed: RemovedMessage[]; attachmentIds: string[] } {
  const removed: RemovedMessage[] = [];
  const candidates = new Set<string>();
  for (const chunk of chunks(ids)) {
    const marks = placeholders(chunk.length);
    for (const row of tx.all(`SELECT uid, conversation_id, direction = 'incoming' AND read_at IS NULL AS unread FROM messages WHERE id IN (${marks})`, chunk)) {
      removed.push({ uid: text(row, 'uid'), conversationId: text(row, 'conversation_id'), unread: int(row, 'unread') === 1 });
    }
    for (const row of tx.all(`SELECT DISTINCT attachment_id FROM message_attachments WHERE message_id IN (${marks})`, chunk)) candidates.add(text(row, 'attachment_id'));
    tx.run(`DELETE FROM messages WHERE id IN (${marks})`, chunk);
  }
  const attachmentIds = deleteUnreferenced(tx, candidates);
  return { removed, attachmentIds };
}

