import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalSync } from '../../../relay/store/sqlite/wal-sync';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('WalSync', () => {
  it('has nothing to do for a database in memory', async () => {
    const wal = new WalSync(undefined);
    await wal.sync();
    expect(wal.count).toBe(0);
  });

  it('answers every caller after an fsync that began after its call, sharing one fsync among callers who wait together', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-wal-'));
    const file = path.join(dir, 'relay.sqlite-wal');
    await writeFile(file, 'frames');
    const wal = new WalSync(file);
    // The first call starts an fsync; the next three arrive while it runs and share the following one.
    await Promise.all([wal.sync(), wal.sync(), wal.sync(), wal.sync()]);
    expect(wal.count).toBe(2);
    await wal.sync();
    expect(wal.count).toBe(3);
  });

  it('treats a missing log as nothing to sync', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-wal-'));
    await new WalSync(path.join(dir, 'absent-wal')).sync();
  });
});
