import type { Migration } from './migration';

/**
 * Sealed sender (issue 7):
 * - contacts.sealed_sender: 1 while the contact is believed to accept sealed
 *   envelopes (the default), 0 once the relay refused one for them, after
 *   which we send to them on the authenticated path;
 * - conversations.sealed_sender: how the last message of ours in the
 *   conversation went out (1 sealed, 0 authenticated, NULL none yet), for the
 *   conversation details.
 *
 * Edits and deletes (issue 7):
 * - messages.edited_at: set when the author edited the message; the earlier
 *   bodies are in message_edits (version 1 = the original);
 * - messages.deleted_at: set when the author deleted it for everyone; the
 *   body is then NULL (a tombstone, and gone from the search index through
 *   the FTS update trigger) and its edit history is removed.
 */
export const sealedSenderSchema: Migration = {
  version: 4,
  name: 'sealed-sender-and-edits',
  statements: [
    `ALTER TABLE contacts ADD COLUMN sealed_sender INTEGER NOT NULL DEFAULT 1`,
    `ALTER TABLE conversations ADD COLUMN sealed_sender INTEGER`,
    `ALTER TABLE messages ADD COLUMN edited_at INTEGER`,
    `ALTER TABLE messages ADD COLUMN deleted_at INTEGER`,
    `CREATE TABLE message_edits (
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      body TEXT NOT NULL,
      edited_at INTEGER NOT NULL,
      PRIMARY KEY (message_id, version)
    ) WITHOUT ROWID`,
  ],
};
