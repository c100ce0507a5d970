import { VaultError } from './errors';

/**
 * The OS keychain, reached through the shell: main/app implements this with
 * Electron's safeStorage across the worker boundary. The vault never imports
 * electron; it only asks this to wrap and unwrap the database key.
 */
export interface KeyProtector {
  readonly kind: 'keychain';
  /** safeStorage.getSelectedStorageBackend() on Linux; a platform name elsewhere ('macos-keychain', 'dpapi'). */
  readonly backend: string;
  wrap(key: Uint8Array): Promise<Uint8Array>;
  unwrap(blob: Uint8Array): Promise<Uint8Array>;
}

/**
 * Electron's `basic_text` backend "encrypts" with a hard-coded password
 * (Chromium's os_crypt "peanuts"): anyone with the disk can unwrap the key.
 * Accepting it would break the promise that a stolen disk shows nothing.
 */
const INSECURE_BACKENDS = new Set(['basic_text']);

export function assertSecureKeychain(protector: KeyProtector): void {
  if (INSECURE_BACKENDS.has(protector.backend)) {
    throw new VaultError(
      'insecure-keychain',
      `The OS keychain backend "${protector.backend}" stores secrets with a fixed, public password, so it would protect nothing. Install and unlock a keyring (GNOME Keyring or KWallet), or protect the vault with a passphrase instead.`,
    );
  }
}
