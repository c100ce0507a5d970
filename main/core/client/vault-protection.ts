import { HearthError } from '../../../shared/api';
import { nodeFs } from '../vault/file-io';
import { readKeyHeader, unlockKeys } from '../vault/key-header';
import { fileNames, vaultPath } from '../vault/layout';
import { Vault } from '../vault';

export type ProtectionKindNow = 'keychain' | 'passphrase' | 'keyfile';

/** How the vault in `dir` is protected now (its primary key slot; a raw key file needs none). Readable while locked. */
export function protectionOf(dir: string): ProtectionKindNow | null {
  if (!Vault.exists(dir)) return null;
  const header = readKeyHeader(nodeFs, vaultPath(dir, fileNames.keys));
  const primary = header.keys[0]?.slots.find((slot) => slot.type !== 'recovery');
  return primary?.type === 'passphrase' || primary?.type === 'keychain' ? primary.type : 'keyfile';
}

/** Checks a passphrase against the vault's passphrase slot (one KDF run); 'unauthorized' when wrong. */
export async function checkPassphrase(dir: string, passphrase: string | undefined): Promise<void> {
  if (!passphrase) throw new HearthError('unauthorized', 'Enter the current passphrase.');
  const keys = await unlockKeys(readKeyHeader(nodeFs, vaultPath(dir, fileNames.keys)), { kind: 'passphrase', passphrase }, nodeFs);
  for (const key of keys.values()) key.fill(0);
}
