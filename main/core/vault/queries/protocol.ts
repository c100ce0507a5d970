import type { SqlReader, SqlWriter } from '../sqlite';
import { blob, int } from './row';

/**
 * The libsignal stores' rows: serialized records keyed as libsignal keys
 * them. The protocol layer wraps these in SessionStore, IdentityKeyStore,
 * PreKeyStore, SignedPreKeyStore, KyberPreKeyStore and SenderKeyStore.
 */

export interface ProtocolAddress {
  /** The account name (libsignal's ProtocolAddress.name()). */
  name: string;
  deviceId: number;
}

// Sessions
export function getSession(db: SqlReader, address: ProtocolAddress): Uint8Array | null {
  const row = db.get('SELECT record FROM protocol_sessions WHERE address = ? AND device_id = ?', [address.name, address.deviceId]);
  return row ? blob(row, 'record') : null;
}

export function getSessions(db: SqlReader, addresses: readonly ProtocolAddress[]): Array<Uint8Array | null> {
  return addresses.map((a) => getSession(db, a));
}

export function putSession(tx: SqlWriter, address: ProtocolAddress, record: Uint8Array, now: number): void {
  tx.run(
    `INSERT INTO protocol_sessions (address, device_id, record, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(address, device_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
    [address.name, address.deviceId, record, now],
  );
}

/** Every device this profile has a session with. */
export function sessionAddresses(db: SqlReader): ProtocolAddress[] {
  return db.all('SELECT address, device_id FROM protocol_sessions ORDER BY address, device_id').map((r) => ({ name: r.address as string, deviceId: int(r, 'device_id') }));
}

export function sessionDeviceIds(db: SqlReader, name: string): number[] {
  return db.all('SELECT device_id FROM protocol_sessions WHERE address = ? ORDER BY device_id', [name]).map((r) => int(r, 'device_id'));
}

export function deleteSession(tx: SqlWriter, address: ProtocolAddress): void {
  tx.run('DELETE FROM protocol_sessions WHERE address = ? AND device_id = ?', [address.name, address.deviceId]);
}

export function deleteAllSessions(tx: SqlWriter, name: string): void {
  tx.run('DELETE FROM protocol_sessions WHERE address = ?', [name]);
}

// Identities (others' identity keys, trust on first use)
export function getIdentity(db: SqlReader, name: string): Uint8Array | null {
  const row = db.get('SELECT identity_key FROM protocol_identities WHERE address = ?', [name]);
  return row ? blob(row, 'identity_key') : null;
}

/** Saves an identity key; tells whether it was new, the same, or replaced a different one. */
export function putIdentity(tx: SqlWriter, name: string, identityKey: Uint8Array, now: number): 'new' | 'same' | 'changed' {
  const current = getIdentity(tx, name);
  if (current && Buffer.from(current).equals(identityKey)) return 'same';
  tx.run(
    `INSERT INTO protocol_identities (address, identity_key, first_seen_at, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(address) DO UPDATE SET identity_key = excluded.identity_key, updated_at = excluded.updated_at`,
    [name, identityKey, now, now],
  );
  return current ? 'changed' : 'new';
}

// One-time prekeys, signed prekeys, Kyber prekeys
type PreKeyTable = 'protocol_prekeys' | 'protocol_signed_prekeys';

function getKey(db: SqlReader, table: PreKeyTable | 'protocol_kyber_prekeys', id: number): Uint8Array | null {
  const row = db.get(`SELECT record FROM ${table} WHERE id = ?`, [id]);
  return row ? blob(row, 'record') : null;
}

function putKey(tx: SqlWriter, table: PreKeyTable, id: number, record: Uint8Array, now: number): void {
  tx.run(`INSERT INTO ${table} (id, record, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record`, [id, record, now]);
}

export const getPreKey = (db: SqlReader, id: number) => getKey(db, 'protocol_prekeys', id);
export const putPreKey = (tx: SqlWriter, id: number, record: Uint8Array, now: number) => putKey(tx, 'protocol_prekeys', id, record, now);
export const removePreKey = (tx: SqlWriter, id: number) => void tx.run('DELETE FROM protocol_prekeys WHERE id = ?', [id]);
export const countPreKeys = (db: SqlReader): number => int(db.get('SELECT count(*) AS n FROM protocol_prekeys') ?? { n: 0 }, 'n');
export const maxPreKeyId = (db: SqlReader): number => int(db.get('SELECT coalesce(max(id), 0) AS n FROM protocol_prekeys') ?? { n: 0 }, 'n');

export const getSignedPreKey = (db: SqlReader, id: number) => getKey(db, 'protocol_signed_prekeys', id);
export const putSignedPreKey = (tx: SqlWriter, id: number, record: Uint8Array, now: number) => putKey(tx, 'protocol_signed_prekeys', id, record, now);
export const removeSignedPreKey = (tx: SqlWriter, id: number) => void tx.run('DELETE FROM protocol_signed_prekeys WHERE id = ?', [id]);
export const signedPreKeyIds = (db: SqlReader): number[] => db.all('SELECT id FROM protocol_signed_prekeys ORDER BY id').map((r) => int(r, 'id'));

export const getKyberPreKey = (db: SqlReader, id: number) => getKey(db, 'protocol_kyber_prekeys', id);
export function putKyberPreKey(tx: SqlWriter, id: number, record: Uint8Array, lastResort: boolean, now: number): void {
  tx.run(
    `INSERT INTO protocol_kyber_prekeys (id, record, last_resort, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET record = excluded.record, last_resort = excluded.last_resort`,
    [id, record, lastResort ? 1 : 0, now],
  );
}
/** A one-time Kyber prekey is deleted once used; a last-resort one is kept and stamped. */
export function markKyberPreKeyUsed(tx: SqlWriter, id: number, now: number): void {
  tx.run('DELETE FROM protocol_kyber_prekeys WHERE id = ? AND last_resort = 0', [id]);
  tx.run('UPDATE protocol_kyber_prekeys SET used_at = ? WHERE id = ? AND last_resort = 1', [now, id]);
}
export const countKyberPreKeys = (db: SqlReader): number => int(db.get('SELECT count(*) AS n FROM protocol_kyber_prekeys WHERE last_resort = 0') ?? { n: 0 }, 'n');

// Sender keys (groups)
export function getSenderKey(db: SqlReader, sender: ProtocolAddress, distributionId: string): Uint8Array | null {
  const row = db.get('SELECT record FROM protocol_sender_keys WHERE address = ? AND device_id = ? AND distribution_id = ?', [sender.name, sender.deviceId, distributionId]);
  return row ? blob(row, 'record') : null;
}

export function putSenderKey(tx: SqlWriter, sender: ProtocolAddress, distributionId: string, record: Uint8Array, now: number): void {
  tx.run(
    `INSERT INTO protocol_sender_keys (address, device_id, distribution_id, record, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(address, device_id, distribution_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
    [sender.name, sender.deviceId, distributionId, record, now],
  );
}
