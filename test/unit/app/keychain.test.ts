import { describe, expect, it } from 'vitest';
import { keychainStatus } from '../../../main/app/keychain';

const probe = (available: boolean, backend: string) => ({ isEncryptionAvailable: () => available, getSelectedStorageBackend: () => backend });

describe('keychainStatus', () => {
  it('offers the keychain where safeStorage has a real backend', () => {
    expect(keychainStatus(probe(true, 'gnome_libsecret'), 'linux')).toEqual({ available: true });
    expect(keychainStatus(probe(true, 'kwallet6'), 'linux')).toEqual({ available: true });
    expect(keychainStatus(probe(true, 'unknown'), 'darwin')).toEqual({ available: true });
    expect(keychainStatus(probe(true, 'unknown'), 'win32')).toEqual({ available: true });
  });

  it("refuses Linux's plaintext fallback, saying why", () => {
    for (const backend of ['basic_text', 'unknown']) {
      const status = keychainStatus(probe(true, backend), 'linux');
      expect(status.available).toBe(false);
      expect(status.available ? '' : status.reason).toMatch(/secret service/);
    }
  });

  it('reports no keychain when encryption is unavailable', () => {
    expect(keychainStatus(probe(false, 'gnome_libsecret'), 'linux')).toMatchObject({ available: false });
    expect(keychainStatus(probe(false, 'unknown'), 'darwin')).toMatchObject({ available: false });
  });
});
