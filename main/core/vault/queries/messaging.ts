import type { SqlReader, SqlWriter } from '../sqlite';
import { deleteUnreferenced } from './attachments';
import { blob, int, intOrNull, placeholders, text, textOrNull } from './row';

/**
 * Rows added for one-to-one messaging (schema 003): the protocol layer's local
 * account and identity verification, per-device deliveries of outbox entries,
 * received envelope ids, message kinds, contact account ids and settings.
 */

// ------------------------------------------------------------ local account

export interface LocalAccountRow {
  identityKeyPair: Uint8Array;
  registrationId: number;
  nextPreKeyId: number;
  nextSignedPreKeyId: number;
  nextKyberPreKeyId: number;
  createdAt: number;
}

export function getLocalAccount(db: SqlReader): LocalAccountRow | null {
  const row = db.get('SELECT * FROM protocol_local_account WHERE id = 1');
  if (!row) return null;
  return {
    identityKeyPair: blob(row, 'identity_key_pair'),
    registrationId: int(row, 'registration_id'),
    nextPreKeyId: int(row, 'next_prekey_id'),
    nextSignedPreKeyId: int(row, 'next_signed_prekey_id'),
    nextKyberPreKeyId: int(row, 'next_kyber_prekey_id'),
    createdAt: int(row, 'created_at'),
  };
}

export function putLocalAccount(tx: SqlWriter, a: LocalAccountRow): void {
  tx.run(
    `INSERT INTO protocol_local_account (id, identity_key_pair, registration_id, next_prekey_id, next_signed_prekey_id, next_kyber_prekey_id, created_at)
     VALUES (1, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET identity_key_pair = excluded.identity_key_pair, registration_id = excluded.registration_id,
       next_prekey_id = excluded.next_prekey_id, next_signed_prekey_id = excluded.next_signed_prekey_id, next_kyber_prekey_id = excluded.next_kyber_prekey_id`,
    [a.identityKeyPair, a.registrationId, a.nextPreKeyId, a.nextSignedPreKeyId, a.nextKyberPreKeyId, a.createdAt],
  );
}

// --------------------------------------------------------------- identities

export type IdentityVerification = 'default' | 'verified' | 'unverified';

export interface IdentityRow {
  name: string;
  publicKey: Uint8Array;
  verification: IdentityVerification;
  firstSeenAt: number;
  changedAt: number | null;
}

export function getIdentityRow(db: SqlReader, name: string): IdentityRow | null {
  const row = db.get('SELECT * FROM protocol_identities WHERE address = ?', [name]);
  if (!row) return null;
  return {
    name: text(row, 'address'),
    publicKey: blob(row, 'identity_key'),
    verification: text(row, 'verification') as IdentityVerification,
    firstSeenAt: int(row, 'first_seen_at'),
    changedAt: intOrNull(row, 'changed_at'),
  };
}

export function putIdentityRow(tx: SqlWriter, r: IdentityRow, now: number): void {
  tx.run(
    `INSERT INTO protocol_identities (address, identity_key, first_seen_at, updated_at, verification, changed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(address) DO UPDATE SET identity_key = excluded.identity_key, updated_at = excluded.updated_at,
       verification = excluded.verification, changed_at = excluded.changed_at, first_seen_at = excluded.first_seen_at`,
    [r.name, r.publicKey, r.firstSeenAt, now, r.verification, r.changedAt],
  );
}

// ------------------------------------------------------------------ prekeys

export function listSignedPreKeyMeta(db: SqlReader): Array<{ id: number; createdAt: number }> {
  return db.all('SELECT id, created_at FROM protocol_signed_prekeys ORDER BY id').map((r) => ({ id: int(r, 'id'), createdAt: int(r, 'created_at') }));
}

export function getSignedPreKeyRow(db: SqlReader, id: number): { id: number; record: Uint8Array; createdAt: number } | null {
  const row = db.get('SELECT id, record, created_at FROM protocol_signed_prekeys WHERE id = ?', [id]);
  return row ? { id: int(row, 'id'), record: blob(row, 'record'), createdAt: int(row, 'created_at') } : null;
}

export function getPreKeyRow(db: SqlReader, id: number): { id: number; record: Uint8Array; createdAt: number } | null {
  const row = db.get('SELECT id, record, created_at FROM protocol_prekeys WHERE id = ?', [id]);
  return row ? { id: int(row, 'id'), record: blob(row, 'record'), createdAt: int(row, 'created_at') } : null;
}

export interface KyberRow {
  id: number;
  record: Uint8Array;
  createdAt: number;
  lastResort: boolean;
  used: boolean;
}

export function getKyberPreKeyRow(db: SqlReader, id: number): KyberRow | null {
  const row = db.get('SELECT * FROM protocol_kyber_prekeys WHERE id = ?', [id]);
  return row ? kyberFromRow(row) : null;
}

function kyberFromRow(row: Record<string, unknown>): KyberRow {
  return {
    id: row.id as number,
    record: row.record as Uint8Array,
    createdAt: row.created_at as number,
    lastResort: row.last_resort === 1,
    used: row.used_at !== null && row.used_at !== undefined,
  };
}

export function listKyberPreKeyMeta(db: SqlReader): Array<Omit<KyberRow, 'record'>> {
  return db.all('SELECT id, created_at, last_resort, used_at FROM protocol_kyber_prekeys ORDER BY id').map((r) => ({
    id: int(r, 'id'),
    createdAt: int(r, 'created_at'),
    lastResort: int(r, 'last_resort') === 1,
    used: r.used_at !== null,
  }));
}

export function putKyberPreKeyRow(tx: SqlWriter, k: KyberRow, now: number): void {
  tx.run(
    `INSERT INTO protocol_kyber_prekeys (id, record, last_resort, used_at, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET record = excluded.record, last_resort = excluded.last_resort,
       used_at = CASE WHEN excluded.used_at IS NULL THEN NULL ELSE coalesce(protocol_kyber_prekeys.used_at, excluded.used_at) END`,
    [k.id, k.record, k.lastResort ? 1 : 0, k.used ? now : null, k.createdAt],
  );
}

export function putSignedPreKeyRow(tx: SqlWriter, id: number, record: Uint8Array, createdAt: number): void {
  tx.run(
    `INSERT INTO protocol_signed_prekeys (id, record, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record, created_at = excluded.created_at`,
    [id, record, createdAt],
  );
}

export function putPreKeyRow(tx: SqlWriter, id: number, record: Uint8Array, createdAt: number): void {
  tx.run(`INSERT INTO protocol_prekeys (id, record, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record`, [id, record, createdAt]);
}

/** The newest signed prekey and last-resort Kyber prekey: what the relay should be serving. */
export function newestSignedPreKey(db: SqlReader): { id: number; record: Uint8Array } | null {
  const row = db.get('SELECT id, record FROM protocol_signed_prekeys ORDER BY created_at DESC, id DESC LIMIT 1');
  return row ? { id: int(row, 'id'), record: blob(row, 'record') } : null;
}

export function newestLastResortKyberPreKey(db: SqlReader): { id: number; record: Uint8Array } | null {
  const row = db.get('SELECT id, record FROM protocol_kyber_prekeys WHERE last_resort = 1 ORDER BY created_at DESC, id DESC LIMIT 1');
  return row ? { id: int(row, 'id'), record: blob(row, 'record') } : null;
}

// ------------------------------------------------------------- deliveries

export interface Delivery {
  outboxId: number;
  deviceId: number;
  submissionId: Uint8Array;
  envelopeType: number;
  ciphertext: Uint8Array;
  sent: boolean;
}

export function putDelivery(tx: SqlWriter, d: Delivery): void {
  tx.run(
    // The entry may be gone (its message expired or was deleted while this was being encrypted): then nothing is stored.
    `INSERT INTO outbox_deliveries (outbox_id, device_id, submission_id, envelope_type, ciphertext, sent) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM outbox WHERE id = ?1)
     ON CONFLICT(outbox_id, device_id) DO UPDATE SET submission_id = excluded.submission_id, envelope_type = excluded.envelope_type,
       ciphertext = excluded.ciphertext, sent = excluded.sent`,
    [d.outboxId, d.deviceId, d.submissionId, d.envelopeType, d.ciphertext, d.sent ? 1 : 0],
  );
}

export function deliveriesOf(db: SqlReader, outboxIds: readonly number[]): Delivery[] {
  if (outboxIds.length === 0) return [];
  return db
    .all(`SELECT * FROM outbox_deliveries WHERE outbox_id IN (${placeholders(outboxIds.length)}) ORDER BY outbox_id, device_id`, outboxIds)
    .map((r) => ({
      outboxId: int(r, 'outbox_id'),
      deviceId: int(r, 'device_id'),
      submissionId: blob(r, 'submission_id'),
      envelopeType: int(r, 'envelope_type'),
      ciphertext: blob(r, 'ciphertext'),
      sent: int(r, 'sent') === 1,
    }));
}

export function markDeliverySent(tx: SqlWriter, outboxId: number, deviceId: number): void {
  tx.run('UPDATE outbox_deliveries SET sent = 1, ciphertext = x\'\' WHERE outbox_id = ? AND device_id = ?', [outboxId, deviceId]);
}

export function removeDelivery(tx: SqlWriter, outboxId: number, deviceId: number): void {
  tx.run('DELETE FROM outbox_deliveries WHERE outbox_id = ? AND device_id = ?', [outboxId, deviceId]);
}

/** Unsent deliveries of one outbox entry are dropped so the entry is encrypted afresh (a reset session, a held identity). */
export function removeUnsentDeliveries(tx: SqlWriter, outboxId: number): void {
  tx.run('DELETE FROM outbox_deliveries WHERE outbox_id = ? AND sent = 0', [outboxId]);
}

export function outboxEntriesFor(db: SqlReader, recipient: string, kind?: string): number[] {
  return db
    .all('SELECT id FROM outbox WHERE recipient = ? AND (? IS NULL OR kind = ?) ORDER BY id', [recipient, kind ?? null, kind ?? null])
    .map((r) => int(r, 'id'));
}

export function resetOutboxSchedule(tx: SqlWriter, id: number, nextAttemptAt: number): void {
  tx.run('UPDATE outbox SET attempts = 0, next_attempt_at = ? WHERE id = ?', [nextAttemptAt, id]);
}

export function outboxForMessage(db: SqlReader, messageId: number): number | null {
  const row = db.get('SELECT id FROM outbox WHERE message_id = ?', [messageId]);
  return row ? int(row, 'id') : null;
}

export function outboxCount(db: SqlReader): number {
  return int(db.get('SELECT count(*) AS n FROM outbox') ?? { n: 0 }, 'n');
}

// ------------------------------------------------------- received envelopes

/** Which of these relay envelope ids were already stored. */
export function receivedEnvelopeIds(db: SqlReader, ids: readonly Uint8Array[]): Set<string> {
  const seen = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    for (const row of db.all(`SELECT id FROM received_envelopes WHERE id IN (${placeholders(chunk.length)})`, chunk)) {
      seen.add(Buffer.from(blob(row, 'id')).toString('hex'));
    }
  }
  return seen;
}

export function recordReceivedEnvelope(tx: SqlWriter, id: Uint8Array, now: number): void {
  tx.run('INSERT OR IGNORE INTO received_envelopes (id, received_at) VALUES (?, ?)', [id, now]);
}

/** Many envelope ids in few statements (a batch of hundreds is one journal entry's worth of rows). */
export function recordReceivedEnvelopes(tx: SqlWriter, ids: readonly Uint8Array[], now: number): void {
  for (let start = 0; start < ids.length; start += 200) {
    const chunk = ids.slice(start, start + 200);
    tx.run(`INSERT OR IGNORE INTO received_envelopes (id, received_at) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, chunk.flatMap((id) => [id, now]));
  }
}

/** Which of these message uids are already stored. */
export function existingUids(db: SqlReader, uids: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (let start = 0; start < uids.length; start += 500) {
    const chunk = uids.slice(start, start + 500);
    for (const row of db.all(`SELECT uid FROM messages WHERE uid IN (${placeholders(chunk.length)})`, chunk)) found.add(text(row, 'uid'));
  }
  return found;
}

/** Envelope ids older than the relay's envelope TTL can never come again. */
export function pruneReceivedEnvelopes(tx: SqlWriter, olderThan: number): number {
  return tx.run('DELETE FROM received_envelopes WHERE received_at < ?', [olderThan]);
}

// ------------------------------------------------------------------ messages

export type MessageKind = 'text' | 'identity-changed' | 'decrypt-failed' | 'session-reset' | 'group-update' | 'timer-changed';

export function setMessageKind(tx: SqlWriter, id: number, kind: MessageKind): void {
  tx.run('UPDATE messages SET kind = ? WHERE id = ?', [kind, id]);
}

/** Kinds of the given messages that are not 'text' (notices are rare, so only they are looked up). */
export function noticeKinds(db: SqlReader, ids: readonly number[]): Map<number, MessageKind> {
  const kinds = new Map<number, MessageKind>();
  if (ids.length === 0) return kinds;
  for (const row of db.all(`SELECT id, kind FROM messages WHERE kind != 'text' AND id IN (${placeholders(ids.length)})`, ids)) {
    kinds.set(int(row, 'id'), text(row, 'kind') as MessageKind);
  }
  return kinds;
}

/** Edited/deleted marks of the messages that have them. */
export function editMarks(db: SqlReader, ids: readonly number[]): Map<number, { edited: boolean; deleted: boolean }> {
  const marks = new Map<number, { edited: boolean; deleted: boolean }>();
  if (ids.length === 0) return marks;
  for (const row of db.all(`SELECT id, edited_at, deleted_at FROM messages WHERE (edited_at IS NOT NULL OR deleted_at IS NOT NULL) AND id IN (${placeholders(ids.length)})`, ids)) {
    marks.set(int(row, 'id'), { edited: row.edited_at !== null, deleted: row.deleted_at !== null });
  }
  return marks;
}

/** The author's message in a conversation, for an edit or delete they sent; null if it is not theirs or not there. */
export function authoredMessage(db: SqlReader, uid: string, conversationId: string, authorId: string | null): { id: number; sentAt: number; receivedAt: number | null; body: string | null; deleted: boolean } | null {
  const row = db.get(
    `SELECT id, sent_at, received_at, body, deleted_at FROM messages WHERE uid = ? AND conversation_id = ? AND kind = 'text' AND ${authorId === null ? "direction = 'outgoing'" : "direction = 'incoming' AND author_id = ?"}`,
    authorId === null ? [uid, conversationId] : [uid, conversationId, authorId],
  );
  return row ? { id: int(row, 'id'), sentAt: int(row, 'sent_at'), receivedAt: intOrNull(row, 'received_at'), body: textOrNull(row, 'body'), deleted: row.deleted_at !== null } : null;
}

/** Replaces a message's body, keeping the one it had as the next version of its history. */
export function editMessage(tx: SqlWriter, id: number, previous: string, body: string, previousAt: number, editedAt: number): void {
  const next = Number(tx.get('SELECT coalesce(max(version), 0) + 1 AS v FROM message_edits WHERE message_id = ?', [id])?.v ?? 1);
  tx.run('INSERT INTO message_edits (message_id, version, body, edited_at) VALUES (?, ?, ?, ?)', [id, next, previous, previousAt]);
  tx.run('UPDATE messages SET body = ?, edited_at = ? WHERE id = ?', [body, editedAt, id]);
}

/** Every version of a message's body, oldest first, the current one last. */
export function editHistory(db: SqlReader, id: number): Array<{ body: string; at: number }> {
  const earlier = db.all('SELECT body, edited_at FROM message_edits WHERE message_id = ? ORDER BY version', [id]).map((r) => ({ body: text(r, 'body'), at: int(r, 'edited_at') }));
  const current = db.get('SELECT body, coalesce(edited_at, sent_at) AS at FROM messages WHERE id = ? AND body IS NOT NULL', [id]);
  return current ? [...earlier, { body: text(current, 'body'), at: int(current, 'at') }] : earlier;
}

/**
 * Delete for everyone: a tombstone without body, edit history, reactions or
 * attachments (body and file names leave the search index by trigger).
 * Returns the attachments no other message refers to, deleted here; the
 * caller removes their sealed files once the commit is durable.
 */
export function tombstoneMessage(tx: SqlWriter, id: number, deletedAt: number): string[] {
  tx.run('DELETE FROM message_edits WHERE message_id = ?', [id]);
  tx.run('DELETE FROM reactions WHERE message_id = ?', [id]);
  const linked = tx.all('SELECT attachment_id FROM message_attachments WHERE message_id = ?', [id]).map((r) => text(r, 'attachment_id'));
  tx.run('DELETE FROM message_attachments WHERE message_id = ?', [id]);
  tx.run('UPDATE messages SET body = NULL, attachment_names = NULL, deleted_at = ? WHERE id = ?', [deletedAt, id]);
  return deleteUnreferenced(tx, linked);
}

export function messageIdByUid(db: SqlReader, uid: string): number | null {
  const row = db.get('SELECT id FROM messages WHERE uid = ?', [uid]);
  return row ? int(row, 'id') : null;
}

export function messageIdInConversation(db: SqlReader, uid: string, conversationId: string): number | null {
  const row = db.get('SELECT id FROM messages WHERE uid = ? AND conversation_id = ?', [uid, conversationId]);
  return row ? int(row, 'id') : null;
}

const STATUS_RANK: Record<string, number> = { pending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Moves outgoing messages forward to `status` (sent → delivered → read, never
 * back), only those written to `conversationId`'s contact. Returns the uids that changed.
 */
export function advanceOutgoingStatus(tx: SqlWriter, uids: readonly string[], conversationId: string, status: 'sent' | 'delivered' | 'read'): string[] {
  if (uids.length === 0) return [];
  const lower = Object.entries(STATUS_RANK)
    .filter(([, rank]) => rank < (STATUS_RANK[status] ?? 0))
    .map(([name]) => name);
  const changed = tx
    .all(
      `SELECT uid FROM messages WHERE direction = 'outgoing' AND conversation_id = ? AND status IN (${placeholders(lower.length)}) AND uid IN (${placeholders(uids.length)})`,
      [conversationId, ...lower, ...uids],
    )
    .map((r) => text(r, 'uid'));
  if (changed.length > 0) tx.run(`UPDATE messages SET status = ? WHERE uid IN (${placeholders(changed.length)})`, [status, ...changed]);
  return changed;
}

/** Incoming, unread messages up to a cursor, oldest first: whom to send read receipts. */
export function unreadIncoming(db: SqlReader, conversationId: string, upTo: { sentAt: number; id: number }): Array<{ id: number; uid: string; authorId: string | null }> {
  return db
    .all(
      `SELECT id, uid, author_id FROM messages WHERE conversation_id = ? AND direction = 'incoming' AND read_at IS NULL AND (sent_at, id) <= (?, ?) ORDER BY sent_at, id`,
      [conversationId, upTo.sentAt, upTo.id],
    )
    .map((r) => ({ id: int(r, 'id'), uid: text(r, 'uid'), authorId: textOrNull(r, 'author_id') }));
}

export function markReadByIds(tx: SqlWriter, ids: readonly number[], readAt: number): void {
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    tx.run(`UPDATE messages SET read_at = ? WHERE id IN (${placeholders(chunk.length)})`, [readAt, ...chunk]);
  }
}

export function unreadCount(db: SqlReader, conversationId: string): number {
  return int(db.get(`SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'incoming' AND read_at IS NULL`, [conversationId]) ?? { n: 0 }, 'n');
}

export function messageCount(db: SqlReader): number {
  return int(db.get('SELECT count(*) AS n FROM messages') ?? { n: 0 }, 'n');
}

// ------------------------------------------------------------------ contacts

export function setContactAccountId(tx: SqlWriter, id: string, accountId: string, now: number): void {
  tx.run('UPDATE contacts SET account_id = ?, updated_at = ? WHERE id = ?', [accountId, now, id]);
}

export function contactAccountId(db: SqlReader, id: string): string | null {
  const row = db.get('SELECT account_id FROM contacts WHERE id = ?', [id]);
  return row ? textOrNull(row, 'account_id') : null;
}

/** Whether the contact is believed to accept sealed envelopes (unknown senders: yes, until refused). */
export function contactAcceptsSealedSender(db: SqlReader, id: string): boolean {
  const row = db.get('SELECT sealed_sender FROM contacts WHERE id = ?', [id]);
  return row ? row.sealed_sender !== 0 : true;
}

export function setContactSealedSender(tx: SqlWriter, id: string, accepts: boolean, now: number): void {
  tx.run('UPDATE contacts SET sealed_sender = ?, updated_at = ? WHERE id = ?', [accepts ? 1 : 0, now, id]);
}

export function contactByAccountId(db: SqlReader, accountId: string): string | null {
  const row = db.get('SELECT id FROM contacts WHERE account_id = ?', [accountId]);
  return row ? textOrNull(row, 'id') : null;
}

/** Records how our last message in a conversation went out (sealed or authenticated). */
export function setConversationSealedSender(tx: SqlWriter, conversationId: string, sealed: boolean): void {
  tx.run('UPDATE conversations SET sealed_sender = ? WHERE id = ?', [sealed ? 1 : 0, conversationId]);
}

// ------------------------------------------------------------------ settings

export function getSetting(db: SqlReader, key: string): unknown {
  const row = db.get('SELECT value FROM settings WHERE key = ?', [key]);
  return row ? (JSON.parse(text(row, 'value')) as unknown) : undefined;
}

export function putSetting(tx: SqlWriter, key: string, value: unknown): void {
  tx.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
}

export function deleteSetting(tx: SqlWriter, key: string): void {
  tx.run('DELETE FROM settings WHERE key = ?', [key]);
}

// ------------------------------------------------------------- conversations

export interface ConversationSummaryRow {
  id: string;
  type: 'direct' | 'group';
  contactId: string | null;
  title: string | null;
  contactName: string | null;
  archived: boolean;
  mutedUntil: number | null;
  updatedAt: number;
  unreadCount: number;
  lastMessageUid: string | null;
  /** How our last message went out: true sealed, false authenticated, null nothing sent yet. */
  sealedSender: boolean | null;
}

/**
 * One conversation as the list shows it: unread count and its newest
 * message's uid (at `now`, if given: not one whose disappearing time is up).
 */
export function conversationSummaryRow(db: SqlReader, id: string, now: number | null = null): ConversationSummaryRow | null {
  const row = db.get(
    `SELECT c.id, c.type, c.contact_id, c.title, c.archived, c.muted_until, c.updated_at, c.sealed_sender, k.display_name AS contact_name,
       (SELECT count(*) FROM messages u WHERE u.conversation_id = c.id AND u.direction = 'incoming' AND u.read_at IS NULL) AS unread_count,
       (SELECT uid FROM messages m WHERE m.conversation_id = c.id AND (?2 IS NULL OR m.expires_at IS NULL OR m.expires_at > ?2) ORDER BY sent_at DESC, id DESC LIMIT 1) AS last_uid
     FROM conversations c LEFT JOIN contacts k ON k.id = c.contact_id WHERE c.id = ?1`,
    [id, now],
  );
  if (!row) return null;
  return {
    id: text(row, 'id'),
    type: text(row, 'type') as 'direct' | 'group',
    contactId: textOrNull(row, 'contact_id'),
    title: textOrNull(row, 'title'),
    contactName: textOrNull(row, 'contact_name'),
    archived: int(row, 'archived') === 1,
    mutedUntil: intOrNull(row, 'muted_until'),
    updatedAt: int(row, 'updated_at'),
    unreadCount: int(row, 'unread_count'),
    lastMessageUid: textOrNull(row, 'last_uid'),
    sealedSender: intOrNull(row, 'sealed_sender') === null ? null : intOrNull(row, 'sealed_sender') === 1,
  };
}

export function touchConversation(tx: SqlWriter, id: string, now: number): void {
  tx.run('UPDATE conversations SET updated_at = ? WHERE id = ?', [now, id]);
}

export interface IncomingRow {
  uid: string;
  conversationId: string;
  authorId: string;
  body: string | null;
  sentAt: number;
  receivedAt: number;
}

const INCOMING_CHUNK = 32;

/**
 * Stores received messages a chunk of rows per statement (a received batch is
 * hundreds of rows; one statement each costs more than the rows themselves).
 * Returns their row ids by uid.
 */
export function insertIncoming(tx: SqlWriter, list: readonly IncomingRow[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (let start = 0; start < list.length; start += INCOMING_CHUNK) {
    const chunk = list.slice(start, start + INCOMING_CHUNK);
    tx.run(
      `INSERT INTO messages (uid, conversation_id, author_id, direction, body, status, sent_at, received_at) VALUES ${chunk.map(() => "(?, ?, ?, 'incoming', ?, 'received', ?, ?)").join(', ')}`,
      chunk.flatMap((m) => [m.uid, m.conversationId, m.authorId, m.body, m.sentAt, m.receivedAt]),
    );
    for (const row of tx.all(`SELECT id, uid FROM messages WHERE uid IN (${placeholders(chunk.length)})`, chunk.map((m) => m.uid))) ids.set(text(row, 'uid'), int(row, 'id'));
  }
  return ids;
}
