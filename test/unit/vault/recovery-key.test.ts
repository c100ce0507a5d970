import { describe, expect, it } from 'vitest';
import { VaultError } from '../../../main/core/vault';
import { formatRecoveryKey, newRecoverySecret, parseRecoveryKey } from '../../../main/core/vault/recovery-key';

describe('recovery key', () => {
  it('is 13 groups of 4 Crockford base32 characters and parses back to the same secret', () => {
    const secret = newRecoverySecret();
    const text = formatRecoveryKey(secret);
    expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){12}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseRecoveryKey(text).equals(secret)).toBe(true);
  });

  it('forgives case, spaces, missing dashes and O/0, I/L/1 confusions', () => {
    const secret = newRecoverySecret();
    const text = formatRecoveryKey(secret);
    const sloppy = text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(parseRecoveryKey(sloppy).equals(secret)).toBe(true);
  });

  it('catches a typo with its checksum', () => {
    const text = formatRecoveryKey(newRecoverySecret());
    const i = 5;
    const typo = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
    expect(() => parseRecoveryKey(typo)).toThrow(VaultError);
    expect(() => parseRecoveryKey(typo)).toThrow(/typo/);
    expect(() => parseRecoveryKey(text.slice(0, -1))).toThrow(/52 characters/);
    // Every wrong last character is caught too, though it mostly holds padding.
    for (const last of '0123456789ABCDEFGHJKMNPQRSTVWXYZ') {
      if (last !== text[text.length - 1]) expect(() => parseRecoveryKey(text.slice(0, -1) + last)).toThrow(VaultError);
    }
  });
});
