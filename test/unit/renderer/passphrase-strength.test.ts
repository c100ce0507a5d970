import { describe, expect, it } from 'vitest';
import { estimateStrength, MIN_SCORE } from '../../../renderer/src/model/passphrase-strength';

describe('passphrase strength', () => {
  it('refuses common, short and personal passphrases, with a reason', async () => {
    for (const weak of ['password1', 'qwertyuiop', 'hearth2024', 'alice1990', 'Tr0ub4dor']) {
      const strength = await estimateStrength(weak, ['alice']);
      expect(strength.acceptable, weak).toBe(false);
      expect(strength.score).toBeLessThan(MIN_SCORE);
      expect(strength.warning !== null || strength.suggestions.length > 0, weak).toBe(true);
    }
  });

  it('accepts a few unrelated words and long random strings', async () => {
    for (const strong of ['copper lantern orbit velvet', 'harbor maple quartz thimble', 'x7#Lq2!vR9@mZ4$w']) {
      const strength = await estimateStrength(strong);
      expect(strength.acceptable, strong).toBe(true);
      expect(strength.score).toBeGreaterThanOrEqual(MIN_SCORE);
    }
  });

  it('counts the username as a known word', async () => {
    const name = 'zanzibarquokka';
    expect((await estimateStrength(`${name}1`, [name])).acceptable).toBe(false);
  });
});
