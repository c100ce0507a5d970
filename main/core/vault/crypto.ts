import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/** AES-256-GCM everywhere: 32-byte keys, 12-byte random nonces, 16-byte tags. */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

export function randomKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * Seals `plaintext` into `out` at `offset` as nonce ‖ ciphertext ‖ tag and
 * returns the offset after it. Writing in place lets the snapshot and journal
 * build one buffer per write instead of concatenating pieces.
 */
export function sealInto(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, out: Uint8Array, offset: number): number {
  // The nonce is drawn in place: no buffer of its own per seal (attachments seal one per 64 KiB).
  const nonce = randomFillSync(out, offset, NONCE_BYTES).subarray(offset, offset + NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  let at = offset + NONCE_BYTES;
  const body = cipher.update(plaintext);
  out.set(body, at);
  at += body.length;
  const tail = cipher.final();
  out.set(tail, at);
  at += tail.length;
  out.set(cipher.getAuthTag(), at);
  return at + TAG_BYTES;
}

export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(plaintext.length + SEAL_OVERHEAD);
  sealInto(key, plaintext, aad, out, 0);
  return out;
}

/** Opens nonce ‖ ciphertext ‖ tag; returns null when authentication fails (wrong key or damaged bytes). */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer | null {
  if (sealed.length < SEAL_OVERHEAD) return null;
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const body = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
  try {
    const tail = decipher.final();
    return tail.length === 0 ? body : Buffer.concat([body, tail]);
  } catch {
    body.fill(0);
    return null;
  }
}

/** Separate keys for snapshot pages and journal records, so one key never serves two formats. */
export function deriveSubkey(databaseKey: Uint8Array, vaultId: Uint8Array, purpose: 'snapshot' | 'journal'): Buffer {
  return Buffer.from(hkdfSync('sha256', databaseKey, vaultId, `hearth-vault ${purpose} v1`, KEY_BYTES));
}

/**
 * A public fingerprint of the database key (HMAC of a fixed label), stored in
 * the key header and every file header: it tells "wrong key" apart from
 * "damaged file" and picks the right key during a rekey. 128 bits of a
 * PRF output reveal nothing usable about a 256-bit key.
 */
export function keyIdOf(databaseKey: Uint8Array): Buffer {
  return createHmac('sha256', databaseKey).update('hearth-vault key id v1').digest().subarray(0, 16);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Best effort: JavaScript cannot promise no copy survives, but our own buffers need not linger. */
export function wipe(...buffers: Array<Uint8Array | null | undefined>): void {
  for (const buffer of buffers) buffer?.fill(0);
}
