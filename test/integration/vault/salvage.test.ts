import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault, VaultError, messages, type VaultErrorKind } from '../../../main/core/vault';
import { crc32 } from 'node:zlib';
import { FAST_KDF, faultyFs, fingerprint, keyfileVault, message, newKeyFile, quiet, seedConversation, tempDir } from '../../unit/vault/helpers';

/**
 * Salvage: a vault whose journal is damaged, missing or from another
 * generation opens with the snapshot and the journal's intact records, the
 * unreadable journal set aside; anything else is refused as open refuses it.
 */

const COMMITS = 12;

/** A vault whose last COMMITS commits (one message each) live only in the journal; closed without compacting. */
async function journaledVault(): Promise<{ dir: string; keyFile: string; recordEnds: number[]; generation: number }> {
  const { vault, dir, keyFile } = await keyfileVault();
  const c = await seedConversation(vault);
  await vault.compact();
  const recordEnds = [vault.stats().journalBytes];
  for (let n = 0; n < COMMITS; n++) {
    await vault.write((tx) => messages.insertMessage(tx, message(c, n, `journaled message ${n}`)));
    recordEnds.push(vault.stats().journalBytes);
  }
  const { generation } = vault.stats();
  await vault.close({ compact: false });
  return { dir, keyFile, recordEnds, generation };
}

const bodies = (vault: Vault): string[] => vault.read((db) => db.all('SELECT body FROM messages ORDER BY sent_at').map((r) => r.body as string));
const expected = (count: number) => Array.from({ length: count }, (_, n) => `journaled message ${n}`);

async function refusal(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

function flipInRecord(dir: string, recordEnds: number[], record: number): Buffer {
  const file = path.join(dir, 'vault.journal');
  const bytes = fs.readFileSync(file);
  const middle = Math.floor(((recordEnds[record - 1] as number) + (recordEnds[record] as number)) / 2);
  bytes[middle] = (bytes[middle] as number) ^ 0x40;
  fs.writeFileSync(file, bytes);
  return bytes;
}

describe('salvaging a vault whose journal cannot be read', () => {
  it('keeps the snapshot and every record before a damaged one, sets the journal aside, and opens normally afterwards', async () => {
    const { dir, keyFile, recordEnds, generation } = await journaledVault();
    const damaged = flipInRecord(dir, recordEnds, 7);
    const unlock = { kind: 'keyfile', path: keyFile } as const;

    const before = fingerprint(dir);
    const plain = await refusal(Vault.open(dir, unlock, quiet));
    expect(plain.kind).toBe('corrupt-journal');
    expect(plain.salvageable).toBe(true);
    expect(fingerprint(dir)).toEqual(before);

    const { vault, report } = await Vault.salvage(dir, unlock, quiet);
    expect(report).not.toBeNull();
    expect(report?.keptCommits).toBe(6);
    expect(report?.reason).toMatch(/record 7/);
    expect(report?.setAside).toEqual([`vault.journal.damaged-${generation + 1}`]);
    expect(fs.readFileSync(path.join(dir, report?.setAside[0] as string)).equals(damaged)).toBe(true);
    expect(bodies(vault)).toEqual(expected(6));
    expect(vault.stats().generation).toBe(generation + 1);

    // The salvaged state is the vault's state now: new commits land and everything survives a plain open.
    const c = vault.read((db) => db.get('SELECT id FROM conversations')?.id as string);
    await vault.write((tx) => messages.insertMessage(tx, message(c, 6, 'journaled message 6')));
    await vault.close({ compact: false });
    const reopened = await Vault.open(dir, unlock, quiet);
    expect(bodies(reopened)).toEqual(expected(7));
    await reopened.close();
    expect(fs.existsSync(path.join(dir, report?.setAside[0] as string))).toBe(true);
  });

  it('opens a vault whose journal is missing or from an older generation with its snapshot alone', async () => {
    const { dir, keyFile } = await journaledVault();
    const unlock = { kind: 'keyfile', path: keyFile } as const;
    const journal = fs.readFileSync(path.join(dir, 'vault.journal'));

    // An older journal put back: commits made since its generation are in the snapshot, its records are not.
    const vault = await Vault.open(dir, unlock, quiet);
    await vault.compact();
    await vault.close({ compact: false });
    fs.writeFileSync(path.join(dir, 'vault.journal'), journal);
    expect((await refusal(Vault.open(dir, unlock, quiet))).kind).toBe('journal-generation-mismatch');
    const salvaged = await Vault.salvage(dir, unlock, quiet);
    expect(salvaged.report?.keptCommits).toBe(0);
    expect(bodies(salvaged.vault)).toEqual(expected(COMMITS));
    await salvaged.vault.close({ compact: false });

    fs.rmSync(path.join(dir, 'vault.journal'));
    expect((await refusal(Vault.open(dir, unlock, quiet))).kind).toBe('missing-file');
    const again = await Vault.salvage(dir, unlock, quiet);
    expect(again.report).toMatchObject({ keptCommits: 0, setAside: [] });
    expect(bodies(again.vault)).toEqual(expected(COMMITS));
    await again.vault.close();
  });

  it('opens an undamaged vault as open does, reporting nothing and changing no file', async () => {
    const { dir, keyFile } = await journaledVault();
    const before = fingerprint(dir);
    const { vault, report } = await Vault.salvage(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect(report).toBeNull();
    expect(bodies(vault)).toEqual(expected(COMMITS));
    await vault.close({ compact: false });
    expect(fingerprint(dir)).toEqual(before);
  });

  it('refuses what it cannot get past (a wrong key, a damaged snapshot) and changes nothing', async () => {
    const { dir, keyFile, recordEnds } = await journaledVault();
    flipInRecord(dir, recordEnds, 3);
    const cases: Array<[VaultErrorKind, () => void, string]> = [
      ['wrong-key', () => undefined, newKeyFile()],
      [
        'corrupt-snapshot',
        () => {
          const file = path.join(dir, 'vault.snapshot');
          const bytes = fs.readFileSync(file);
          bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 1;
          fs.writeFileSync(file, bytes);
        },
        keyFile,
      ],
    ];
    for (const [kind, damage, key] of cases) {
      damage();
      const before = fingerprint(dir);
      const error = await refusal(Vault.salvage(dir, { kind: 'keyfile', path: key }, quiet));
      expect(error.kind).toBe(kind);
      expect(error.salvageable).toBe(false);
      expect(fingerprint(dir)).toEqual(before);
    }
  });

  it('refuses, changing nothing, what a newer Hearth wrote: a journal in a later format, a database at a later schema', async () => {
    const { dir, keyFile } = await journaledVault();
    const unlock = { kind: 'keyfile', path: keyFile } as const;
    const journal = path.join(dir, 'vault.journal');
    const original = fs.readFileSync(journal);
    const later = Buffer.from(original);
    later.writeUInt16LE(3, 8);
    later.writeUInt32LE(crc32(later.subarray(0, 96)), 96);
    fs.writeFileSync(journal, later);
    for (const attempt of [Vault.open(dir, unlock, quiet), Vault.salvage(dir, unlock, quiet)]) {
      const before = fingerprint(dir);
      const error = await refusal(attempt);
      expect(error).toMatchObject({ kind: 'newer-format', salvageable: false });
      expect(fingerprint(dir)).toEqual(before);
    }

    // A newer Hearth migrated (journaled like any commit), then the journal was damaged after it.
    fs.writeFileSync(journal, original);
    const vault = await Vault.open(dir, unlock, quiet);
    await vault.write((tx) => tx.run('PRAGMA user_version = 999'));
    const migrated = vault.stats().journalBytes;
    const c = vault.read((db) => db.get('SELECT id FROM conversations')?.id as string);
    await vault.write((tx) => messages.insertMessage(tx, message(c, COMMITS, 'written by the newer Hearth')));
    const end = vault.stats().journalBytes;
    await vault.close({ compact: false });
    flipInRecord(dir, [migrated, end], 1);
    const before = fingerprint(dir);
    expect(await refusal(Vault.salvage(dir, unlock, quiet))).toMatchObject({ kind: 'newer-schema', salvageable: false });
    expect(fingerprint(dir)).toEqual(before);
  });

  it('finishes a full rekey that a crash interrupted, so the new passphrase keeps working', async () => {
    const { io, faults } = faultyFs();
    const dir = path.join(tempDir(), 'profile');
    const { vault } = await Vault.create(dir, { kind: 'passphrase', passphrase: 'before', kdf: FAST_KDF }, { ...quiet, fs: io });
    const c = await seedConversation(vault);
    await vault.write((tx) => messages.insertMessage(tx, message(c, 0, 'journaled message 0')));
    await vault.compact();
    faults.failRenameOf = 'vault.snapshot.tmp';
    await expect(vault.rekey({ kind: 'passphrase', passphrase: 'after', kdf: FAST_KDF })).rejects.toThrow();
    faults.dead = true;
    // The old journal is damaged: plain open fails, salvage with the new passphrase opens.
    const journal = path.join(dir, 'vault.journal');
    const bytes = fs.readFileSync(journal);
    bytes[30] = (bytes[30] as number) ^ 1;
    fs.writeFileSync(journal, bytes);
    const after = { kind: 'passphrase', passphrase: 'after' } as const;
    expect((await refusal(Vault.open(dir, after, quiet))).salvageable).toBe(true);
    const salvaged = await Vault.salvage(dir, after, quiet);
    expect(bodies(salvaged.vault)).toEqual(expected(1));
    await salvaged.vault.close();
    const header = JSON.parse(fs.readFileSync(path.join(dir, 'vault.keys.json'), 'utf8')) as { keys: unknown[]; rekey?: unknown };
    expect(header.keys).toHaveLength(1);
    expect(header.rekey).toBeUndefined();
    expect((await refusal(Vault.open(dir, { kind: 'passphrase', passphrase: 'before' }, quiet))).kind).toBe('wrong-passphrase');
    const reopened = await Vault.open(dir, after, quiet);
    expect(bodies(reopened)).toEqual(expected(1));
    await reopened.close();
  });

  it('keeps attachment files that only lost records referred to, aside instead of swept away', async () => {
    const { vault, dir, keyFile } = await keyfileVault();
    const c = await seedConversation(vault);
    await vault.compact();
    const kept = await vault.attachments.put([Buffer.from('kept file')], { contentType: 'text/plain', createdAt: 1 });
    await vault.write((tx) => messages.insertMessage(tx, message(c, 0, 'journaled message 0', { attachmentIds: [kept.id] })));
    const middle = vault.stats().journalBytes;
    const lost = await vault.attachments.put([Buffer.from('lost file')], { contentType: 'text/plain', createdAt: 2 });
    const afterPut = vault.stats().journalBytes;
    await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'journaled message 1', { attachmentIds: [lost.id] })));
    await vault.close({ compact: false });
    flipInRecord(dir, [middle, afterPut], 1);

    const { vault: salvaged, report } = await Vault.salvage(dir, { kind: 'keyfile', path: keyFile }, quiet);
    expect(bodies(salvaged)).toEqual(expected(1));
    const aside = report?.setAside.find((name) => name.startsWith('attachments.damaged-')) as string;
    expect(fs.readdirSync(path.join(dir, aside))).toEqual([lost.id]);
    expect(fs.readdirSync(path.join(dir, 'attachments'))).toEqual([kept.id]);
    await salvaged.close();
  });

  it('gives the same result when a crash stops it half-way and it runs again', async () => {
    const { dir, keyFile, recordEnds } = await journaledVault();
    flipInRecord(dir, recordEnds, 5);
    const unlock = { kind: 'keyfile', path: keyFile } as const;
    const { io, faults } = faultyFs();
    // The new snapshot is in place; setting the damaged journal aside fails, as a crash there would leave it.
    faults.failRenameOf = 'vault.journal';
    expect((await refusal(Vault.salvage(dir, unlock, { ...quiet, fs: io }))).kind).toBe('io-error');
    expect((await refusal(Vault.open(dir, unlock, quiet))).salvageable).toBe(true);
    const { vault, report } = await Vault.salvage(dir, unlock, quiet);
    expect(report?.keptCommits).toBe(0);
    expect(bodies(vault)).toEqual(expected(4));
    await vault.close();
    const reopened = await Vault.open(dir, unlock, quiet);
    expect(bodies(reopened)).toEqual(expected(4));
    await reopened.close();
  });
});
