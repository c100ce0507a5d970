import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expiry, messages, search, type Vault } from '../../../main/core/vault';
import { deriveSubkey } from '../../../main/core/vault/crypto';
import { nodeFs } from '../../../main/core/vault/file-io';
import { readJournalHeader, replayJournal } from '../../../main/core/vault/journal';
import { keyIdText, readKeyHeader, unlockKeys, vaultIdOf } from '../../../main/core/vault/key-header';
import { fileNames } from '../../../main/core/vault/layout';
import { loadSnapshot, readSnapshotHeader } from '../../../main/core/vault/snapshot';
import { keyfileVault, message, seedConversation } from './helpers';

/**
 * Removing messages (expiry, delete for me): the rows and what hangs off them
 * go in one commit, and after purgeRemoved neither the decrypted snapshot nor
 * the journal holds the removed text, nor its words in the search index.
 */

/** The decrypted snapshot image and every journal record's statements, as the key holder could read them. */
async function plaintextOnDisk(dir: string, keyFile: string): Promise<{ snapshot: Buffer; journal: string }> {
  const header = readKeyHeader(nodeFs, path.join(dir, fileNames.keys));
  const keys = await unlockKeys(header, { kind: 'keyfile', path: keyFile }, nodeFs);
  const vaultId = vaultIdOf(header);
  const snapshotFile = path.join(dir, fileNames.snapshot);
  const key = keys.get(keyIdText(readSnapshotHeader(nodeFs, snapshotFile).keyId));
  if (!key) throw new Error('no key for the snapshot');
  const { image } = loadSnapshot(nodeFs, snapshotFile, deriveSubkey(key, vaultId, 'snapshot'));
  const records: string[] = [];
  for (const name of [fileNames.journal, fileNames.nextJournal]) {
    const file = path.join(dir, name);
    const journalHeader = readJournalHeader(nodeFs, file);
    if (!journalHeader) continue;
    replayJournal(nodeFs, file, journalHeader, deriveSubkey(key, vaultId, 'journal'), (statements) => records.push(JSON.stringify(statements.map((s) => s.params.map((p) => (typeof p === 'string' ? p : null))))));
  }
  return { snapshot: Buffer.from(image), journal: records.join('\n') };
}

async function seeded(): Promise<{ vault: Vault; dir: string; keyFile: string; gone: number; kept: string }> {
  const { vault, dir, keyFile } = await keyfileVault();
  const c = await seedConversation(vault);
  let gone = 0;
  await vault.write((tx) => {
    for (let n = 1; n <= 300; n++) messages.insertMessage(tx, message(c, n, `an ordinary message number ${n}`));
    gone = messages.insertMessage(tx, message(c, 301, 'the zebraquokka recipe is secret'));
    messages.setReaction(tx, gone, 'alice', '👍', 1);
  });
  // The message is in the snapshot and the index, as it would be after days in the vault.
  await vault.compact();
  return { vault, dir, keyFile, gone, kept: `${c}#1` };
}

describe('message removal in the vault', () => {
  it('deletes the rows, reactions and search entry in one commit, and reports which messages went', async () => {
    const { vault, gone } = await seeded();
    expect(vault.read((db) => search.searchMessages(db, 'zebraquokka'))).toHaveLength(1);
    const result = await vault.write((tx) => expiry.deleteMessages(tx, [gone]));
    expect(result.removed).toEqual([{ uid: 'direct:alice#301', conversationId: 'direct:alice', unread: false }]);
    expect(vault.read((db) => search.searchMessages(db, 'zebraquokka'))).toEqual([]);
    expect(vault.read((db) => db.get('SELECT count(*) AS n FROM reactions')?.n)).toBe(0);
    expect(vault.read((db) => search.searchMessages(db, 'ordinary'))).toHaveLength(50);
    await vault.close();
  });

  it('after purgeRemoved, neither the snapshot nor the journal holds the removed text or its words', async () => {
    const { vault, dir, keyFile, gone } = await seeded();
    // A second one arrives after the last compaction: its INSERT is only in the journal.
    const recent = await vault.write((tx) => messages.insertMessage(tx, message('direct:alice', 302, 'meet by the ocelotpangolin statue')));
    await vault.write((tx) => expiry.deleteMessages(tx, [gone, recent]));
    // Until the purge, the snapshot still has the first one and the sealed journal the second.
    const before = await plaintextOnDisk(dir, keyFile);
    expect(before.snapshot.includes('zebraquokka')).toBe(true);
    expect(before.journal.includes('ocelotpangolin')).toBe(true);

    await vault.purgeRemoved();
    expect(vault.stats().journalRecords).toBe(0);
    const after = await plaintextOnDisk(dir, keyFile);
    expect(after.snapshot.includes('zebraquokka')).toBe(false);
    expect(after.snapshot.includes('recipe is secret')).toBe(false);
    expect(after.journal.includes('ocelotpangolin')).toBe(false);
    expect(after.snapshot.includes('ocelotpangolin')).toBe(false);
    // Everything else is still there and searchable.
    expect(after.snapshot.includes('an ordinary message number 7')).toBe(true);
    expect(vault.read((db) => search.searchMessages(db, 'ordinary'))).toHaveLength(50);
    await vault.close();
  });

  it('an ordinary compaction alone would leave the removed words in the search index', async () => {
    const { vault, dir, keyFile, gone } = await seeded();
    await vault.write((tx) => expiry.deleteMessages(tx, [gone]));
    await vault.compact();
    const after = await plaintextOnDisk(dir, keyFile);
    // secure_delete zeroed the row itself; FTS4's older segment still lists the word.
    expect(after.snapshot.includes('recipe is secret')).toBe(false);
    expect(after.snapshot.includes('zebraquokka')).toBe(true);
    await vault.close();
  });
});
