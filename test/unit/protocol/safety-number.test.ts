import { Fingerprint, IdentityKeyPair } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { compareScannedSafetyNumber, computeSafetyNumber, ProtocolError } from '../../../main/core/protocol';

const alice = IdentityKeyPair.generate().publicKey.serialize();
const bob = IdentityKeyPair.generate().publicKey.serialize();
const mallory = IdentityKeyPair.generate().publicKey.serialize();

describe('safety numbers', () => {
  it('gives both sides the same 60 digits in 12 groups of 5', () => {
    const atAlice = computeSafetyNumber({ localName: 'alice', localIdentityKey: alice, remoteName: 'bob', remoteIdentityKey: bob });
    const atBob = computeSafetyNumber({ localName: 'bob', localIdentityKey: bob, remoteName: 'alice', remoteIdentityKey: alice });
    expect(atAlice.digits).toMatch(/^\d{60}$/);
    expect(atBob.digits).toBe(atAlice.digits);
    expect(atAlice.groups).toHaveLength(12);
    expect(atAlice.groups.join('')).toBe(atAlice.digits);
    expect(atAlice.groups.every((group) => group.length === 5)).toBe(true);

    const withMallory = computeSafetyNumber({ localName: 'alice', localIdentityKey: alice, remoteName: 'bob', remoteIdentityKey: mallory });
    expect(withMallory.digits).not.toBe(atAlice.digits);
  });

  it('matches a scanned code from the other side, and not one made with another key', () => {
    const atAlice = computeSafetyNumber({ localName: 'alice', localIdentityKey: alice, remoteName: 'bob', remoteIdentityKey: bob });
    const atBob = computeSafetyNumber({ localName: 'bob', localIdentityKey: bob, remoteName: 'alice', remoteIdentityKey: alice });
    expect(compareScannedSafetyNumber(atAlice, atBob.scannable)).toBe('match');
    expect(compareScannedSafetyNumber(atAlice, atBob.scannableBase64)).toBe('match');
    expect(Buffer.from(atBob.scannableBase64, 'base64')).toEqual(Buffer.from(atBob.scannable));

    const bobSeesMallory = computeSafetyNumber({ localName: 'bob', localIdentityKey: bob, remoteName: 'alice', remoteIdentityKey: mallory });
    expect(compareScannedSafetyNumber(atAlice, bobSeesMallory.scannable)).toBe('mismatch');
  });

  it('tells a code from another fingerprint version or not a code at all', () => {
    const atAlice = computeSafetyNumber({ localName: 'alice', localIdentityKey: alice, remoteName: 'bob', remoteIdentityKey: bob });
    const encoder = new TextEncoder();
    const versionOne = Fingerprint.new(5200, 1, encoder.encode('bob'), IdentityKeyPair.generate().publicKey, encoder.encode('alice'), IdentityKeyPair.generate().publicKey);
    expect(compareScannedSafetyNumber(atAlice, versionOne.scannableFingerprint().toBuffer())).toBe('version-mismatch');
    expect(compareScannedSafetyNumber(atAlice, new Uint8Array([1, 2, 3]))).toBe('malformed');
    expect(compareScannedSafetyNumber(atAlice, 'not base64!')).toBe('malformed');
    expect(() => computeSafetyNumber({ localName: 'a', localIdentityKey: new Uint8Array(3), remoteName: 'b', remoteIdentityKey: bob })).toThrow(ProtocolError);
  });
});
