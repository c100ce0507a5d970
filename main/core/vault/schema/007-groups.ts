import type { Migration } from './migration';

/**
 * Groups (issue 7). A group conversation (conversations.type 'group', its
 * name in `title`, its 32-byte id in `group_id`, the other members in
 * conversation_members) gets:
 * - groups: the membership revision we hold, whether we are still a member,
 *   and our current sender-key distribution id (a new one after anyone leaves
 *   or is removed, so they cannot read what follows);
 * - group_sender_keys: our SenderKeyDistributionMessage per distribution id,
 *   made once before the first group message under it, so every member gets
 *   the same chain start and can read every message of that distribution;
 * - group_key_holders: members our current distribution was sent to;
 * - group_sends: one per group message (or typing, reaction, edit, delete):
 *   the sender-key ciphertext inside a serialized sealed-sender content,
 *   encrypted ONCE and sealed per member device by the outbox; outbox rows
 *   (one per member) point at it through outbox.group_send_id;
 * - group_receipts: how far each member got with our group messages
 *   (delivered / read), from which the message's own status is computed;
 * - group_pending: group messages that arrived before we could read or
 *   place them (no sender key yet: the ciphertext; group unknown or newer:
 *   the decrypted content), kept and tried again, never dropped silently.
 * Group notices use messages.notice (schema 005).
 */
export const groupsSchema: Migration = {
  version: 7,
  name: 'groups',
  statements: [
    `CREATE TABLE groups (
      conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
      group_id BLOB NOT NULL UNIQUE,
      revision INTEGER NOT NULL,
      is_member INTEGER NOT NULL DEFAULT 1,
      distribution_id TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE TABLE group_sender_keys (
      distribution_id TEXT PRIMARY KEY,
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      distribution_message BLOB,
      created_at INTEGER NOT NULL
    )`,
    `CREATE TABLE group_key_holders (
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      contact_id TEXT NOT NULL,
      distribution_id TEXT NOT NULL,
      PRIMARY KEY (conversation_id, contact_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE group_sends (
      id INTEGER PRIMARY KEY,
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      distribution_id TEXT NOT NULL,
      sealed_content BLOB,
      created_at INTEGER NOT NULL
    )`,
    `ALTER TABLE outbox ADD COLUMN group_send_id INTEGER REFERENCES group_sends(id)`,
    `CREATE INDEX outbox_by_group_send ON outbox(group_send_id) WHERE group_send_id IS NOT NULL`,
    `CREATE TABLE group_receipts (
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      member TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('delivered', 'read')),
      PRIMARY KEY (message_id, member)
    ) WITHOUT ROWID`,
    `CREATE TABLE group_pending (
      id INTEGER PRIMARY KEY,
      sender TEXT NOT NULL,
      device_id INTEGER NOT NULL,
      group_id BLOB,
      ciphertext BLOB,
      content BLOB,
      received_at INTEGER NOT NULL
    )`,
    `CREATE INDEX group_pending_by_sender ON group_pending(sender)`,
  ],
};
