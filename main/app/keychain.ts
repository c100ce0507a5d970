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
