import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits: the token is the only thing between another local program (or web page) and the vault. */
export const ACCESS_TOKEN_BYTES = 32;

/** A fresh token for one run of the host, URL-safe so it fits a fragment and a WebSocket subprotocol. */
export function createAccessToken(): string {
  return randomBytes(ACCESS_TOKEN_BYTES).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so timingSafeEqual
 * always compares equal lengths and a guess's length leaks nothing either.
 */
export function accessTokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(a, b);
}
