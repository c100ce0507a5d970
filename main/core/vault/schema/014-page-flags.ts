import type { Migration } from './migration';

/**
 * Whether a message has reactions or attachments, kept on its row by
 * triggers. A page of messages fetches those details only for the messages
 * that have them; it used to find out by probing both tables for each of its
 * messages (`id IN (SELECT message_id FROM reactions)`), which was a tenth of
 * the first page's time after unlock (0.41-0.43 ms against 0.37-0.38 ms for
 * 50 messages at 200,000). Reactions and attachment links are written far
 * less often than pages are read, and a new message without them costs
 * nothing: the columns default to 0.
 */
export const pageFlagsSchema: Migration = {
  version: 14,
  name: 'page-flags',
  statements: [
    `ALTER TABLE messages ADD COLUMN has_reactions INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE messages ADD COLUMN has_attachments INTEGER NOT NULL DEFAULT 0`,
    `UPDATE messages SET has_reactions = 1 WHERE id IN (SELECT message_id FROM reactions)`,
    `UPDATE messages SET has_attachments = 1 WHERE id IN (SELECT message_id FROM message_attachments)`,
    `CREATE TRIGGER reactions_flag_insert AFTER INSERT ON reactions BEGIN
       UPDATE messages SET has_reactions = 1 WHERE id = new.message_id AND has_reactions = 0;
     END`,
    `CREATE TRIGGER reactions_flag_delete AFTER DELETE ON reactions BEGIN
       UPDATE messages SET has_reactions = EXISTS (SELECT 1 FROM reactions WHERE message_id = old.message_id) WHERE id = old.message_id;
     END`,
    `CREATE TRIGGER message_attachments_flag_insert AFTER INSERT ON message_attachments BEGIN
       UPDATE messages SET has_attachments = 1 WHERE id = new.message_id AND has_attachments = 0;
     END`,
    `CREATE TRIGGER message_attachments_flag_delete AFTER DELETE ON message_attachments BEGIN
       UPDATE messages SET has_attachments = EXISTS (SELECT 1 FROM message_attachments WHERE message_id = old.message_id) WHERE id = old.message_id;
     END`,
  ],
};
