import type { Row, SqlReader, SqlWriter } from '../sqlite';
import { int, intOrNull, text, textOrNull } from './row';
import type { MessageDirection, MessageStatus } from './messages';

export type ConversationType = 'direct' | 'group';

export interface Conversation {
  id: string;
  type: ConversationType;
  contactId: string | null;
  groupId: Uint8Array | null;
  title: string | null;
  expireTimerMs: number | null;
  mutedUntil: number | null;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ConversationSummary extends Conversation {
  unreadCount: number;
  lastMessage: { id: number; uid: string; body: string | null; sentAt: number; direction: MessageDirection; status: MessageStatus; authorId: string | null } | null;
}

const fromRow = (row: Row): Conversation => ({
  id: text(row, 'id'),
  type: text(row, 'type') as ConversationType,
  contactId: textOrNull(row, 'contact_id'),
  groupId: (row.group_id as Uint8Array | null) ?? null,
  title: textOrNull(row, 'title'),
  expireTimerMs: intOrNull(row, 'expire_timer_ms'),
  mutedUntil: intOrNull(row, 'muted_until'),
  archived: int(row, 'archived') === 1,
  createdAt: int(row, 'created_at'),
  updatedAt: int(row, 'updated_at'),
});

export function createDirectConversation(tx: SqlWriter, c: { id: string; contactId: string; now: number }): void {
  tx.run(`INSERT INTO conversations (id, type, contact_id, created_at, updated_at) VALUES (?, 'direct', ?, ?, ?)`, [c.id, c.contactId, c.now, c.now]);
}

export function createGroupConversation(tx: SqlWriter, c: { id: string; groupId: Uint8Array; title: string; memberIds: readonly string[]; now: number }): void {
  tx.run(`INSERT INTO conversations (id, type, group_id, title, created_at, updated_at) VALUES (?, 'group', ?, ?, ?, ?)`, [c.id, c.groupId, c.title, c.now, c.now]);
  for (const member of c.memberIds) addMember(tx, c.id, member);
}

export function addMember(tx: SqlWriter, conversationId: string, contactId: string, role: 'member' | 'admin' = 'member'): void {
  tx.run('INSERT OR IGNORE INTO conversation_members (conversation_id, contact_id, role) VALUES (?, ?, ?)', [conversationId, contactId, role]);
}

export function removeMember(tx: SqlWriter, conversationId: string, contactId: string): void {
  tx.run('DELETE FROM conversation_members WHERE conversation_id = ? AND contact_id = ?', [conversationId, contactId]);
}

export function members(db: SqlReader, conversationId: string): string[] {
  return db.all('SELECT contact_id FROM conversation_members WHERE conversation_id = ? ORDER BY contact_id', [conversationId]).map((r) => text(r, 'contact_id'));
}

export function getConversation(db: SqlReader, id: string): Conversation | null {
  const row = db.get('SELECT * FROM conversations WHERE id = ?', [id]);
  return row ? fromRow(row) : null;
}

export function directConversationWith(db: SqlReader, contactId: string): Conversation | null {
  const row = db.get('SELECT * FROM conversations WHERE contact_id = ?', [contactId]);
  return row ? fromRow(row) : null;
}

const LIST_SQL = `SELECT c.*,
    (SELECT count(*) FROM messages u WHERE u.conversation_id = c.id AND u.direction = 'incoming' AND u.read_at IS NULL) AS unread_count,
    m.id AS m_id, m.uid AS m_uid, m.body AS m_body, m.sent_at AS m_sent_at, m.direction AS m_direction, m.status AS m_status, m.author_id AS m_author_id
  FROM conversations c
  LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id ORDER BY sent_at DESC, id DESC LIMIT 1)
  WHERE c.archived = 0 OR ?
  ORDER BY coalesce(m.sent_at, c.updated_at) DESC, c.id
  LIMIT ?`;

/** Statements worth compiling at unlock. */
export const listStatements = [{ sql: LIST_SQL }];

/**
 * The conversation list: newest activity first, each with its last message
 * and unread count (both answered from indexes, not by scanning messages).
 */
export function listConversations(db: SqlReader, options: { includeArchived?: boolean; limit?: number } = {}): ConversationSummary[] {
  const rows = db.all(LIST_SQL, [options.includeArchived ? 1 : 0, options.limit ?? 1000]);
  return rows.map((row) => ({
    ...fromRow(row),
    unreadCount: int(row, 'unread_count'),
    lastMessage:
      row.m_id === null
        ? null
        : {
            id: int(row, 'm_id'),
            uid: text(row, 'm_uid'),
            body: textOrNull(row, 'm_body'),
            sentAt: int(row, 'm_sent_at'),
            direction: text(row, 'm_direction') as MessageDirection,
            status: text(row, 'm_status') as MessageStatus,
            authorId: textOrNull(row, 'm_author_id'),
          },
  }));
}

export function totalUnread(db: SqlReader): number {
  return int(db.get(`SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.direction = 'incoming' AND m.read_at IS NULL AND c.archived = 0`) ?? { n: 0 }, 'n');
}

export function setArchived(tx: SqlWriter, id: string, archived: boolean, now: number): void {
  tx.run('UPDATE conversations SET archived = ?, updated_at = ? WHERE id = ?', [archived ? 1 : 0, now, id]);
}

export function setMutedUntil(tx: SqlWriter, id: string, mutedUntil: number | null, now: number): void {
  tx.run('UPDATE conversations SET muted_until = ?, updated_at = ? WHERE id = ?', [mutedUntil, now, id]);
}

/** Disappearing messages: the timer applies to messages sent after it is set. */
export function setExpireTimer(tx: SqlWriter, id: string, expireTimerMs: number | null, now: number): void {
  tx.run('UPDATE conversations SET expire_timer_ms = ?, updated_at = ? WHERE id = ?', [expireTimerMs, now, id]);
}

export function setTitle(tx: SqlWriter, id: string, title: string | null, now: number): void {
  tx.run('UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?', [title, now, id]);
}
