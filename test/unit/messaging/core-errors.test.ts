import { describe, expect, it } from 'vitest';
import { isWrongKey, toHearthError } from '../../../main/core/errors';
import { VaultError } from '../../../main/core/vault';

/** How vault refusals reach the UI and the CLI: a damaged journal is never "wrong key", and says it can be salvaged. */
describe('vault errors at the contract', () => {
  it('maps a salvageable refusal to kind damaged, whatever its vault kind, and never calls it a wrong key', () => {
    for (const kind of ['corrupt-journal', 'journal-generation-mismatch', 'missing-file', 'wrong-key'] as const) {
      const error = new VaultError(kind, `journal problem (${kind})`, { salvageable: true });
      expect(toHearthError(error)).toMatchObject({ kind: 'damaged', message: `journal problem (${kind})` });
      expect(isWrongKey(error)).toBe(false);
    }
  });

  it('keeps wrong keys, newer files and other damage as they were', () => {
    expect(isWrongKey(new VaultError('wrong-key', 'no'))).toBe(true);
    expect(toHearthError(new VaultError('wrong-passphrase', 'no')).kind).toBe('unauthorized');
    expect(toHearthError(new VaultError('newer-format', 'update')).kind).toBe('unavailable');
    expect(toHearthError(new VaultError('corrupt-snapshot', 'broken')).kind).toBe('unavailable');
  });
});
