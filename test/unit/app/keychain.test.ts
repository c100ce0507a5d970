import { describe, expect, it } from 'vitest';
import { keychainBackend, keychainStatus, safeStorageKeychain } from '../../../main/app/keychain';

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

describe('safeStorageKeychain', () => {
  // A stand-in for safeStorage that really transforms its input, so a round trip proves the encoding.
  const storage = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'kwallet5',
    encryptString: (text: string) => Buffer.from(text, 'utf8').reverse(),
    decryptString: (blob: Buffer) => Buffer.from(blob).reverse().toString('utf8'),
  };

  it('round-trips arbitrary key bytes through the string-only safeStorage API', () => {
    const keychain = safeStorageKeychain(storage, 'linux');
    const key = new Uint8Array(32).map((_, i) => (i * 37 + 200) & 0xff);
    const wrapped = keychain.encrypt(key);
    expect(Buffer.from(wrapped).includes(Buffer.from(key))).toBe(false);
    expect(keychain.decrypt(wrapped)).toEqual(key);
  });

  it('names the backend the vault checks', () => {
    expect(keychainBackend(storage, 'linux')).toBe('kwallet5');
    expect(keychainBackend(storage, 'darwin')).toBe('macos-keychain');
    expect(keychainBackend(storage, 'win32')).toBe('dpapi');
  });
});
