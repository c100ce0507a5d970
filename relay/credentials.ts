import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device auth secrets. Clients pick 16–64 random bytes, so a salted SHA-256
 * is enough (a slow KDF guards guessable passwords; these are not guessable)
 * and keeps authentication cheap when thousands of devices reconnect at once.
 */
export interface SecretHash {
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

const SALT_BYTES = 16;

export function hashSecret(secret: Uint8Array, salt: Uint8Array = randomBytes(SALT_BYTES)): SecretHash {
  return { salt, hash: createHash('sha256').update(salt).update(secret).digest() };
}

/** Constant-time check. Without a stored hash it still hashes, so timing does not tell which usernames exist. */
export function verifySecret(secret: Uint8Array, stored: SecretHash | undefined): boolean {
  const candidate = hashSecret(secret, stored?.salt ?? DECOY.salt).hash;
  const match = timingSafeEqual(candidate, stored?.hash ?? DECOY.hash);
  return stored !== undefined && match;
}

const DECOY = hashSecret(randomBytes(32));

/**
 * Fingerprint of a submission id, scoped to its recipient device. The relay
 * keeps only this (never who sent what to whom) to drop repeated submissions.
 */
export function submissionFingerprint(username: string, deviceId: number, submissionId: Uint8Array): Buffer {
  return createHash('sha256').update(username).update(Uint8Array.of(0, deviceId)).update(submissionId).digest();
}

export interface DeviceCredentials {
  readonly username: string;
  readonly deviceId: number;
  readonly secret: Uint8Array;
}

/**
 * HTTP credentials: `Authorization: Basic base64("<username>.<deviceId>:<base64url secret>")`.
 * The device id follows the last dot, so usernames may contain dots.
 */
export function parseBasicAuth(header: string | undefined): DeviceCredentials | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]{1,400})$/.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const user = /^(.+)\.(\d{1,3}):([A-Za-z0-9_-]{1,100})$/.exec(decoded);
  if (!user?.[1] || !user[2] || !user[3]) return undefined;
  return { username: user[1], deviceId: Number(user[2]), secret: Buffer.from(user[3], 'base64url') };
}

export function basicAuthHeader(credentials: DeviceCredentials): string {
  const user = `${credentials.username}.${credentials.deviceId}:${Buffer.from(credentials.secret).toString('base64url')}`;
  return `Basic ${Buffer.from(user).toString('base64')}`;
}
