import type { Migration } from './migration';

/**
 * What one-to-one messaging needs beyond the first schema (issue 5):
 * - messages.kind: notices the core puts in a conversation ('identity-changed',
 *   'decrypt-failed', 'session-reset') next to ordinary 'text' messages;
 * - contacts.account_id: the relay's stable account id (sealed sender names it);
 * - the protocol layer's own rows: the local account (identity key pair,
 *   registration id, prekey id counters) and identity verification state;
 * - outbox_deliveries: one row per (outbox entry, recipient device) with the
 *   ciphertext and the submission id it is sent under, committed together with
 *   the session state that produced it, so a retry resends the same bytes under
 *   the same id and the relay drops the repeat (exactly once per device);
 * - received_envelopes: relay envelope ids already stored, so an envelope
 *   redelivered after a crash between commit and ack is dropped unread;
 * - settings: small JSON values by key.
 */
export const messagingSchema: Migration = {
  version: 3,
  name: 'messaging',
  statements: [
    `ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'`,
    `ALTER TABLE contacts ADD COLUMN account_id TEXT`,
    `ALTER TABLE protocol_identities ADD COLUMN verification TEXT NOT NULL DEFAULT 'default'`,
    `ALTER TABLE protocol_identities ADD COLUMN changed_at INTEGER`,
    `CREATE TABLE protocol_local_account (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      identity_key_pair BLOB NOT NULL,
      registration_id INTEGER NOT NULL,
      next_prekey_id INTEGER NOT NULL,
      next_signed_prekey_id INTEGER NOT NULL,
      next_kyber_prekey_id INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    )`,
    `CREATE TABLE outbox_deliveries (
      outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
      device_id INTEGER NOT NULL,
      submission_id BLOB NOT NULL,
      envelope_type INTEGER NOT NULL,
      ciphertext BLOB NOT NULL,
      sent INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (outbox_id, device_id)
    ) WITHOUT ROWID`,
    `CREATE TABLE received_envelopes (
      id BLOB PRIMARY KEY,
      received_at INTEGER NOT NULL
    ) WITHOUT ROWID`,
    `CREATE INDEX received_envelopes_by_time ON received_envelopes(received_at)`,
    `CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID`,
  ],
};
