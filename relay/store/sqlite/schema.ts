import type { Database } from 'better-sqlite3';

/**
 * The embedded store's schema, as numbered migrations (PRAGMA user_version
 * records how many ran). Each runs in its own transaction.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    identity_key BLOB NOT NULL
  );
  CREATE TABLE devices (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    device_id INTEGER NOT NULL,
    registration_id INTEGER NOT NULL,
    secret_salt BLOB NOT NULL,
    secret_hash BLOB NOT NULL,
    PRIMARY KEY (account_id, device_id)
  ) WITHOUT ROWID;

  CREATE TABLE signed_prekeys (
    account_id TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (account_id, device_id)
  ) WITHOUT ROWID;
  CREATE TABLE last_resort_kyber_prekeys (
    account_id TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (account_id, device_id)
  );
  CREATE TABLE ec_prekeys (
    account_id TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    PRIMARY KEY (account_id, device_id, key_id)
  ) WITHOUT ROWID;
  CREATE TABLE kyber_prekeys (
    account_id TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (account_id, device_id, key_id)
  );

  -- One row per queued envelope; body is the wire Envelope, pushed as is. Rows
  -- are appended, so seq order is arrival order and (with one TTL) expiry
  -- order: expiry deletes from the front, with no index on expires_at.
  CREATE TABLE envelopes (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    body BLOB NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX envelopes_by_mailbox ON envelopes (account_id, device_id, seq);

  -- Fingerprints of recent submission ids, to drop repeats; no sender, no
  -- recipient. Appended like envelopes, and expired the same way.
  CREATE TABLE submissions (
    seq INTEGER PRIMARY KEY,
    fingerprint BLOB NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL
  );

  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    owner_account TEXT NOT NULL,
    owner_device INTEGER NOT NULL,
    size INTEGER NOT NULL,
    uploaded INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX attachments_by_expiry ON attachments (expires_at);
  CREATE TABLE attachment_recipients (
    attachment_id TEXT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    device_id INTEGER NOT NULL,
    fetched INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (attachment_id, account_id, device_id)
  ) WITHOUT ROWID;
  `,
  // Attachments as capabilities: no recipient list, and the uploader only
  // until the bytes are in. Attachments created before this (and their
  // recipient lists) are dropped; their blob files go with the TTL sweep.
  `
  DROP TABLE attachment_recipients;
  DROP TABLE attachments;
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    fetch_count INTEGER NOT NULL,
    token_hash BLOB NOT NULL,
    uploader_account TEXT,
    uploader_device INTEGER,
    uploaded INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX attachments_by_expiry ON attachments (expires_at);
  -- Confirmation ids already counted for an attachment, at most its fetch_count.
  CREATE TABLE attachment_confirmations (
    attachment_id TEXT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    confirmation_id BLOB NOT NULL,
    PRIMARY KEY (attachment_id, confirmation_id)
  ) WITHOUT ROWID;
  `,
];

export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let next = version; next < migrations.length; next++) {
    db.transaction(() => {
      db.exec(migrations[next] ?? '');
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}
