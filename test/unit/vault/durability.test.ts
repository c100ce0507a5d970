import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault, messages, type VaultFs } from '../../../main/core/vault';
import { faultyFs, fingerprint, keyfileVault, message, quiet, seedConversation } from './helpers';

const count = (vault: Vault) => vault.read((db) => db.get('SELECT count(*) AS n FROM messages')?.n);
const bodies = (vault: Vault, c: string) => vault.read((db) => messages.messagePage(db, c, { limit: 1000 }).map((m) => m.body));

describe('vault durability', () => {
  it('makes a commit durable before it resolves, and replays the journal exactly on open', async () => {
    const { vault, dir, keyFile } = await keyfileVault();
    const c = await seedConversation(vault);
    const blob = new Uint8Array([0, 255, 1, 254, 7]);
    await vault.write((tx) => tx.run('INSERT INTO protocol_prekeys (id, record, created_at) VALUES (?, ?, ?)', [1, blob, -42]));
    for (let n = 1; n <= 20; n++) await vault.write((tx) => messages.insertMessage(tx, message(c, n, `n=${n} π≈${Math.PI * n}`)));
    // Abandon the vault without closing it (as a crash would): nothing is compacted, the journal holds it all.
    const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect(reopened.stats().replayedRecords).toBeGreaterThanOrEqual(21);
    expect(bodies(reopened, c)).toEqual(Array.from({ length: 20 }, (_, i) => `n=${i + 1} π≈${Math.PI * (i + 1)}`));
    expect(reopened.read((db) => db.get('SELECT record, created_at FROM protocol_prekeys'))).toEqual({ record: blob, created_at: -42 });
    await reopened.close();
    await vault.close();
  });

  it('shares one fsync among commits that arrive together (group commit)', async () => {
    const { vault } = await keyfileVault();
    const c = await seedConversation(vault);
    const before = vault.stats();
    await Promise.all(Array.from({ length: 50 }, (_, n) => vault.write((tx) => messages.insertMessage(tx, message(c, n, `batch ${n}`)))));
    const after = vault.stats();
    expect(after.journalRecords - before.journalRecords).toBe(50);
    expect(after.journalSyncs - before.journalSyncs).toBeLessThanOrEqual(2);
    await vault.close();
  });

  it('shares the next fsync among commits that arrive while a slow fsync is in flight', async () => {
    const slow: VaultFs = {
      ...fs,
      // A disk whose syncs take 30 ms: the journal moves them off the thread and batches what arrives meanwhile.
      fdatasyncSync: (fd: number) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
        fs.fdatasyncSync(fd);
      },
      fdatasync: ((fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void setTimeout(() => fs.fdatasync(fd, done), 30)) as unknown as typeof fs.fdatasync,
    };
    const { vault } = await keyfileVault({ fs: slow });
    const c = await seedConversation(vault);
    for (let n = 0; n < 3; n++) await vault.write((tx) => messages.insertMessage(tx, message(c, n, 'warm-up')));
    const before = vault.stats();
    const pending: Promise<unknown>[] = [];
    for (let n = 0; n < 40; n++) {
      pending.push(vault.write((tx) => messages.insertMessage(tx, message(c, 100 + n, `spread ${n}`))));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(pending);
    const after = vault.stats();
    expect(after.journalRecords - before.journalRecords).toBe(40);
    expect(after.journalSyncs - before.journalSyncs).toBeLessThan(20);
    await vault.close();
  });

  it('rolls back a transaction that throws, and refuses an async one', async () => {
    const { vault } = await keyfileVault();
    const c = await seedConversation(vault);
    await expect(
      vault.write((tx) => {
        messages.insertMessage(tx, message(c, 1, 'never'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(vault.write(async (tx) => messages.insertMessage(tx, message(c, 2, 'never')))).rejects.toMatchObject({ kind: 'invalid-argument' });
    expect(count(vault)).toBe(0);
    const records = vault.stats().journalRecords;
    await vault.write((tx) => messages.insertMessage(tx, message(c, 3, 'yes')));
    expect(vault.stats().journalRecords).toBe(records + 1);
    await vault.close();
  });

  it('fails a commit cleanly when the disk is full, and goes on working afterwards', async () => {
    const { io, faults } = faultyFs();
    const { vault, dir, keyFile } = await keyfileVault({ fs: io });
    const c = await seedConversation(vault);
    await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'before the disk filled up')));
    faults.diskFull = true;
    await expect(vault.write((tx) => messages.insertMessage(tx, message(c, 2, 'lost to a full disk')))).rejects.toMatchObject({ kind: 'disk-full' });
    // The database is consistent: the failed commit left nothing behind, reads and the same uid work.
    expect(bodies(vault, c)).toEqual(['before the disk filled up']);
    await expect(vault.compact()).rejects.toMatchObject({ kind: 'disk-full' });
    faults.diskFull = false;
    await vault.write((tx) => messages.insertMessage(tx, message(c, 2, 'after space was freed')));
    expect(bodies(vault, c)).toEqual(['before the disk filled up', 'after space was freed']);
    // Reopen from disk without closing: the journal holds exactly the commits that succeeded.
    const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect(bodies(reopened, c)).toEqual(['before the disk filled up', 'after space was freed']);
    await reopened.close();
    await vault.close();
  });

  it('drops a torn last record (never acknowledged) without touching files, and cuts it at the next write', async () => {
    const { vault, dir, keyFile } = await keyfileVault();
    const c = await seedConversation(vault);
    await vault.compact();
    for (let n = 1; n <= 3; n++) await vault.write((tx) => messages.insertMessage(tx, message(c, n, `m${n}`)));
    const journal = path.join(dir, 'vault.journal');
    const size = vault.stats().journalBytes;
    await vault.write((tx) => messages.insertMessage(tx, message(c, 4, 'torn')));
    // The vault is abandoned (a crash), and the file ends in the middle of the last record, as when a crash
    // cuts a write that made the file longer. (A record torn inside the file: journal.test.ts.)
    fs.truncateSync(journal, size + Math.floor((vault.stats().journalBytes - size) / 2));
    const before = fingerprint(dir);
    const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect(bodies(reopened, c)).toEqual(['m1', 'm2', 'm3']);
    expect(fingerprint(dir)).toEqual(before);
    await reopened.write((tx) => messages.insertMessage(tx, message(c, 5, 'm5')));
    const again = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect(bodies(again, c)).toEqual(['m1', 'm2', 'm3', 'm5']);
    await again.close();
    await reopened.close();
  });

  it('keeps commits made while a compaction runs', async () => {
    const { vault, dir, keyFile } = await keyfileVault();
    const c = await seedConversation(vault);
    await vault.write((tx) => {
      for (let n = 0; n < 2000; n++) messages.insertMessage(tx, message(c, n, `bulk ${n} with some text to make the snapshot bigger`));
    });
    const generation = vault.stats().generation;
    const compaction = vault.compact();
    const during = Array.from({ length: 20 }, (_, n) => vault.write((tx) => messages.insertMessage(tx, message(c, 5000 + n, `during ${n}`))));
    await Promise.all([compaction, ...during]);
    expect(vault.stats().generation).toBe(generation + 1);
    const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect(count(reopened)).toBe(2020);
    await reopened.close();
    await vault.close();
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['vault.journal', 'vault.keys.json', 'vault.snapshot']);
  });

  for (const [stage, failRenameOf] of [
    ['before the new snapshot is in place', 'vault.snapshot.tmp'],
    ['after the new snapshot, before the journal switch', 'vault.journal.next'],
  ] as const) {
    it(`recovers a compaction interrupted ${stage}`, async () => {
      const { io, faults } = faultyFs();
      const { vault, dir, keyFile } = await keyfileVault({ fs: io });
      const c = await seedConversation(vault);
      for (let n = 1; n <= 5; n++) await vault.write((tx) => messages.insertMessage(tx, message(c, n, `old ${n}`)));
      faults.failRenameOf = failRenameOf;
      await expect(vault.compact()).rejects.toThrow();
      expect(fs.existsSync(path.join(dir, 'vault.journal.next'))).toBe(true);
      for (let n = 6; n <= 8; n++) await vault.write((tx) => messages.insertMessage(tx, message(c, n, `new ${n}`)));
      // The process dies here. The next open must see every commit, from both journals.
      faults.dead = true;
      const expected = ['old 1', 'old 2', 'old 3', 'old 4', 'old 5', 'new 6', 'new 7', 'new 8'];
      const before = fingerprint(dir);
      const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
      expect(bodies(reopened, c)).toEqual(expected);
      expect(fingerprint(dir)).toEqual(before);
      // Its first write finishes the interrupted compaction.
      await reopened.write((tx) => messages.insertMessage(tx, message(c, 9, 'after')));
      await reopened.compact();
      expect(fs.existsSync(path.join(dir, 'vault.journal.next'))).toBe(false);
      const again = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
      expect(bodies(again, c)).toEqual([...expected, 'after']);
      await again.close();
      await reopened.close();
    });
  }
});
