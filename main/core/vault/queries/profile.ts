import type { SqlReader, SqlWriter } from '../sqlite';
import { blob, blobOrNull, int, text, textOrNull } from './row';

/** This device's own account: who we are on the relay and our identity key pair. */
export interface Profile {
  username: string;
  deviceId: number;
  displayName: string | null;
  registrationId: number;
  identityPublic: Uint8Array;
  identityPrivate: Uint8Array;
  relayUrl: string;
  authSecret: Uint8Array | null;
  createdAt: number;
  updatedAt: number;
}

export function getProfile(db: SqlReader): Profile | null {
  const row = db.get('SELECT * FROM profile WHERE id = 1');
  if (!row) return null;
  return {
    username: text(row, 'username'),
    deviceId: int(row, 'device_id'),
    displayName: textOrNull(row, 'display_name'),
    registrationId: int(row, 'registration_id'),
    identityPublic: blob(row, 'identity_public'),
    identityPrivate: blob(row, 'identity_private'),
    relayUrl: text(row, 'relay_url'),
    authSecret: blobOrNull(row, 'auth_secret'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}

export function saveProfile(tx: SqlWriter, p: Profile): void {
  tx.run(
    `INSERT INTO profile (id, username, device_id, display_name, registration_id, identity_public, identity_private, relay_url, auth_secret, created_at, updated_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET username = excluded.username, device_id = excluded.device_id, display_name = excluded.display_name,
       registration_id = excluded.registration_id, identity_public = excluded.identity_public, identity_private = excluded.identity_private,
       relay_url = excluded.relay_url, auth_secret = excluded.auth_secret, updated_at = excluded.updated_at`,
    [p.username, p.deviceId, p.displayName, p.registrationId, p.identityPublic, p.identityPrivate, p.relayUrl, p.authSecret, p.createdAt, p.updatedAt],
  );
}
