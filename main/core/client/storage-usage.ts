import fs from 'node:fs';
import path from 'node:path';
import type { StorageUsage } from '../../../shared/api';

/** Bytes on disk under `dir`, following no symlinks; a file that vanishes while we look counts as 0. */
function folderBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) {
      try {
        total += fs.statSync(full).size;
      } catch {
        // gone meanwhile
      }
    }
  }
  return total;
}

/** What the profile folder holds: the encrypted database (snapshot and journals), attachments, everything. */
export function storageUsage(dir: string, messageCount: number): StorageUsage {
  const databaseBytes = fs
    .readdirSync(dir)
    .filter((name) => name.startsWith('vault.snapshot') || name.startsWith('vault.journal'))
    .reduce((sum, name) => sum + (fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.size ?? 0), 0);
  return { totalBytes: folderBytes(dir), databaseBytes, attachmentBytes: folderBytes(path.join(dir, 'attachments')), messageCount };
}
