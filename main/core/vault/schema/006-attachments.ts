import type { Migration } from './migration';

/**
 * Attachments in messages (issue 7). The attachments table held only files
 * already in the vault's store; a message's attachment now also has a
 * transfer life:
 * - state: 'uploading' (ours, not yet on the relay), 'downloading' (theirs,
 *   being fetched), 'ready' (the sealed file is in the store), 'failed'
 *   (error says why; attachments.retry tries again). A row in 'downloading'
 *   or a failed download has no file yet: file_key and sha256 are empty;
 * - transferred: bytes moved so far, for progress;
 * - blob_id, remote_key, digest: the relay's blob id, the key the file was
 *   encrypted with for the relay and the SHA-256 of the uploaded bytes (the
 *   AttachmentPointer), set once uploaded (ours) or on receipt (theirs);
 * - thumbnail, width, height, duration_ms, voice_note: what the sender said
 *   about the file, shown before it is downloaded.
 */
export const attachmentsSchema: Migration = {
  version: 6,
  name: 'attachment-transfers',
  statements: [
    `ALTER TABLE attachments ADD COLUMN state TEXT NOT NULL DEFAULT 'ready'`,
    `ALTER TABLE attachments ADD COLUMN transferred INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE attachments ADD COLUMN error TEXT`,
    `ALTER TABLE attachments ADD COLUMN blob_id TEXT`,
    `ALTER TABLE attachments ADD COLUMN remote_key BLOB`,
    `ALTER TABLE attachments ADD COLUMN digest BLOB`,
    `ALTER TABLE attachments ADD COLUMN thumbnail BLOB`,
    `ALTER TABLE attachments ADD COLUMN width INTEGER`,
    `ALTER TABLE attachments ADD COLUMN height INTEGER`,
    `ALTER TABLE attachments ADD COLUMN duration_ms INTEGER`,
    `ALTER TABLE attachments ADD COLUMN voice_note INTEGER NOT NULL DEFAULT 0`,
    `CREATE INDEX attachments_in_transfer ON attachments(state) WHERE state IN ('uploading', 'downloading')`,
  ],
};
