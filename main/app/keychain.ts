import type { KeychainService } from '../core/worker-protocol';

/** The parts of Electron's safeStorage that decide whether the OS keychain can protect the vault key. */
export interface KeychainProbe {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend(): string;
}

export type KeychainStatus = { available: true } | { available: false; reason: string };

/**
 * Whether safeStorage really is an OS keychain. On Linux without a secret
 * service Chromium falls back to 'basic_text', which "encrypts" with a
 * hard-coded password: offering that as keychain protection would be a lie,
 * so the first-run screen says why it is missing instead. Call after 'ready'
 * (on Linux safeStorage answers only then).
 */
export function keychainStatus(probe: KeychainProbe, platform: NodeJS.Platform): KeychainStatus {
  if (!probe.isEncryptionAvailable()) {
    return { available: false, reason: 'The operating system keychain is not available.' };
  }
  if (platform === 'linux') {
    const backend = probe.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return { available: false, reason: 'No secret service (GNOME Keyring or KWallet) is running, so there is no keychain to hold the key.' };
    }
  }
  return { available: true };
}

/** The parts of safeStorage that wrap and unwrap. */
export interface KeychainCipher {
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** The backend name the vault records and checks (it refuses Linux's 'basic_text'). */
export function keychainBackend(probe: KeychainProbe, platform: NodeJS.Platform): string {
  if (platform === 'linux') return probe.getSelectedStorageBackend();
  return platform === 'darwin' ? 'macos-keychain' : platform === 'win32' ? 'dpapi' : platform;
}

/**
 * The OS keychain as the core worker's vault sees it. safeStorage only takes
 * strings, so the 32-byte key travels as base64 (a string we cannot wipe; it
 * lives only for the call).
 */
export function safeStorageKeychain(storage: KeychainProbe & KeychainCipher, platform: NodeJS.Platform): KeychainService {
  return {
    backend: keychainBackend(storage, platform),
    encrypt: (data) => new Uint8Array(storage.encryptString(Buffer.from(data).toString('base64'))),
    decrypt: (blob) => new Uint8Array(Buffer.from(storage.decryptString(Buffer.from(blob)), 'base64')),
  };
}
