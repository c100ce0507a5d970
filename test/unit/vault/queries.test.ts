import { describe, expect, it } from 'vitest';
import { Vault, contacts, conversations, expiry, messages, messaging, outbox, profile, protocol, search } from '../../../main/core/vault';
import { keyfileVault, message, seedConversation } from './helpers';

describe('typed queries', () => {
  it('lists conversations newest first with their last message and unread count', async () => {
    const { vault } = await keyfileVault();
    const alice = await seedConversation(vault, 'alice');
    const bob = await seedConversation(vault, 'bob');
    await vault.write((tx) => {
      messages.insertMessage(tx, message(alice, 1, 'hi bob', { direction: 'incoming', authorId: 'alice', status: 'received' }));
      messages.insertMessage(tx, message(alice, 2, 'are you there?', { direction: 'incoming', authorId: 'alice', status: 'received' }));
      messages.insertMessage(tx, message(bob, 3, 'lunch?'));
    });
    let list = vault.read((db) => conversations.listConversations(db));
    expect(list.map((c) => [c.id, c.unreadCount, c.lastMessage?.body])).toEqual([
      [bob, 0, 'lunch?'],
      [alice, 2, 'are you there?'],
    ]);
    await vault.write((tx) => messages.markRead(tx, alice, 1_700_000_001_000, 1_700_000_100_000));
    list = vault.read((db) => conversations.listConversations(db));
    expect(list.find((c) => c.id === alice)?.unreadCount).toBe(1);
    expect(vault.read((db) => conversations.totalUnread(db))).toBe(1);
    await vault.close();
  });

  it('pages through a conversation before and after a cursor, oldest first', async () => {
    const { vault } = await keyfileVault();
    const c = await seedConversation(vault);
    await vault.write((tx) => {
      for (let n = 1; n <= 120; n++) messages.insertMessage(tx, message(c, n, `message ${n}`));
    });
    const newest = vault.read((db) => messages.messagePage(db, c));
    expect(newest.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, i) => `message ${71 + i}`));
    const first = newest[0] as messages.Message;
    const older = vault.read((db) => messages.messagePage(db, c, { before: { sentAt: first.sentAt, id: first.id }, limit: 30 }));
    expect(older.map((m) => m.body)).toEqual(Array.from({ length: 30 }, (_, i) => `message ${41 + i}`));
    const last = older[older.length - 1] as messages.Message;
    const newer = vault.read((db) => messages.messagePage(db, c, { after: { sentAt: last.sentAt, id: last.id }, limit: 3 }));
    expect(newer.map((m) => m.body)).toEqual(['message 71', 'message 72', 'message 73']);
    await vault.close();
  });

  it('carries status, expiry, reactions and attachment references with each message', async () => {
    const { vault } = await keyfileVault();
    const c = await seedConversation(vault);
    const stored = await vault.attachments.put([Buffer.from('%PDF-1.7 fake')], { contentType: 'application/pdf', fileName: 'Quarterly-Report_2024.pdf', createdAt: 5 });
    const id = await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'see attached', { expiresInMs: 60_000, expiresAt: 1_700_000_061_000, attachmentIds: [stored.id] })));
    await vault.write((tx) => {
      messages.setMessageStatus(tx, `${c}#1`, 'delivered');
      messages.setReaction(tx, id, 'alice', '👍', 10);
      messages.setReaction(tx, id, 'bob', '❤️', 11);
      messages.setReaction(tx, id, 'bob', null, 12);
    });
    const m = vault.read((db) => messages.getMessageByUid(db, `${c}#1`));
    expect(m).toMatchObject({ status: 'delivered', expiresAt: 1_700_000_061_000, reactions: [{ reactorId: 'alice', emoji: '👍', reactedAt: 10 }] });
    expect(m?.attachments).toEqual([expect.objectContaining({ id: stored.id, contentType: 'application/pdf', fileName: 'Quarterly-Report_2024.pdf', size: 13 })]);
    expect(vault.read((db) => messages.nextExpiry(db))).toBe(1_700_000_061_000);
    expect((await vault.write((tx) => expiry.deleteMessages(tx, [id]))).removed).toHaveLength(1);
    expect(vault.read((db) => messages.getMessageByUid(db, `${c}#1`))).toBeNull();
    await vault.close();
  });

  it('gives a page reactions and attachments on exactly the messages that have them', async () => {
    const { vault } = await keyfileVault();
    const c = await seedConversation(vault);
    const stored = await vault.attachments.put([Buffer.from('x')], { contentType: 'image/png', fileName: 'a.png', createdAt: 1 });
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++) {
      ids.push(await vault.write((tx) => messages.insertMessage(tx, message(c, i, `m${i}`, i === 4 ? { attachmentIds: [stored.id] } : {}))));
    }
    await vault.write((tx) => messages.setReaction(tx, ids[1] as number, 'alice', '👍', 10));
    await vault.write((tx) => messages.setReaction(tx, ids[1] as number, 'bob', '❤️', 11));
    await vault.write((tx) => messages.setReaction(tx, ids[2] as number, 'bob', '❤️', 11));
    await vault.write((tx) => messages.setReaction(tx, ids[2] as number, 'bob', null, 12));
    const page = vault.read((db) => messages.messagePage(db, c, { limit: 50 }));
    expect(page.map((m) => m.reactions.length)).toEqual([0, 2, 0, 0, 0]);
    expect(page.map((m) => m.attachments.map((a) => a.fileName))).toEqual([[], [], [], ['a.png'], []]);
    // The flags that tell a page which messages to fetch details for (schema 014) follow every change.
    const flags = () => vault.read((db) => db.all('SELECT has_reactions AS r, has_attachments AS a FROM messages ORDER BY id').map((row) => `${row.r}${row.a}`));
    expect(flags()).toEqual(['00', '10', '00', '01', '00']);
    await vault.write((tx) => messages.setReaction(tx, ids[1] as number, 'alice', null, 13));
    expect(flags()).toEqual(['00', '10', '00', '01', '00']);
    await vault.write((tx) => messages.setReaction(tx, ids[1] as number, 'bob', null, 14));
    await vault.write((tx) => messaging.tombstoneMessage(tx, ids[3] as number, 15));
    expect(flags()).toEqual(['00', '00', '00', '00', '00']);
    const after = vault.read((db) => messages.messagePage(db, c, { limit: 50 }));
    expect(after.map((m) => m.reactions.length + m.attachments.length)).toEqual([0, 0, 0, 0, 0]);
    await vault.close();
  });

  it('finds words regardless of case and accents, inside URLs and attachment file names, with highlighted snippets', async () => {
    const { vault } = await keyfileVault();
    const c = await seedConversation(vault);
    const file = await vault.attachments.put([Buffer.from('x')], { contentType: 'image/jpeg', fileName: 'Vacances-Été_2023.jpg', createdAt: 1 });
    await vault.write((tx) => {
      messages.insertMessage(tx, message(c, 1, "Regarde l'Arbre dans le jardin"));
      messages.insertMessage(tx, message(c, 2, 'read https://example.org/recipes/crème-brûlée?lang=fr tonight'));
      messages.insertMessage(tx, message(c, 3, 'photos', { attachmentIds: [file.id] }));
      messages.insertMessage(tx, message(c, 4, 'the long and winding road'));
      messages.insertMessage(tx, message(c, 5, 'winding down, long day'));
    });
    const find = (q: string) => vault.read((db) => search.searchMessages(db, q)).map((h) => h.uid);
    expect(find('arbre')).toEqual([`${c}#1`]);
    expect(find('ARBRE')).toEqual([`${c}#1`]);
    expect(find('creme brulee')).toEqual([`${c}#2`]);
    expect(find('recipes')).toEqual([`${c}#2`]);
    expect(find('example.org')).toEqual([`${c}#2`]);
    expect(find('ete')).toEqual([`${c}#3`]);
    expect(find('vacances')).toEqual([`${c}#3`]);
    expect(find('"long and winding"')).toEqual([`${c}#4`]);
    expect(find('winding long')).toEqual([`${c}#5`, `${c}#4`]);
    expect(find('wind')).toEqual([]);
    expect(vault.read((db) => search.searchMessages(db, 'wind', { prefixLastWord: true })).length).toBe(2);
    // FTS syntax typed by a person is just text, never an error or an injection.
    expect(find('NEAR(" OR *')).toEqual([]);
    expect(find('arbre OR jardin')).toEqual([]);
    const [hit] = vault.read((db) => search.searchMessages(db, 'arbre'));
    expect(hit?.snippet).toEqual([
      { text: "Regarde l'", match: false },
      { text: 'Arbre', match: true },
      { text: ' dans le jardin', match: false },
    ]);
    expect(vault.read((db) => search.searchMessages(db, 'arbre', { conversationId: 'other' }))).toEqual([]);
    const row = vault.read((db) => messages.getMessageByUid(db, `${c}#1`));
    await vault.write((tx) => expiry.deleteMessages(tx, [row?.id ?? -1]));
    expect(find('arbre')).toEqual([]);
    await vault.close();
  });

  it('compaction merges a fragmented search index into one segment, and every search finds the same messages', async () => {
    const { vault, dir, keyFile } = await keyfileVault();
    const c = await seedConversation(vault);
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
    // One transaction per message, as messages arrive: each adds an index segment.
    const segments = () => vault.read((db) => db.get('SELECT count(*) AS n FROM messages_fts_segdir')?.n as number);
    for (let n = 0; n < 5000 && segments() < search.searchIndexMerge.minSegments; n += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => {
          const i = n + j;
          return vault.write((tx) => void messages.insertMessage(tx, message(c, i + 1, `${words[i % 5]} and ${words[(i * 3) % 5]} number${i % 7}`)));
        }),
      );
    }
    const queries = ['alpha', 'bravo delta', '"and delta"', 'number3', 'charlie number6'];
    const results = () => queries.map((q) => vault.read((db) => search.searchMessages(db, q, { limit: 10_000 })).map((h) => h.uid));
    const before = results();
    expect(before.every((r) => r.length > 0)).toBe(true);
    expect(segments()).toBeGreaterThanOrEqual(search.searchIndexMerge.minSegments);
    await vault.compact();
    expect(segments()).toBe(1);
    expect(results()).toEqual(before);
    // A few single messages later the index is barely fragmented: compaction leaves it as it is.
    for (let i = 0; i < 5; i++) await vault.write((tx) => void messages.insertMessage(tx, message(c, 20_000 + i, `${words[i % 5]} later`)));
    const fragmented = segments();
    expect(fragmented).toBeGreaterThan(1);
    await vault.compact();
    expect(segments()).toBe(fragmented);
    const final = results();
    await vault.close();
    const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, { idleCompactMs: null });
    expect(queries.map((q) => reopened.read((db) => search.searchMessages(db, q, { limit: 10_000 })).map((h) => h.uid))).toEqual(final);
    await reopened.close();
  });

  it('keeps contacts, identity changes and verification', async () => {
    const { vault } = await keyfileVault();
    await seedConversation(vault, 'carol');
    const key1 = new Uint8Array([5, 1, 2, 3]);
    const key2 = new Uint8Array([5, 9, 9, 9]);
    expect(await vault.write((tx) => contacts.setIdentityKey(tx, 'carol', key1, 2))).toBe('new');
    await vault.write((tx) => contacts.setVerification(tx, 'carol', 'verified', 3));
    expect(await vault.write((tx) => contacts.setIdentityKey(tx, 'carol', key1, 4))).toBe('same');
    expect(vault.read((db) => contacts.getContact(db, 'carol'))?.verification).toBe('verified');
    expect(await vault.write((tx) => contacts.setIdentityKey(tx, 'carol', key2, 5))).toBe('changed');
    expect(vault.read((db) => contacts.getContact(db, 'carol'))).toMatchObject({ verification: 'changed', identityKey: key2 });
    expect(vault.read((db) => contacts.listContacts(db)).map((c) => c.id)).toEqual(['carol']);
    await vault.close();
  });

  it('stores group conversations with members', async () => {
    const { vault } = await keyfileVault();
    await seedConversation(vault, 'alice');
    await seedConversation(vault, 'bob');
    await vault.write((tx) => conversations.createGroupConversation(tx, { id: 'group:1', groupId: new Uint8Array([1, 2]), title: 'Climbing', memberIds: ['alice', 'bob'], now: 9 }));
    expect(vault.read((db) => conversations.members(db, 'group:1'))).toEqual(['alice', 'bob']);
    await vault.write((tx) => conversations.removeMember(tx, 'group:1', 'bob'));
    expect(vault.read((db) => conversations.members(db, 'group:1'))).toEqual(['alice']);
    expect(vault.read((db) => conversations.getConversation(db, 'group:1'))).toMatchObject({ type: 'group', title: 'Climbing', contactId: null });
    await vault.close();
  });

  it('keeps protocol state as the libsignal stores need it, across a reopen', async () => {
    const { vault, dir, keyFile } = await keyfileVault();
    const alice1 = { name: 'alice', deviceId: 1 };
    const alice2 = { name: 'alice', deviceId: 2 };
    await vault.write((tx) => {
      profile.saveProfile(tx, {
        username: 'me',
        deviceId: 1,
        displayName: 'Me',
        registrationId: 4242,
        identityPublic: new Uint8Array([5, 1]),
        identityPrivate: new Uint8Array([9, 9]),
        relayUrl: 'ws://127.0.0.1:1',
        authSecret: null,
        createdAt: 1,
        updatedAt: 1,
      });
      protocol.putSession(tx, alice1, new Uint8Array([1]), 1);
      protocol.putSession(tx, alice2, new Uint8Array([2]), 1);
      protocol.putSession(tx, alice1, new Uint8Array([3]), 2);
      protocol.putIdentity(tx, 'alice', new Uint8Array([7]), 1);
      protocol.putPreKey(tx, 1, new Uint8Array([11]), 1);
      protocol.putPreKey(tx, 2, new Uint8Array([12]), 1);
      protocol.putSignedPreKey(tx, 5, new Uint8Array([15]), 1);
      protocol.putKyberPreKey(tx, 8, new Uint8Array([18]), false, 1);
      protocol.putKyberPreKey(tx, 9, new Uint8Array([19]), true, 1);
      protocol.putSenderKey(tx, alice1, 'dist-1', new Uint8Array([21]), 1);
      outbox.enqueue(tx, { kind: 'message', conversationId: null, messageId: null, recipient: 'alice', payload: new Uint8Array([1, 2, 3]), nextAttemptAt: 100, createdAt: 1 });
      outbox.enqueue(tx, { kind: 'receipt', conversationId: null, messageId: null, recipient: 'bob', payload: new Uint8Array([4]), nextAttemptAt: 300, createdAt: 1 });
    });
    await vault.write((tx) => {
      protocol.removePreKey(tx, 1);
      protocol.markKyberPreKeyUsed(tx, 8, 5);
      protocol.markKyberPreKeyUsed(tx, 9, 6);
    });
    await vault.close();
    const reopened = await Vault.open(dir, { kind: 'keyfile', path: keyFile });
    reopened.read((db) => {
      expect(profile.getProfile(db)).toMatchObject({ username: 'me', registrationId: 4242, identityPrivate: new Uint8Array([9, 9]) });
      expect(protocol.getSession(db, alice1)).toEqual(new Uint8Array([3]));
      expect(protocol.sessionDeviceIds(db, 'alice')).toEqual([1, 2]);
      expect(protocol.getIdentity(db, 'alice')).toEqual(new Uint8Array([7]));
      expect([protocol.getPreKey(db, 1), protocol.getPreKey(db, 2)]).toEqual([null, new Uint8Array([12])]);
      expect(protocol.signedPreKeyIds(db)).toEqual([5]);
      expect([protocol.getKyberPreKey(db, 8), protocol.getKyberPreKey(db, 9)]).toEqual([null, new Uint8Array([19])]);
      expect(protocol.getSenderKey(db, alice1, 'dist-1')).toEqual(new Uint8Array([21]));
      expect(outbox.due(db, 200).map((e) => e.recipient)).toEqual(['alice']);
      expect(outbox.nextDue(db)).toBe(100);
    });
    expect(await reopened.write((tx) => protocol.putIdentity(tx, 'alice', new Uint8Array([8]), 9))).toBe('changed');
    const [entry] = reopened.read((db) => outbox.due(db, 200));
    await reopened.write((tx) => outbox.reschedule(tx, entry?.id as number, 500));
    expect(reopened.read((db) => outbox.due(db, 250))).toEqual([]);
    expect(reopened.read((db) => outbox.due(db, 600)).map((e) => [e.recipient, e.attempts])).toEqual([
      ['bob', 0],
      ['alice', 1],
    ]);
    await reopened.close();
  });
});
