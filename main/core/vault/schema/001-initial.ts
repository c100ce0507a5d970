import type { Migration } from './migration';

/**
 * The first schema: profile, contacts, conversations, messages and what hangs
 * off them, the libsignal stores and the outbox. Times are milliseconds since
 * the epoch, passed in by the caller (never `now()` in SQL: replay must be exact).
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial',
  statements: [
    `CREATE TABLE profile (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      username TEXT NOT NULL,
      device_id INTEGER NOT NULL,
      display_name TEXT,
      registration_id INTEGER NOT NULL,
      identity_public BLOB NOT NULL,
      identity_private BLOB NOT NULL,
      relay_url TEXT NOT NULL,
      auth_secret BLOB,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE TABLE contacts (
      id TEXT PRIMARY KEY,
      display_name TEXT,
      identity_key BLOB,
      verification TEXT NOT NULL DEFAULT 'unverified' CHECK (verification IN ('unverified', 'verified', 'changed')),
      blocked INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE TABLE conversations (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL CHECK (type IN ('direct', 'group')),
      contact_id TEXT REFERENCES contacts(id),
      group_id BLOB,
      title TEXT,
      expire_timer_ms INTEGER,
      muted_until INTEGER,
      archived INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      CHECK ((type = 'direct') = (contact_id IS NOT NULL))
    )`,
    `CREATE UNIQUE INDEX conversations_by_contact ON conversations(contact_id) WHERE contact_id IS NOT NULL`,
    `CREATE TABLE conversation_members (
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      contact_id TEXT NOT NULL REFERENCES contacts(id),
      role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
      PRIMARY KEY (conversation_id, contact_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      uid TEXT NOT NULL UNIQUE,
      conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      author_id TEXT,
      direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
      body TEXT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'delivered', 'read', 'failed', 'received')),
      sent_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      read_at INTEGER,
      expires_in_ms INTEGER,
      expires_at INTEGER,
      reply_to_uid TEXT
    )`,
    `CREATE INDEX messages_by_conversation ON messages(conversation_id, sent_at, id)`,
    `CREATE INDEX messages_unread ON messages(conversation_id) WHERE direction = 'incoming' AND read_at IS NULL`,
    `CREATE INDEX messages_expiring ON messages(expires_at) WHERE expires_at IS NOT NULL`,
    `CREATE TABLE reactions (
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      reactor_id TEXT NOT NULL,
      emoji TEXT NOT NULL,
      reacted_at INTEGER NOT NULL,
      PRIMARY KEY (message_id, reactor_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE attachments (
      id TEXT PRIMARY KEY,
      file_key BLOB NOT NULL,
      size INTEGER NOT NULL,
      sha256 BLOB NOT NULL,
      content_type TEXT NOT NULL,
      file_name TEXT,
      created_at INTEGER NOT NULL
    )`,
    `CREATE TABLE message_attachments (
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      attachment_id TEXT NOT NULL REFERENCES attachments(id),
      position INTEGER NOT NULL,
      PRIMARY KEY (message_id, position)
    ) WITHOUT ROWID`,
    `CREATE INDEX message_attachments_by_attachment ON message_attachments(attachment_id)`,
    `CREATE TABLE protocol_sessions (
      address TEXT NOT NULL,
      device_id INTEGER NOT NULL,
      record BLOB NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (address, device_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE protocol_identities (
      address TEXT PRIMARY KEY,
      identity_key BLOB NOT NULL,
      first_seen_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`,
    `CREATE TABLE protocol_prekeys (
      id INTEGER PRIMARY KEY,
      record BLOB NOT NULL,
      created_at INTEGER NOT NULL
    )`,
    `CREATE TABLE protocol_signed_prekeys (
      id INTEGER PRIMARY KEY,
      record BLOB NOT NULL,
      created_at INTEGER NOT NULL
    )`,
    `CREATE TABLE protocol_kyber_prekeys (
      id INTEGER PRIMARY KEY,
      record BLOB NOT NULL,
      last_resort INTEGER NOT NULL DEFAULT 0,
      used_at INTEGER,
      created_at INTEGER NOT NULL
    )`,
    `CREATE TABLE protocol_sender_keys (
      address TEXT NOT NULL,
      device_id INTEGER NOT NULL,
      distribution_id TEXT NOT NULL,
      record BLOB NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (address, device_id, distribution_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE outbox (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      conversation_id TEXT REFERENCES conversations(id) ON DELETE CASCADE,
      message_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
      recipient TEXT NOT NULL,
      payload BLOB NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    )`,
    `CREATE INDEX outbox_due ON outbox(next_attempt_at)`,
  ],
};
