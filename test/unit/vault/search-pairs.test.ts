import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vault, expiry, messages, messaging, search, type SqlReader } from '../../../main/core/vault';
import { searchPairs, searchPairsBothWays } from '../../../main/core/vault/queries/search-pairs';
import { message, newKeyFile, quiet, seedConversation, tempDir, keyfileVault } from './helpers';

/**
 * Phrases holding a common word are asked of the index as word pairs
 * (schema 010). Whatever the index is asked, a search must find exactly the
 * messages FTS4's own phrase matching finds, through inserts, edits,
 * attachment names and removals, and a removed message's pairs must leave
 * the index with it.
 */

/** Every message FTS4's own phrase query matches, newest first: the reference a pair search must equal. */
const byPhraseQuery = (db: SqlReader, query: string): number[] =>
  db.all('SELECT docid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY docid DESC', [search.toFtsQuery(query)]).map((row) => Number(row.docid));

const bySearch = (db: SqlReader, query: string, limit: number): number[] => search.searchMessages(db, query, { limit }).map((hit) => hit.messageId);

const pairCount = (db: SqlReader, token: string): number => Number(db.get(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?`, [`search_pairs:${token}`])?.n);

/** FTS4 rebuilds each message's entries from the messages_search view and compares: a pair added but not removed fails it. */
const integrityCheck = (vault: Vault) => vault.write((tx) => tx.run(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`));

/** A vault created at an older schema, with a conversation; reopened later at the current one. */
async function vaultAtSchema(schemaVersion: number) {
  const dir = path.join(tempDir(), 'profile');
  const unlock = { kind: 'keyfile', path: newKeyFile() } as const;
  const { vault } = await Vault.create(dir, unlock, { ...quiet, schemaVersion });
  return { dir, unlock, old: vault, c: await seedConversation(vault) };
}

const WORDS = ['the', 'The', 'THE', 'way', 'Way', 'of', 'to', 'be', 'or', 'not', 'a', 'it', 'long', 'time', 'café', 'cafe', 'Élan', 'zz22way', 'zy17way', 'x_the', 'way2'];
const SEPARATORS = [' ', ' ', ' ', ', ', '-', "'", '\n', '. '];

describe('search by word pairs', () => {
  it('turns a phrase with a common word into pair tokens, exact for one pair and checked otherwise', () => {
    expect(search.toIndexQuery('"the way"')).toEqual({ match: 'search_pairs:zz22way', check: null });
    expect(search.toIndexQuery('"long time" water')).toEqual({ match: '"long time" "water"', check: null });
    const longer = search.toIndexQuery('"out of the way" home');
    expect(longer?.match).toBe('search_pairs:zy17out search_pairs:zz17the search_pairs:zz22way "home"');
    expect(longer?.check).toEqual([['out', 'of', 'the', 'way'], ['home']]);
    // Typed text cannot reach FTS syntax through the pairs either: tokens are letters and digits.
    expect(search.toIndexQuery('"the NEAR(*) OR"')?.match).toBe('search_pairs:zz22near search_pairs:zy19near');
    // A phrase ending in a common word is one pair too.
    expect(search.toIndexQuery('"way of"')).toEqual({ match: 'search_pairs:zy17way', check: null });
    // A typed word shaped like a pair token could match one, so such hits are checked.
    expect(search.toIndexQuery('zz22way')?.check).toEqual([['zz22way']]);
    expect(search.toIndexQuery('zy17way')?.check).toEqual([['zy17way']]);
    // Version 1 (schema 010) stays as it was; version 2 (schema 013) adds the pairs that end in a common word.
    expect(searchPairs('Go THE, way: x_the way2', "l'Été of Zürich.pdf")).toBe('zz22way zz22way2 zz17zurich');
    expect(searchPairsBothWays('Go THE, way: x_the way2', "l'Été of Zürich.pdf")).toBe('zy22go zz22way zy22x zz22way2 zy17ete zz17zurich');
    expect(searchPairs('plain words here only', null)).toBeNull();
  });

  it('finds what a plain phrase query finds, through edits, attachment names and removals', async () => {
    const { vault } = await keyfileVault(quiet);
    const c = await seedConversation(vault);
    const text = fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { minLength: 1, maxLength: 12 }).map((parts) => parts.map(([w, s]) => w + s).join(''));
    const bodies = fc.sample(text, { numRuns: 400, seed: 7 });
    const ids = await vault.write((tx) => bodies.map((body, n) => messages.insertMessage(tx, message(c, n, body))));
    const names = fc.sample(text, { numRuns: 60, seed: 8 });
    const edits = fc.sample(text, { numRuns: 60, seed: 9 });
    await vault.write((tx) => {
      // Through the same triggers as linked attachments and edits.
      names.forEach((name, i) => tx.run('UPDATE messages SET attachment_names = ? WHERE id = ?', [`${name}.jpg`, ids[i * 5] as number]));
      edits.forEach((body, i) => tx.run('UPDATE messages SET body = ? WHERE id = ?', [body, ids[i * 3 + 1] as number]));
      tx.run('UPDATE messages SET body = NULL, attachment_names = NULL WHERE id = ?', [ids[10] as number]);
    });
    await vault.write((tx) => expiry.deleteMessages(tx, ids.filter((_, i) => i % 7 === 2)));
    await integrityCheck(vault);

    const phrase = fc.array(fc.constantFrom('the', 'way', 'of', 'to', 'be', 'or', 'not', 'a', 'long', 'time', 'cafe', 'elan', 'zz22way', 'zy17way', 'way2'), { minLength: 2, maxLength: 4 }).map((w) => `"${w.join(' ')}"`);
    const queries = [...fc.sample(phrase, { numRuns: 150, seed: 10 }), '"the way" long', '"to be or not to be"', '"the way" "of the"'];
    let nonEmpty = 0;
    vault.read((db) => {
      for (const q of queries) {
        const expected = byPhraseQuery(db, q);
        if (expected.length > 0) nonEmpty++;
        expect(bySearch(db, q, 10_000), q).toEqual(expected);
        // A small limit makes a checked search fetch more candidates than one batch.
        expect(bySearch(db, q, 3), q).toEqual(expected.slice(0, 3));
      }
    });
    expect(nonEmpty).toBeGreaterThan(50);
    await vault.close();
  });

  it('removes a message’s pairs from the index with it', async () => {
    const { vault } = await keyfileVault(quiet);
    const c = await seedConversation(vault);
    const id = await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'Meet me by the Ocelotpangolin at six')));
    await vault.write((tx) => void messages.insertMessage(tx, message(c, 2, 'nothing in common')));
    expect(vault.read((db) => pairCount(db, 'zz22ocelotpangolin'))).toBe(1);
    expect(vault.read((db) => bySearch(db, '"the ocelotpangolin"', 50))).toEqual([id]);
    await vault.write((tx) => void messaging.editMessage(tx, id, 'Meet me by the Ocelotpangolin at six', 'Meet me at the gate', 1, 2));
    expect(vault.read((db) => pairCount(db, 'zz22ocelotpangolin'))).toBe(0);
    expect(vault.read((db) => bySearch(db, '"the gate"', 50))).toEqual([id]);
    await vault.write((tx) => expiry.deleteMessages(tx, [id]));
    expect(vault.read((db) => pairCount(db, 'zz22gate'))).toBe(0);
    await integrityCheck(vault);
    await vault.close();
  });

  it('indexes the pairs of the messages a vault held before schema 10', async () => {
    const { dir, unlock, old, c } = await vaultAtSchema(9);
    await old.write((tx) => {
      for (let n = 1; n <= 40; n++) messages.insertMessage(tx, message(c, n, n % 4 === 0 ? `on the way number ${n}` : `plain ${n} of them`));
    });
    const expected = old.read((db) => byPhraseQuery(db, '"the way"'));
    expect(expected).toHaveLength(10);
    await old.close();

    const current = await Vault.open(dir, unlock, quiet);
    expect(current.read((db) => pairCount(db, 'zz22way'))).toBe(10);
    expect(current.read((db) => bySearch(db, '"the way"', 50))).toEqual(expected);
    expect(current.read((db) => bySearch(db, '"plain 8 of them"', 50))).toEqual([]);
    expect(current.read((db) => bySearch(db, '"9 of them"', 50))).toHaveLength(1);
    // Pairs ending in a common word too (schema 013): "9 of" is one pair.
    expect(current.read((db) => pairCount(db, 'zy179'))).toBe(1);
    expect(current.read((db) => bySearch(db, '"number 8"', 50))).toHaveLength(1);
    await integrityCheck(current);
    await current.close();
  });

  it('indexes new messages at commit, as they stand then, and again under an id SQLite hands out twice', async () => {
    const { vault } = await keyfileVault(quiet);
    const c = await seedConversation(vault);
    const ids = await vault.write((tx) => {
      const made = [1, 2, 3, 4].map((n) => messages.insertMessage(tx, message(c, n, `first draft of the wombat ${n}`)));
      // Edited, tombstoned and deleted before the commit indexes them.
      tx.run('UPDATE messages SET body = ?, attachment_names = ? WHERE id = ?', ['the final wombat', 'of the report.pdf', made[0] as number]);
      tx.run('UPDATE messages SET body = NULL WHERE id = ?', [made[1] as number]);
      void expiry.deleteMessages(tx, [made[2] as number]);
      return made;
    });
    vault.read((db) => {
      expect(bySearch(db, 'wombat', 50)).toEqual([ids[3], ids[0]]);
      expect(bySearch(db, '"the report"', 50)).toEqual([ids[0]]);
      expect(bySearch(db, 'draft', 50)).toEqual([ids[3]]);
    });
    await integrityCheck(vault);
    // The newest message goes; SQLite may hand out ids again.
    await vault.write((tx) => expiry.deleteMessages(tx, [ids[3] as number]));
    const next = await vault.write((tx) => messages.insertMessage(tx, message(c, 5, 'the okapi arrives')));
    // SQLite gives the next message the newest id + 1, below the mark the index had reached: it must be indexed still.
    expect(next).toBe(ids[2]);
    vault.read((db) => {
      expect(bySearch(db, '"the okapi"', 50)).toEqual([next]);
      expect(bySearch(db, 'draft', 50)).toEqual([]);
    });
    await integrityCheck(vault);
    // Messages received in a batch (several rows per statement) too.
    await vault.write((tx) => messaging.insertIncoming(tx, [5, 6, 7].map((n) => ({ uid: `in${n}`, conversationId: c, authorId: 'alice', body: `on the way ${n}`, sentAt: n, receivedAt: n }))));
    expect(vault.read((db) => bySearch(db, '"the way"', 50))).toHaveLength(3);
    await integrityCheck(vault);
    await vault.close();
  });

  it('replays a journal written under the first pairs (schema 012), then builds the index anew with pairs both ways', async () => {
    const { dir, unlock, old, c } = await vaultAtSchema(12);
    await old.write((tx) => {
      for (let n = 1; n <= 20; n++) messages.insertMessage(tx, message(c, n, `going to the shop ${n}`));
    });
    await old.write((tx) => void messaging.editMessage(tx, 3, 'going to the shop 2', 'going to the market', 1, 2));
    // No compaction: these commits stay in the journal, and replaying them fires schema 012's triggers.
    await old.close({ compact: false });

    const current = await Vault.open(dir, unlock, quiet);
    expect(current.read((db) => pairCount(db, 'zy29going'))).toBe(20);
    expect(current.read((db) => bySearch(db, '"going to"', 50))).toHaveLength(20);
    expect(current.read((db) => bySearch(db, '"the market"', 50))).toEqual([3]);
    await integrityCheck(current);
    await current.close();
  });
});
