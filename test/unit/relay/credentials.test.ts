import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basicAuthHeader, hashSecret, parseBasicAuth, submissionFingerprint, verifySecret } from '../../../relay/credentials';

describe('credentials', () => {
  it('verifies a secret against its salted hash and nothing else', () => {
    const secret = randomBytes(32);
    const stored = hashSecret(secret);
    expect(Buffer.from(stored.hash).equals(secret)).toBe(false);
    expect(verifySecret(secret, stored)).toBe(true);
    expect(verifySecret(randomBytes(32), stored)).toBe(false);
    expect(verifySecret(secret, undefined)).toBe(false);
    expect(Buffer.from(hashSecret(secret).hash).equals(Buffer.from(stored.hash))).toBe(false);
  });

  it('round-trips HTTP Basic device credentials, dots in usernames included', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9._]{3,32}$/), fc.integer({ min: 1, max: 127 }), fc.uint8Array({ minLength: 16, maxLength: 64 }), (username, deviceId, secret) => {
        const parsed = parseBasicAuth(basicAuthHeader({ username, deviceId, secret }));
        expect(parsed).toEqual({ username, deviceId, secret: Buffer.from(secret) });
      }),
    );
  });

  it('refuses malformed Authorization headers', () => {
    const b64 = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    for (const header of [undefined, '', 'Bearer x', 'Basic', 'Basic !!!', b64('alice:secret'), b64('alice.x:c2VjcmV0'), b64('alice.1'), b64('.1:c2VjcmV0')]) {
      expect(parseBasicAuth(header)).toBeUndefined();
    }
  });

  it('scopes submission fingerprints to the recipient device', () => {
    const id = randomBytes(16);
    const a = submissionFingerprint('bob', 1, id);
    expect(a).toHaveLength(32);
    expect(submissionFingerprint('bob', 1, id).equals(a)).toBe(true);
    expect(submissionFingerprint('bob', 2, id).equals(a)).toBe(false);
    expect(submissionFingerprint('bob1', 1, id).equals(a)).toBe(false);
    expect(submissionFingerprint('bob', 1, randomBytes(16)).equals(a)).toBe(false);
  });
});
