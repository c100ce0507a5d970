import path from 'node:path';

/** The files of one vault inside a profile folder (docs/vault-format.md, "Files"). */
export const fileNames = {
  keys: 'vault.keys.json',
  snapshot: 'vault.snapshot',
  journal: 'vault.journal',
  /** The journal that new commits go to while a compaction writes the next snapshot. */
  nextJournal: 'vault.journal.next',
  attachments: 'attachments',
} as const;

export type VaultFileName = (typeof fileNames)[keyof typeof fileNames];

export function vaultPath(dir: string, name: VaultFileName): string {
  return path.join(dir, name);
}

/** Where a file is written before the rename that makes it current. */
export function tempPath(dir: string, name: VaultFileName): string {
  return path.join(dir, `${name}.tmp`);
}
