import type { Row, SqlReader, SqlWriter } from '../sqlite';
import { blobOrNull, int, placeholders, text } from './row';

/** Group state (schema 005): revision, membership, sender keys, sends, receipts, held-back messages. */

export interface GroupRow {
  conversationId: string;
  groupId: Uint8Array;
  name: string;
  revision: number;
  isMember: boolean;
  distributionId: string;
  expireTimerMs: number | null;
}

const GROUP_SQL = `SELECT g.conversation_id, g.group_id, g.revision, g.is_member, g.distribution_id, c.title, c.expire_timer_ms
  FROM groups g JOIN conversations c ON c.id = g.conversation_id`;

const fromRow = (row: Row): GroupRow => ({
  conversationId: text(row, 'conversation_id'),
  groupId: row.group_id as Uint8Array,
  name: (row.title as string | null) ?? '',
  revision: int(row, 'revision'),
  isMember: int(row, 'is_member') === 1,
  distributionId: text(row, 'distribution_id'),
  expireTimerMs: (row.expire_timer_ms as number | null) ?? null,
});

export function byConversation(db: SqlReader, conversationId: string): GroupRow | null {
  const row = db.get(`${GROUP_SQL} WHERE g.conversation_id = ?`, [conversationId]);
  return row ? fromRow(row) : null;
}

export function byGroupId(db: SqlReader, groupId: Uint8Array): GroupRow | null {
  const row = db.get(`${GROUP_SQL} WHERE g.group_id = ?`, [groupId]);
  return row ? fromRow(row) : null;
}

export function all(db: SqlReader): GroupRow[] {
  return db.all(`${GROUP_SQL} ORDER BY c.title, g.conversation_id`).map(fromRow);
}

export function insertGroup(tx: SqlWriter, g: { conversationId: string; groupId: Uint8Array; revision: number; distributionId: string; now: number }): void {
  tx.run('INSERT INTO groups (conversation_id, group_id, revision, is_member, distribution_id, updated_at) VALUES (?, ?, ?, 1, ?, ?)', [g.conversationId, g.groupId, g.revision, g.distributionId, g.now]);
  newDistribution(tx, g.conversationId, g.distributionId, g.now);
}

export function setState(tx: SqlWriter, conversationId: string, s: { revision: number; isMember: boolean; now: number }): void {
  tx.run('UPDATE groups SET revision = ?, is_member = ?, updated_at = ? WHERE conversation_id = ?', [s.revision, s.isMember ? 1 : 0, s.now, conversationId]);
}

/** What decides a tie between two updates at the group's revision (schema 009); nulls before it. */
export interface TieBreak {
  /** SHA-256 of the update applied at the current revision. */
  updateHash: Uint8Array | null;
  /** Members before that update (us included if we were one). */
  previousMembers: string[] | null;
}

export function tieBreak(db: SqlReader, conversationId: string): TieBreak {
  const row = db.get('SELECT update_hash, previous_members FROM groups WHERE conversation_id = ?', [conversationId]);
  const members = typeof row?.previous_members === 'string' ? (JSON.parse(row.previous_members) as unknown) : null;
  return {
    updateHash: row ? blobOrNull(row, 'update_hash') : null,
    previousMembers: Array.isArray(members) && members.every((m) => typeof m === 'string') ? (members as string[]) : null,
  };
}

export function setTieBreak(tx: SqlWriter, conversationId: string, t: TieBreak): void {
  tx.run('UPDATE groups SET update_hash = ?, previous_members = ? WHERE conversation_id = ?', [t.updateHash, t.previousMembers === null ? null : JSON.stringify(t.previousMembers), conversationId]);
}

/** Our sending chain for the group starts over: nobody holds the new one yet. */
export function rotateDistribution(tx: SqlWriter, conversationId: string, distributionId: string, now: number): void {
  tx.run('UPDATE groups SET distribution_id = ?, updated_at = ? WHERE conversation_id = ?', [distributionId, now, conversationId]);
  tx.run('DELETE FROM group_key_holders WHERE conversation_id = ?', [conversationId]);
  newDistribution(tx, conversationId, distributionId, now);
}

function newDistribution(tx: SqlWriter, conversationId: string, distributionId: string, now: number): void {
  tx.run('INSERT OR IGNORE INTO group_sender_keys (distribution_id, conversation_id, distribution_message, created_at) VALUES (?, ?, NULL, ?)', [distributionId, conversationId, now]);
}

/** `contactId` no longer holds any of our sender keys (they reset the session): each group send gives it to them again. */
export function forgetKeyHolder(tx: SqlWriter, contactId: string): void {
  tx.run('DELETE FROM group_key_holders WHERE contact_id = ?', [contactId]);
}

/** The other members, by username. */
export function members(db: SqlReader, conversationId: string): string[] {
  return db.all('SELECT contact_id FROM conversation_members WHERE conversation_id = ? ORDER BY contact_id', [conversationId]).map((r) => text(r, 'contact_id'));
}

export function setMembers(tx: SqlWriter, conversationId: string, memberIds: readonly string[]): void {
  tx.run('DELETE FROM conversation_members WHERE conversation_id = ?', [conversationId]);
  for (const id of memberIds) tx.run('INSERT OR IGNORE INTO conversation_members (conversation_id, contact_id) VALUES (?, ?)', [conversationId, id]);
}

// ------------------------------------------------------------- sender keys

export function distributionMessage(db: SqlReader, distributionId: string): Uint8Array | null {
  const row = db.get('SELECT distribution_message FROM group_sender_keys WHERE distribution_id = ?', [distributionId]);
  return row ? blobOrNull(row, 'distribution_message') : null;
}

export function putDistributionMessage(tx: SqlWriter, distributionId: string, message: Uint8Array): void {
  tx.run('UPDATE group_sender_keys SET distribution_message = ? WHERE distribution_id = ? AND distribution_message IS NULL', [message, distributionId]);
}

/** Members that were sent our current distribution. */
export function keyHolders(db: SqlReader, conversationId: string, distributionId: string): Set<string> {
  return new Set(db.all('SELECT contact_id FROM group_key_holders WHERE conversation_id = ? AND distribution_id = ?', [conversationId, distributionId]).map((r) => text(r, 'contact_id')));
}

export function addKeyHolder(tx: SqlWriter, conversationId: string, contactId: string, distributionId: string): void {
  tx.run('INSERT INTO group_key_holders (conversation_id, contact_id, distribution_id) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET distribution_id = excluded.distribution_id', [conversationId, contactId, distributionId]);
}

// ------------------------------------------------------------------ sends

export interface GroupSend {
  id: number;
  conversationId: string;
  distributionId: string;
  sealedContent: Uint8Array | null;
}

export function insertSend(tx: SqlWriter, s: { conversationId: string; distributionId: string; now: number }): number {
  return tx.insert('INSERT INTO group_sends (conversation_id, distribution_id, sealed_content, created_at) VALUES (?, ?, NULL, ?)', [s.conversationId, s.distributionId, s.now]);
}

export function getSend(db: SqlReader, id: number): GroupSend | null {
  const row = db.get('SELECT * FROM group_sends WHERE id = ?', [id]);
  return row ? { id: int(row, 'id'), conversationId: text(row, 'conversation_id'), distributionId: text(row, 'distribution_id'), sealedContent: blobOrNull(row, 'sealed_content') } : null;
}

export function setSealedContent(tx: SqlWriter, id: number, sealedContent: Uint8Array): void {
  tx.run('UPDATE group_sends SET sealed_content = ? WHERE id = ?', [sealedContent, id]);
}

/** Sends no outbox row points at any more. */
export function pruneSends(tx: SqlWriter): void {
  tx.run('DELETE FROM group_sends WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.group_send_id = group_sends.id)');
}

export function outboxGroupSends(db: SqlReader, outboxIds: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  if (outboxIds.length === 0) return out;
  for (const row of db.all(`SELECT id, group_send_id FROM outbox WHERE group_send_id IS NOT NULL AND id IN (${placeholders(outboxIds.length)})`, outboxIds)) {
    out.set(int(row, 'id'), int(row, 'group_send_id'));
  }
  return out;
}

export function setOutboxGroupSend(tx: SqlWriter, outboxId: number, groupSendId: number): void {
  tx.run('UPDATE outbox SET group_send_id = ? WHERE id = ?', [groupSendId, outboxId]);
}

// --------------------------------------------------------------- receipts

const RANK = { delivered: 1, read: 2 } as const;

/** Records a member's receipt for one of our group messages (never backwards). */
export function recordReceipt(tx: SqlWriter, messageId: number, member: string, status: 'delivered' | 'read'): void {
  tx.run(
    `INSERT INTO group_receipts (message_id, member, status) VALUES (?, ?, ?)
     ON CONFLICT DO UPDATE SET status = CASE WHEN excluded.status = 'read' THEN 'read' ELSE group_receipts.status END`,
    [messageId, member, status],
  );
}

/** The furthest status every current member reached for the message, or null while someone has not. */
export function aggregateReceipt(db: SqlReader, messageId: number, conversationId: string): 'delivered' | 'read' | null {
  const row = db.get(
    `SELECT count(*) AS n, min(CASE r.status WHEN 'read' THEN ${RANK.read} WHEN 'delivered' THEN ${RANK.delivered} ELSE 0 END) AS lowest
     FROM conversation_members m LEFT JOIN group_receipts r ON r.message_id = ? AND r.member = m.contact_id
     WHERE m.conversation_id = ?`,
    [messageId, conversationId],
  );
  if (!row || int(row, 'n') === 0) return null;
  const lowest = row.lowest as number | null;
  return lowest === RANK.read ? 'read' : lowest === RANK.delivered ? 'delivered' : null;
}

/** Our outgoing group message with this uid, if it is in a group `member` belongs to. */
export function ownGroupMessage(db: SqlReader, uid: string, member: string): { id: number; conversationId: string; status: string } | null {
  const row = db.get(
    `SELECT m.id, m.conversation_id, m.status FROM messages m
     JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.contact_id = ?
     WHERE m.uid = ? AND m.direction = 'outgoing'`,
    [member, uid],
  );
  return row ? { id: int(row, 'id'), conversationId: text(row, 'conversation_id'), status: text(row, 'status') } : null;
}

// ---------------------------------------------------------------- pending

export interface PendingGroupMessage {
  id: number;
  sender: string;
  deviceId: number;
  groupId: Uint8Array | null;
  ciphertext: Uint8Array | null;
  content: Uint8Array | null;
  receivedAt: number;
}

/** Held-back rows kept per sender and in all: past these the oldest go, so no one can fill the vault with them. */
export const HELD_BACK_PER_SENDER = 200;
export const HELD_BACK_TOTAL = 2000;
/** Held-back rows older than this are dropped at unlock: the update or key they wait for is not coming. */
export const HELD_BACK_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

export function holdBack(tx: SqlWriter, p: Omit<PendingGroupMessage, 'id'>): void {
  tx.run('INSERT INTO group_pending (sender, device_id, group_id, ciphertext, content, received_at) VALUES (?, ?, ?, ?, ?, ?)', [p.sender, p.deviceId, p.groupId, p.ciphertext, p.content, p.receivedAt]);
  tx.run('DELETE FROM group_pending WHERE sender = ?1 AND id <= (SELECT id FROM group_pending WHERE sender = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)', [p.sender, HELD_BACK_PER_SENDER]);
  tx.run('DELETE FROM group_pending WHERE id <= (SELECT id FROM group_pending ORDER BY id DESC LIMIT 1 OFFSET ?)', [HELD_BACK_TOTAL]);
}

/** Drops held-back rows received before `olderThan`; returns how many. */
export function pruneHeldBack(tx: SqlWriter, olderThan: number): number {
  return tx.run('DELETE FROM group_pending WHERE received_at < ?', [olderThan]);
}

export function heldBack(db: SqlReader, filter: { senders?: readonly string[]; decrypted: boolean }): PendingGroupMessage[] {
  const senders = filter.senders;
  if (senders && senders.length === 0) return [];
  const where = [filter.decrypted ? 'content IS NOT NULL' : 'ciphertext IS NOT NULL', ...(senders ? [`sender IN (${placeholders(senders.length)})`] : [])].join(' AND ');
  return db.all(`SELECT * FROM group_pending WHERE ${where} ORDER BY id`, senders ? [...senders] : []).map((row) => ({
    id: int(row, 'id'),
    sender: text(row, 'sender'),
    deviceId: int(row, 'device_id'),
    groupId: blobOrNull(row, 'group_id'),
    ciphertext: blobOrNull(row, 'ciphertext'),
    content: blobOrNull(row, 'content'),
    receivedAt: int(row, 'received_at'),
  }));
}

export function release(tx: SqlWriter, ids: readonly number[]): void {
  if (ids.length > 0) tx.run(`DELETE FROM group_pending WHERE id IN (${placeholders(ids.length)})`, ids);
}

/**
 * After a rollback (salvage): each group send still queued moves to its
 * group's current distribution, its sealed content to be made again; returns
 * the moved sends with the members their queued entries go to.
 */
export function moveQueuedSendsToCurrentDistribution(tx: SqlWriter): Array<{ sendId: number; conversationId: string; distributionId: string; recipients: string[] }> {
  const rows = tx.all(
    `SELECT s.id AS send_id, s.conversation_id, g.distribution_id, o.recipient, o.kind
       FROM group_sends s JOIN groups g ON g.conversation_id = s.conversation_id JOIN outbox o ON o.group_send_id = s.id
      ORDER BY s.id, o.id`,
  );
  const moved = new Map<number, { sendId: number; conversationId: string; distributionId: string; recipients: string[] }>();
  for (const row of rows) {
    const sendId = int(row, 'send_id');
    let send = moved.get(sendId);
    if (!send) {
      send = { sendId, conversationId: text(row, 'conversation_id'), distributionId: text(row, 'distribution_id'), recipients: [] };
      moved.set(sendId, send);
      tx.run('UPDATE group_sends SET distribution_id = ?, sealed_content = NULL WHERE id = ?', [send.distributionId, sendId]);
    }
    const recipient = text(row, 'recipient');
    if (row.kind !== 'sender-key' && !send.recipients.includes(recipient)) send.recipients.push(recipient);
  }
  return [...moved.values()];
}

/** Our own sender-key states for distributions no group uses any more (a rollback's, which must never encrypt again). */
export function deleteRetiredOwnSenderKeys(tx: SqlWriter): void {
  tx.run('DELETE FROM protocol_sender_keys WHERE distribution_id IN (SELECT distribution_id FROM group_sender_keys) AND distribution_id NOT IN (SELECT distribution_id FROM groups)');
}
