import type { Row, SqlReader, SqlWriter } from '../sqlite';
import type { SqlParams } from '../sql-value';
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
  /** 'uploading' | 'downloading' | 'ready' | 'failed' (schema 006). */
  state: string;
  transferred: number;
  error: string | null;
  thumbnail: Uint8Array | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  voiceNote: boolean;
}

/** The attachment columns a message view needs (joined as `a`). */
export const ATTACHMENT_VIEW_COLUMNS = 'a.id, a.content_type, a.file_name, a.size, a.state, a.transferred, a.error, a.thumbnail, a.width, a.height, a.duration_ms, a.voice_note';

export function attachmentFromRow(row: Row): MessageAttachment {
  return {
    id: text(row, 'id'),
    contentType: text(row, 'content_type'),
    fileName: textOrNull(row, 'file_name'),
    size: int(row, 'size'),
    state: text(row, 'state'),
    transferred: int(row, 'transferred'),
    error: textOrNull(row, 'error'),
    thumbnail: row.thumbnail instanceof Uint8Array && row.thumbnail.length > 0 ? row.thumbnail : null,
    width: intOrNull(row, 'width'),
    height: intOrNull(row, 'height'),
    durationMs: intOrNull(row, 'duration_ms'),
    voiceNote: int(row, 'voice_note') === 1,
  };
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

/**
 * A page arrives as one JSON value built inside SQLite: with sql.js, reading
 * 50 rows cell by cell across the WebAssembly boundary costs more than the
 * query itself. Reactions and attachments are fetched only for the messages
 * whose flags (schema 014, kept by triggers) say they have some.
 */
const pageJson = (inner: string) => `SELECT json_group_array(json_array(${COLUMNS}, has_reactions, has_attachments)) AS page FROM (${inner})`;
const PAGE_BEFORE_SQL = pageJson(`SELECT ${COLUMNS}, has_reactions, has_attachments FROM messages WHERE conversation_id = ? AND (sent_at, id) < (?, ?) ORDER BY sent_at DESC, id DESC LIMIT ?`);
const PAGE_AFTER_SQL = pageJson(`SELECT ${COLUMNS}, has_reactions, has_attachments FROM messages WHERE conversation_id = ? AND (sent_at, id) > (?, ?) ORDER BY sent_at, id LIMIT ?`);
const BY_UID_SQL = pageJson(`SELECT ${COLUMNS}, has_reactions, has_attachments FROM messages WHERE uid = ?`);

/** Statements worth compiling at unlock, so the first page does not pay for it. */
export const pageStatements = [
  { sql: PAGE_BEFORE_SQL, params: ['', 0, 0, 1] },
  { sql: PAGE_AFTER_SQL, params: ['', 0, 0, 1] },
];

type PageRow = [number, string, string, string | null, MessageDirection, string | null, MessageStatus, number, number, number | null, number | null, number | null, string | null, 0 | 1, 0 | 1];

function fromJson(json: string): { messages: Message[]; needReactions: number[]; needAttachments: number[] } {
  const rows = JSON.parse(json) as PageRow[];
  const needReactions: number[] = [];
  const needAttachments: number[] = [];
  const list = rows.map((r) => {
    if (r[13]) needReactions.push(r[0]);
    if (r[14]) needAttachments.push(r[0]);
    return {
      id: r[0],
      uid: r[1],
      conversationId: r[2],
      authorId: r[3],
      direction: r[4],
      body: r[5],
      status: r[6],
      sentAt: r[7],
      receivedAt: r[8],
      readAt: r[9],
      expiresInMs: r[10],
      expiresAt: r[11],
      replyToUid: r[12],
      reactions: [],
      attachments: [],
    } satisfies Message as Message;
  });
  return { messages: inReadingOrder(list), needReactions, needAttachments };
}

const byTime = (x: Message, y: Message) => x.sentAt - y.sentAt || x.id - y.id;

/**
 * Oldest first. json_group_array keeps its subquery's order in practice
 * (newest first for a page before a cursor), so the list is reversed; it is
 * sorted only if SQLite ever hands the rows over in another order.
 */
function inReadingOrder(list: Message[]): Message[] {
  let ascending = true;
  let descending = true;
  for (let i = 1; i < list.length; i++) {
    const order = byTime(list[i - 1] as Message, list[i] as Message);
    if (order > 0) ascending = false;
    else descending = false;
  }
  if (ascending) return list;
  return descending ? list.reverse() : list.sort(byTime);
}

function withDetails(db: SqlReader, page: ReturnType<typeof fromJson>): Message[] {
  const byId = new Map(page.messages.map((m) => [m.id, m]));
  const { needReactions: r, needAttachments: a } = page;
  if (r.length > 0) {
    for (const row of db.all(`SELECT message_id, reactor_id, emoji, reacted_at FROM reactions WHERE message_id IN (${placeholders(r.length)}) ORDER BY reacted_at`, r)) {
      byId.get(int(row, 'message_id'))?.reactions.push({ reactorId: text(row, 'reactor_id'), emoji: text(row, 'emoji'), reactedAt: int(row, 'reacted_at') });
    }
  }
  if (a.length > 0) {
    for (const row of db.all(
      `SELECT ma.message_id, ${ATTACHMENT_VIEW_COLUMNS} FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id
       WHERE ma.message_id IN (${placeholders(a.length)}) ORDER BY ma.message_id, ma.position`,
      a,
    )) {
      byId.get(int(row, 'message_id'))?.attachments.push(attachmentFromRow(row));
    }
  }
  return page.messages;
}

function pageOf(db: SqlReader, sql: string, params: SqlParams): Message[] {
  return withDetails(db, fromJson(db.get(sql, params)?.page as string));
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
  return pageOf(db, BY_UID_SQL, [uid])[0] ?? null;
}

/**
 * One page of a conversation, oldest first. Without a cursor: the newest
 * `limit` messages. `before`: the `limit` messages just older than the cursor;
 * `after`: the `limit` messages just newer.
 */
export function messagePage(db: SqlReader, conversationId: string, options: { before?: MessageCursor; after?: MessageCursor; limit?: number } = {}): Message[] {
  const limit = options.limit ?? 50;
  if (options.after) return pageOf(db, PAGE_AFTER_SQL, [conversationId, options.after.sentAt, options.after.id, limit]);
  const cursor = options.before ?? { sentAt: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
  return pageOf(db, PAGE_BEFORE_SQL, [conversationId, cursor.sentAt, cursor.id, limit]);
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

/** When the next message expires, to set a timer. */
export function nextExpiry(db: SqlReader): number | null {
  return intOrNull(db.get('SELECT min(expires_at) AS t FROM messages WHERE expires_at IS NOT NULL') ?? { t: null }, 't');
}
