import type { Row, SqlReader, SqlWriter } from '../sqlite';
import { blobOrNull, int, text, textOrNull } from './row';

export type Verification = 'unverified' | 'verified' | 'changed';

export interface Contact {
  id: string;
  displayName: string | null;
  identityKey: Uint8Array | null;
  verification: Verification;
  blocked: boolean;
  createdAt: number;
  updatedAt: number;
}

const fromRow = (row: Row): Contact => ({
  id: text(row, 'id'),
  displayName: textOrNull(row, 'display_name'),
  identityKey: blobOrNull(row, 'identity_key'),
  verification: text(row, 'verification') as Verification,
  blocked: int(row, 'blocked') === 1,
  createdAt: int(row, 'created_at'),
  updatedAt: int(row, 'updated_at'),
});

export function getContact(db: SqlReader, id: string): Contact | null {
  const row = db.get('SELECT * FROM contacts WHERE id = ?', [id]);
  return row ? fromRow(row) : null;
}

export function listContacts(db: SqlReader): Contact[] {
  return db.all('SELECT * FROM contacts ORDER BY coalesce(display_name, id) COLLATE NOCASE').map(fromRow);
}

/** Adds the contact or updates its name; identity and verification change only through setIdentityKey/setVerification. */
export function upsertContact(tx: SqlWriter, c: { id: string; displayName: string | null; now: number }): void {
  tx.run(
    `INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, updated_at = excluded.updated_at`,
    [c.id, c.displayName, c.now, c.now],
  );
}

/**
 * Records the contact's identity key. A different key than the one on file
 * marks the contact 'changed' (the safety number changed), as Signal does.
 */
export function setIdentityKey(tx: SqlWriter, id: string, identityKey: Uint8Array, now: number): 'new' | 'same' | 'changed' {
  const current = getContact(tx, id);
  if (!current) throw new Error('setIdentityKey: unknown contact');
  if (current.identityKey && Buffer.from(current.identityKey).equals(identityKey)) return 'same';
  const outcome = current.identityKey ? 'changed' : 'new';
  tx.run(`UPDATE contacts SET identity_key = ?, verification = CASE WHEN ? = 'changed' THEN 'changed' ELSE verification END, updated_at = ? WHERE id = ?`, [
    identityKey,
    outcome,
    now,
    id,
  ]);
  return outcome;
}

export function setVerification(tx: SqlWriter, id: string, verification: Verification, now: number): void {
  tx.run('UPDATE contacts SET verification = ?, updated_at = ? WHERE id = ?', [verification, now, id]);
}

export function setBlocked(tx: SqlWriter, id: string, blocked: boolean, now: number): void {
  tx.run('UPDATE contacts SET blocked = ?, updated_at = ? WHERE id = ?', [blocked ? 1 : 0, now, id]);
}
