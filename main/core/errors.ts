import { HearthError } from '../../shared/api';
import { isProtocolError } from './protocol';
import { isRelayError } from './transport';
import { isVaultError } from './vault';

/**
 * Turns what the core's parts throw into the contract's error kinds, keeping
 * their messages (each part writes messages a person can act on, and none
 * puts keys or content in them).
 */
export function toHearthError(error: unknown): HearthError {
  if (error instanceof HearthError) return error;
  if (isVaultError(error)) {
    if (error.salvageable) return new HearthError('damaged', error.message);
    switch (error.kind) {
      case 'wrong-key':
      case 'wrong-passphrase':
      case 'keychain-changed': // reset, or its backend changed: the person must unlock another way
        return new HearthError('unauthorized', error.message);
      case 'locked':
        return new HearthError('locked', error.message);
      case 'no-vault':
      case 'not-found':
        return new HearthError('not-found', error.message);
      case 'vault-exists':
        return new HearthError('conflict', error.message);
      case 'invalid-argument':
        return new HearthError('invalid-arguments', error.message);
      default:
        return new HearthError('unavailable', error.message);
    }
  }
  if (isProtocolError(error)) {
    if (error.kind === 'untrusted-identity') return new HearthError('untrusted-identity', error.message);
    if (error.kind === 'stale-identity') return new HearthError('conflict', error.message);
    return new HearthError('internal', error.message);
  }
  if (isRelayError(error)) return new HearthError('unavailable', error.message);
  return HearthError.from(error);
}

/** True for a wrong passphrase or key: the CLI exits 2 on it. */
export function isWrongKey(error: unknown): boolean {
  // A journal sealed with another key than its snapshot is damage, not a wrong key: the one given opened the snapshot.
  if (isVaultError(error) && error.salvageable) return false;
  return isVaultError(error, 'wrong-passphrase') || isVaultError(error, 'wrong-key') || (error instanceof HearthError && error.kind === 'unauthorized');
}
