import { z } from 'zod';
import { messaging, type SqlReader, type SqlWriter } from '../vault';

/**
 * The relay's sealed-sender trust root public key, pinned on first contact
 * (registration, or the first connection of a profile made before sealed
 * sender) and kept in the vault: every sealed envelope's sender certificate
 * must chain to it.
 */
const KEY = 'relay-trust-root';
const StoredTrustRoot = z.object({ publicKey: z.string().regex(/^[0-9a-f]+$/) });

export function readTrustRoot(db: SqlReader): Uint8Array | null {
  const parsed = StoredTrustRoot.safeParse(messaging.getSetting(db, KEY));
  return parsed.success ? Buffer.from(parsed.data.publicKey, 'hex') : null;
}

export function writeTrustRoot(tx: SqlWriter, publicKey: Uint8Array): void {
  messaging.putSetting(tx, KEY, { publicKey: Buffer.from(publicKey).toString('hex') });
}
