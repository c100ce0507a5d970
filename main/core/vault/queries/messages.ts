import type { Row, SqlReader, SqlWriter } from '../sqlite';
import { int, intOrNull, placeholders, text, textOrNull } from './row';

export type MessageDirection = 'incoming' | 'outgoing';
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received';

export interface NewMessage {
  uid: string;
  conversationId: string;
  /** The sender's contact id; null for our own messages. */
  authorId: string | null;
  direction: MessageDirection;
  body: string | null;
  status: MessageStatus;
  sentAt: number;
  receivedAt: number;
  expiresInMs?: number | null;
  expiresAt?: number | null;
  replyToUid?: string | null;
  /** Attachments already stored with vault.attachments.put, in display order. */
  attachmentIds?: readonly string[];
}

export interface Reaction {
  reactorId: string;
  emoji: string;
  reactedAt: number;
}

export interface MessageAttachment {
  id: string;
  contentType: string;
  fileName: string | null;
  size: number;
}

export interface Message {
  id: number;
  uid: string;
  conversationId: string;
  authorId: string | null;
  direction: MessageDirection;
  body: string | null;
  status: MessageStatus;
  sentAt: number;
  receivedAt: number;
  readAt: number | null;
  expiresInMs: number | null;
  expiresAt: number | null;
  replyToUid: string | null;
  reactions: Reaction[];
  attachments: MessageAttachment[];
}

/** A position in a conversation: messages are ordered by (sentAt, id). */
export interface MessageCursor {
  sentAt: number;
  id: number;
}

const COLUMNS = 'id, uid, conversation_id, author_id, direction, body, status, sent_at, received_at, read_at, expires_in_ms, expires_at, reply_to_uid';

function fromRow(row: Row): Message {
  return {
    id: int(row, 'id'),
    uid: text(row, 'uid'),
    conversationId: text(row, 'conversation_id'),
    authorId: textOrNull(row, 'author_id'),
    direction: text(row, 'direction') as MessageDirection,
    body: textOrNull(row, 'body'),
    status: text(row, 'status') as MessageStatus,
    sentAt: int(row, 'sent_at'),
    receivedAt: int(row, 'received_at'),
    readAt: intOrNull(row, 'read_at'),
    expiresInMs: intOrNull(row, 'expires_in_ms'),
    expiresAt: intOrNull(row, 'expires_at'),
    replyToUid: textOrNull(row, 'reply_to_uid'),
    reactions: [],
    attachments: [],
  };
}

/** Fills reactions and attachments for a page with one query each. */
function withDetails(db: SqlReader, messages: Message[]): Message[] {
  if (messages.length === 0) return messages;
  const byId = new Map(messages.map((m) => [m.id, m]));
  const ids = messages.map((m) => m.id);
  for (const row of db.all(`SELECT message_id, reactor_id, emoji, reacted_at FROM reactions WHERE message_id IN (${placeholders(ids.length)}) ORDER BY reacted_at`, ids)) {
    byId.get(int(row, 'message_id'))?.reactions.push({ reactorId: text(row, 'reactor_id'), emoji: text(row, 'emoji'), reactedAt: int(row, 'reacted_at') });
  }
  for (const row of db.all(
    `SELECT ma.message_id, a.id, a.content_type, a.file_name, a.size FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id
     WHERE ma.message_id IN (${placeholders(ids.length)}) ORDER BY ma.message_id, ma.position`,
    ids,
  )) {
    byId.get(int(row, 'message_id'))?.attachments.push({ id: text(row, 'id'), contentType: text(row, 'content_type'), fileName: textOrNull(row, 'file_name'), size: int(row, 'size') });
  }
  return messages;
}

/** Inserts a message (and its attachment references) and returns its id. */
export function insertMessage(tx: SqlWriter, m: NewMessage): number {
  const id = tx.insert(
    `INSERT INTO messages (uid, conversation_id, author_id, direction, body, status, sent_at, received_at, expires_in_ms, expires_at, reply_to_uid)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [m.uid, m.conversationId, m.authorId, m.direction, m.body, m.status, m.sentAt, m.receivedAt, m.expiresInMs ?? null, m.expiresAt ?? null, m.replyToUid ?? null],
  );
  const attachments = m.attachmentIds ?? [];
  if (attachments.length > 0) {
    attachments.forEach((attachmentId, position) =>
      tx.run('INSERT INTO message_attachments (message_id, attachment_id, position) VALUES (?, ?, ?)', [id, attachmentId, position]),
    );
    // File names are searchable too; the FTS triggers pick this column up.
    tx.run(
      `UPDATE messages SET attachment_names = (
         SELECT group_concat(a.file_name, ' ') FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id WHERE ma.message_id = ?1 ORDER BY ma.position
       ) WHERE id = ?1`,
      [id],
    );
  }
  return id;
}

export function getMessageByUid(db: SqlReader, uid: string): Message | null {
  const row = db.get(`SELECT ${COLUMNS} FROM messages WHERE uid = ?`, [uid]);
  return row ? (withDetails(db, [fromRow(row)])[0] ?? null) : null;
}

/**
 * One page of a conversation, oldest first. Without a cursor: the newest
 * `limit` messages. `before`: the `limit` messages just older than the cursor;
 * `after`: the `limit` messages just newer.
 */
export function messagePage(db: SqlReader, conversationId: string, options: { before?: MessageCursor; after?: MessageCursor; limit?: number } = {}): Message[] {
  const limit = options.limit ?? 50;
  let rows: Row[];
  if (options.after) {
    rows = db.all(`SELECT ${COLUMNS} FROM messages WHERE conversation_id = ? AND (sent_at, id) > (?, ?) ORDER BY sent_at, id LIMIT ?`, [
      conversationId,
      options.after.sentAt,
      options.after.id,
      limit,
    ]);
  } else {
    const cursor = options.before ?? { sentAt: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
    rows = db
      .all(`SELECT ${COLUMNS} FROM messages WHERE conversation_id = ? AND (sent_at, id) < (?, ?) ORDER BY sent_at DESC, id DESC LIMIT ?`, [
        conversationId,
        cursor.sentAt,
        cursor.id,
        limit,
      ])
      .reverse();
  }
  return withDetails(db, rows.map(fromRow));
}

export function setMessageStatus(tx: SqlWriter, uid: string, status: MessageStatus): number {
  return tx.run('UPDATE messages SET status = ? WHERE uid = ?', [status, uid]);
}

/** Marks incoming messages up to `upTo` (sentAt) read; returns how many changed. */
export function markRead(tx: SqlWriter, conversationId: string, upTo: number, readAt: number): number {
  return tx.run(`UPDATE messages SET read_at = ? WHERE conversation_id = ? AND direction = 'incoming' AND read_at IS NULL AND sent_at <= ?`, [readAt, conversationId, upTo]);
}

/** Sets (or with emoji null, removes) one person's reaction to a message. */
export function setReaction(tx: SqlWriter, messageId: number, reactorId: string, emoji: string | null, reactedAt: number): void {
  if (emoji === null) tx.run('DELETE FROM reactions WHERE message_id = ? AND reactor_id = ?', [messageId, reactorId]);
  else
    tx.run(
      `INSERT INTO reactions (message_id, reactor_id, emoji, reacted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(message_id, reactor_id) DO UPDATE SET emoji = excluded.emoji, reacted_at = excluded.reacted_at`,
      [messageId, reactorId, emoji, reactedAt],
    );
}

export function deleteMessage(tx: SqlWriter, uid: string): number {
  return tx.run('DELETE FROM messages WHERE uid = ?', [uid]);
}

/** Disappearing messages: deletes those whose time is up. */
export function deleteExpired(tx: SqlWriter, now: number): number {
  return tx.run('DELETE FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?', [now]);
}

/** When the next message expires, to set a timer. */
export function nextExpiry(db: SqlReader): number | null {
  return intOrNull(db.get('SELECT min(expires_at) AS t FROM messages WHERE expires_at IS NOT NULL') ?? { t: null }, 't');
}
