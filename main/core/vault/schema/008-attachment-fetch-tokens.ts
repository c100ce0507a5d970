import type { Migration } from './migration';

/**
 * Attachment fetch tokens (issue 7, relay review). The relay no longer lists
 * an attachment's recipients: whoever holds the fetch token (32 random bytes
 * the uploader chose, carried in the encrypted AttachmentPointer) may
 * download the blob and confirm the download. fetch_token is kept:
 * - on our uploads, with the rest of the pointer (blob id, key, digest);
 * - on received attachments, until this device has confirmed its verified
 *   download to the relay (then it is cleared: a non-null token on a stored
 *   incoming file means "confirm again", e.g. after a restart).
 */
export const attachmentFetchTokensSchema: Migration = {
  version: 8,
  name: 'attachment-fetch-tokens',
  statements: [`ALTER TABLE attachments ADD COLUMN fetch_token BLOB`],
};
