import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { argon2id } from 'hash-wasm';
import { z } from 'zod';
import { KEY_BYTES } from './crypto';

/**
 * Passphrase → key-encryption key. Argon2id by default (memory-hard; hash-wasm
 * runs in a worker without a native module), PBKDF2-HMAC-SHA512 at SQLCipher 4's
 * 256,000 iterations as the alternative. The parameters are stored with the
 * wrapped key so they can be raised later without breaking old vaults.
 */
export const Argon2idParams = z.object({
  name: z.literal('argon2id'),
  memoryKiB: z.number().int().min(8).max(4 * 1024 * 1024),
  iterations: z.number().int().min(1).max(64),
  parallelism: z.number().int().min(1).max(16),
});
export const Pbkdf2Params = z.object({
  name: z.literal('pbkdf2-sha512'),
  iterations: z.number().int().min(1).max(100_000_000),
});
export const PassphraseKdfParams = z.discriminatedUnion('name', [Argon2idParams, Pbkdf2Params]);
export type PassphraseKdfParams = z.infer<typeof PassphraseKdfParams>;

/** ~0.6 s on the 2-core reference machine; RFC 9106's second recommended option uses 64 MiB, we double it. */
export const DEFAULT_PASSPHRASE_KDF: PassphraseKdfParams = { name: 'argon2id', memoryKiB: 128 * 1024, iterations: 3, parallelism: 1 };
export const PBKDF2_SQLCIPHER4: PassphraseKdfParams = { name: 'pbkdf2-sha512', iterations: 256_000 };
export const SALT_BYTES = 16;

export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

const pbkdf2Async = promisify(pbkdf2);

export async function derivePassphraseKey(passphrase: string, salt: Uint8Array, params: PassphraseKdfParams): Promise<Buffer> {
  const password = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  try {
    if (params.name === 'pbkdf2-sha512') return await pbkdf2Async(password, salt, params.iterations, KEY_BYTES, 'sha512');
    const key = await argon2id({
      password,
      salt,
      memorySize: params.memoryKiB,
      iterations: params.iterations,
      parallelism: params.parallelism,
      hashLength: KEY_BYTES,
      outputType: 'binary',
    });
    return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  } finally {
    password.fill(0);
  }
}
