import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { KEY_BYTES } from './crypto';
import { VaultError } from './errors';

/**
 * The recovery key: 30 random bytes plus a 2-byte checksum, written as 52
 * Crockford base32 characters in 13 groups of 4 (e.g. "7KQ2-M9XD-…"). It is
 * shown once at set-up and unlocks the vault when the OS keychain is lost or
 * changes backend. Being 240 bits of randomness, it needs no slow KDF: HKDF
 * with a per-slot salt turns it into the key-encryption key.
 */
const SECRET_BYTES = 30;
const CHECK_BYTES = 2;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUP = 4;
export const RECOVERY_KEY_CHARACTERS = 52;

function checksum(secret: Uint8Array): Buffer {
  return createHash('sha256').update('hearth recovery key').update(secret).digest().subarray(0, CHECK_BYTES);
}

function toBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function formatRecoveryKey(secret: Uint8Array): string {
  const text = toBase32(Buffer.concat([secret, checksum(secret)]));
  return text.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? '';
}

export function newRecoverySecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** Parses what a person typed: case, spaces and dashes do not matter; O reads as 0, I and L as 1. */
export function parseRecoveryKey(input: string): Buffer {
  const text = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (text.length !== RECOVERY_KEY_CHARACTERS) {
    throw new VaultError('invalid-argument', `A recovery key has ${RECOVERY_KEY_CHARACTERS} characters (13 groups of 4); this one has ${text.length}.`);
  }
  const bytes = Buffer.alloc(SECRET_BYTES + CHECK_BYTES);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) throw new VaultError('invalid-argument', `"${char}" cannot appear in a recovery key.`);
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bytes[at++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  const secret = bytes.subarray(0, SECRET_BYTES);
  // The last character carries 1 bit and 4 zero bits of padding; a typo there must not go unnoticed.
  if (value !== 0 || !checksum(secret).equals(bytes.subarray(SECRET_BYTES))) {
    throw new VaultError('invalid-argument', 'That recovery key has a typo: its checksum does not match. Check each group against the copy you kept.');
  }
  return Buffer.from(secret);
}

export function deriveRecoveryKey(secret: Uint8Array, salt: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, 'hearth-vault recovery key v1', KEY_BYTES));
}
