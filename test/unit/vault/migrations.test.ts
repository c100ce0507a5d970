import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Vault, conversations, messages, search } from '../../../main/core/vault';
import { migrations } from '../../../main/core/vault/schema';
import { fingerprint, message, newKeyFile, quiet, seedConversation, tempDir } from './helpers';

describe('schema migrations', () => {
  it('brings a seeded database from the first schema to the current one', async () => {
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    const dir = path.join(tempDir(), 'profile');
    const unlock = { kind: 'keyfile', path: newKeyFile() } as const;
    const { vault: v1 } = await Vault.create(dir, unlock, { ...quiet, schemaVersion: 1 });
    expect(v1.stats().schemaVersion).toBe(1);
    expect(v1.read((db) => db.get("SELECT count(*) AS n FROM sqlite_master WHERE name = 'messages_fts'")?.n)).toBe(0);
    const c = await seedConversation(v1);
    const file = await v1.attachments.put([Buffer.from('slides')], { contentType: 'application/pdf', fileName: 'Kickoff-Präsentation.pdf', createdAt: 1 });
    // Schema 1 has no attachment_names column, so link the attachment by hand, as version 1 did.
    await v1.write((tx) => {
      for (let n = 1; n <= 30; n++) tx.run(
        `INSERT INTO messages (uid, conversation_id, author_id, direction, body, status, sent_at, received_at) VALUES (?, ?, NULL, 'outgoing', ?, 'sent', ?, ?)`,
        [`${c}#${n}`, c, n === 7 ? "L'Été à Zürich" : `plain message ${n}`, n, n],
      );
      const id = tx.get('SELECT id FROM messages WHERE uid = ?', [`${c}#30`])?.id as number;
      tx.run('INSERT INTO message_attachments (message_id, attachment_id, position) VALUES (?, ?, 0)', [id, file.id]);
      const reacted = tx.get('SELECT id FROM messages WHERE uid = ?', [`${c}#12`])?.id as number;
      tx.run(`INSERT INTO reactions (message_id, reactor_id, emoji, reacted_at) VALUES (?, 'alice', '👍', 1)`, [reacted]);
    });
    await v1.close();

    const current = await Vault.open(dir, unlock, quiet);
    expect(current.stats().schemaVersion).toBe(SCHEMA_VERSION);
    const find = (q: string) => current.read((db) => search.searchMessages(db, q)).map((h) => h.uid);
    expect(find('ete zurich')).toEqual([`${c}#7`]);
    expect(find('prasentation')).toEqual([`${c}#30`]);
    const page = current.read((db) => messages.messagePage(db, c, { limit: 100 }));
    expect(page.length).toBe(30);
    // Schema 014 set the flags of messages that already had reactions or attachments, so the page fetches them.
    expect(page.filter((m) => m.reactions.length > 0).map((m) => m.uid)).toEqual([`${c}#12`]);
    expect(page.filter((m) => m.attachments.length > 0).map((m) => m.uid)).toEqual([`${c}#30`]);
    expect(current.read((db) => conversations.listConversations(db))[0]?.lastMessage?.body).toBe('plain message 30');
    // New messages are indexed by the triggers the migration added.
    await current.write((tx) => messages.insertMessage(tx, message(c, 99, 'après la migration')));
    expect(find('apres')).toEqual([`${c}#99`]);
    await current.close();
    // The migration is in the snapshot now: reopening runs nothing again.
    const again = await Vault.open(dir, unlock, quiet);
    expect(again.stats()).toMatchObject({ schemaVersion: SCHEMA_VERSION, replayedRecords: 0 });
    await again.close();
  });

  it('refuses a database from a newer Hearth, modifying nothing', async () => {
    const dir = path.join(tempDir(), 'profile');
    const unlock = { kind: 'keyfile', path: newKeyFile() } as const;
    const { vault } = await Vault.create(dir, unlock, quiet);
    await vault.write((tx) => tx.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`));
    await vault.close();
    const before = fingerprint(dir);
    await expect(Vault.open(dir, unlock, quiet)).rejects.toMatchObject({ kind: 'newer-schema', message: expect.stringMatching(/newer Hearth.*Update Hearth/) });
    expect(fingerprint(dir)).toEqual(before);
  });
});
