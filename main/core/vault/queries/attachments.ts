import type { Row, SqlReader, SqlWriter } from '../sqlite';
import { blobOrNull, int, intOrNull, placeholders, text, textOrNull } from './row';

/**
 * Attachment rows with their transfer state (schema 006). The sealed files
 * themselves are the vault's AttachmentStore; these are the rows around them.
 */
export type AttachmentState = 'uploading' | 'downloading' | 'ready' | 'failed';

export interface AttachmentDetails {
  contentType: string;
  fileName: string | null;
  thumbnail: Uint8Array | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  voiceNote: boolean;
}

export interface AttachmentRow extends AttachmentDetails {
  id: string;
  size: number;
  state: AttachmentState;
  transferred: number;
  error: string | null;
  blobId: string | null;
  remoteKey: Uint8Array | null;
  digest: Uint8Array | null;
  /** The relay's capability for the blob (schema 008): ours until sent, theirs until the download is confirmed. */
  fetchToken: Uint8Array | null;
  /** Whether the sealed file is in the store (a download in progress has none yet). */
  stored: boolean;
  /** The message that holds it (row id and uid), and that message's direction. */
  messageId: number;
  messageUid: string;
  direction: 'incoming' | 'outgoing';
}

const COLUMNS = `a.id, a.size, a.state, a.transferred, a.error, a.blob_id, a.remote_key, a.digest, a.fetch_token, length(a.file_key) > 0 AS stored,
  a.content_type, a.file_name, a.thumbnail, a.width, a.height, a.duration_ms, a.voice_note,
  m.id AS message_id, m.uid AS message_uid, m.direction`;
const FROM = 'attachments a JOIN message_attachments ma ON ma.attachment_id = a.id JOIN messages m ON m.id = ma.message_id';

function fromRow(row: Row): AttachmentRow {
  const thumbnail = blobOrNull(row, 'thumbnail');
  return {
    id: text(row, 'id'),
    size: int(row, 'size'),
    state: text(row, 'state') as AttachmentState,
    transferred: int(row, 'transferred'),
    error: textOrNull(row, 'error'),
    blobId: textOrNull(row, 'blob_id'),
    remoteKey: blobOrNull(row, 'remote_key'),
    digest: blobOrNull(row, 'digest'),
    fetchToken: blobOrNull(row, 'fetch_token'),
    stored: int(row, 'stored') === 1,
    contentType: text(row, 'content_type'),
    fileName: textOrNull(row, 'file_name'),
    thumbnail: thumbnail && thumbnail.length > 0 ? thumbnail : null,
    width: intOrNull(row, 'width'),
    height: intOrNull(row, 'height'),
    durationMs: intOrNull(row, 'duration_ms'),
    voiceNote: int(row, 'voice_note') === 1,
    messageId: int(row, 'message_id'),
    messageUid: text(row, 'message_uid'),
    direction: text(row, 'direction') as 'incoming' | 'outgoing',
  };
}

/** A message's attachment, with its message; null for unknown ids (and drafts, which have no row). */
export function getAttachment(db: SqlReader, id: string): AttachmentRow | null {
  const row = db.get(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = ?`, [id]);
  return row ? fromRow(row) : null;
}

/** A message's attachments in display order. */
export function attachmentsOfMessage(db: SqlReader, messageId: number): AttachmentRow[] {
  return db.all(`SELECT ${COLUMNS} FROM ${FROM} WHERE ma.message_id = ? ORDER BY ma.position`, [messageId]).map(fromRow);
}

/** Attachments still to upload or download (resumed after a restart). */
export function attachmentsInTransfer(db: SqlReader): AttachmentRow[] {
  return db.all(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.state IN ('uploading', 'downloading') ORDER BY m.id, ma.position`).map(fromRow);
}

/** Our messages still 'pending' whose attachments are all uploaded but that are not in the outbox (a crash between the two). */
export function uploadedButUnsent(db: SqlReader): number[] {
  return db
    .all(
      `SELECT m.id FROM messages m WHERE m.direction = 'outgoing' AND m.status = 'pending'
         AND EXISTS (SELECT 1 FROM message_attachments ma WHERE ma.message_id = m.id)
         AND NOT EXISTS (SELECT 1 FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id WHERE ma.message_id = m.id AND a.state <> 'ready')
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id)`,
    )
    .map((r) => int(r, 'id'));
}

/** Our file, sealed in the store, waiting to be uploaded. */
export function insertOutgoing(tx: SqlWriter, a: AttachmentDetails & { id: string; fileKey: Uint8Array; size: number; sha256: Uint8Array; createdAt: number }): void {
  tx.run(
    `INSERT INTO attachments (id, file_key, size, sha256, content_type, file_name, created_at, state, transferred, thumbnail, width, height, duration_ms, voice_note)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'uploading', 0, ?, ?, ?, ?, ?)`,
    [a.id, a.fileKey, a.size, a.sha256, a.contentType, a.fileName, a.createdAt, a.thumbnail, a.width, a.height, a.durationMs, a.voiceNote ? 1 : 0],
  );
}

/** Their file, announced in a message: no file yet (empty key and hash) until the download is verified. */
export function insertIncoming(
  tx: SqlWriter,
  a: AttachmentDetails & { id: string; size: number; blobId: string; remoteKey: Uint8Array; digest: Uint8Array; fetchToken: Uint8Array | null; createdAt: number },
): void {
  tx.run(
    `INSERT INTO attachments (id, file_key, size, sha256, content_type, file_name, created_at, state, transferred, blob_id, remote_key, digest, fetch_token, thumbnail, width, height, duration_ms, voice_note)
     VALUES (?, X'', ?, X'', ?, ?, ?, 'downloading', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [a.id, a.size, a.contentType, a.fileName, a.createdAt, a.blobId, a.remoteKey, a.digest, a.fetchToken, a.thumbnail, a.width, a.height, a.durationMs, a.voiceNote ? 1 : 0],
  );
}

/** Links attachments to a message (in order) and makes their names searchable. */
export function linkToMessage(tx: SqlWriter, messageId: number, attachmentIds: readonly string[]): void {
  attachmentIds.forEach((attachmentId, position) => tx.run('INSERT INTO message_attachments (message_id, attachment_id, position) VALUES (?, ?, ?)', [messageId, attachmentId, position]));
  tx.run(
    `UPDATE messages SET attachment_names = (
       SELECT group_concat(a.file_name, ' ') FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id WHERE ma.message_id = ?1 ORDER BY ma.position
     ) WHERE id = ?1`,
    [messageId],
  );
}

export function markUploaded(tx: SqlWriter, id: string, blobId: string, remoteKey: Uint8Array, digest: Uint8Array, fetchToken: Uint8Array): void {
  tx.run(`UPDATE attachments SET state = 'ready', transferred = size, error = NULL, blob_id = ?, remote_key = ?, digest = ?, fetch_token = ? WHERE id = ?`, [
    blobId,
    remoteKey,
    digest,
    fetchToken,
    id,
  ]);
}

/** Received files whose verified download this device has not yet confirmed to the relay. */
export function unconfirmedDownloads(db: SqlReader): AttachmentRow[] {
  return db.all(`SELECT ${COLUMNS} FROM ${FROM} WHERE m.direction = 'incoming' AND a.state = 'ready' AND a.fetch_token IS NOT NULL`).map(fromRow);
}

/** The relay counted this device's download (or no longer has the blob): the token is not needed any more. */
export function forgetFetchToken(tx: SqlWriter, id: string): void {
  tx.run('UPDATE attachments SET fetch_token = NULL WHERE id = ?', [id]);
}

/** The verified download is sealed in the store under `fileKey`; the relay's key is no longer needed. */
export function markDownloaded(tx: SqlWriter, id: string, fileKey: Uint8Array, sha256: Uint8Array): number {
  return tx.run(`UPDATE attachments SET state = 'ready', transferred = size, error = NULL, file_key = ?, sha256 = ?, remote_key = NULL WHERE id = ?`, [fileKey, sha256, id]);
}

export function markFailed(tx: SqlWriter, id: string, error: string): void {
  tx.run(`UPDATE attachments SET state = 'failed', transferred = 0, error = ? WHERE id = ?`, [error, id]);
}

export function restartTransfer(tx: SqlWriter, id: string, state: 'uploading' | 'downloading'): void {
  tx.run(`UPDATE attachments SET state = ?, transferred = 0, error = NULL WHERE id = ?`, [state, id]);
}

/**
 * Deletes those of `candidates` no message refers to any more (after their
 * messages or links went); returns their ids, so the caller removes the
 * sealed files once the commit is durable.
 */
export function deleteUnreferenced(tx: SqlWriter, candidates: Iterable<string>): string[] {
  const list = [...new Set(candidates)];
  const removed: string[] = [];
  for (let start = 0; start < list.length; start += 500) {
    const chunk = list.slice(start, start + 500);
    const orphans = tx
      .all(`SELECT id FROM attachments WHERE id IN (${placeholders(chunk.length)}) AND id NOT IN (SELECT attachment_id FROM message_attachments)`, chunk)
      .map((r) => text(r, 'id'));
    if (orphans.length === 0) continue;
    tx.run(`DELETE FROM attachments WHERE id IN (${placeholders(orphans.length)})`, orphans);
    removed.push(...orphans);
  }
  return removed;
}
