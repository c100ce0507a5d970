import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeData, encodeDelete, unhex } from '../../../main/core/messaging/content';
import { encodeGroupUpdate } from '../../../main/core/messaging/group-content';
import { groupConversationId, newGroupId } from '../../../main/core/messaging/group-state';
import { contacts, conversations, messages, outbox } from '../../../main/core/vault';
import { ContentSchema, GroupContextSchema } from '../../../shared/proto/gen/hearth/v1/content_pb';
import { dm, eventually, testClientOptions, useRelayAndProfiles, type TestProfile } from './harness';

/**
 * What a contact with a modified client can send, against a real relay: the
 * receive pipeline stores what it should and never stops receiving.
 */

const fixture = useRelayAndProfiles('hearth-receive-hardening-');

/** Hands a hand-made Content to the sender's outbox, as its own client would send a message. */
async function sendRaw(from: TestProfile, to: string, payload: Uint8Array): Promise<void> {
  const now = Date.now();
  await from.client.vault.write((tx) => outbox.enqueue(tx, { kind: 'message', conversationId: null, messageId: null, recipient: to, payload, nextAttemptAt: now, createdAt: now }));
  from.client.outbox.kick();
  await from.client.waitUntilOutboxEmpty();
}

const pendingRows = (p: TestProfile): number => Number(p.client.vault.read((db) => db.get('SELECT count(*) AS n FROM group_pending')?.n ?? 0));

describe('receiving from a modified client', () => {
  it('a held-back group message reusing a stored message id is dropped when released, and receiving goes on', async () => {
    const olga = await fixture.profile('hholga');
    const mira = await fixture.profile('hhmira');
    await olga.client.addContact(mira.username);
    const first = await olga.client.send(dm(mira.username), 'first');
    await eventually(() => expect(mira.client.getMessage(first.id).body).toBe('first'));

    // The same message id again, now naming a group Mira does not know yet: held back.
    const groupId = newGroupId();
    const copy = fromBinary(ContentSchema, encodeData(unhex(first.id), 'duplicate', Date.now()));
    if (copy.body.case !== 'data') throw new Error('data');
    copy.body.value.group = create(GroupContextSchema, { id: groupId, revision: 1n });
    await sendRaw(olga, mira.username, toBinary(ContentSchema, copy));
    await eventually(() => expect(pendingRows(mira)).toBe(1));

    // The update that makes the group known releases it, in the same batch as the update.
    await sendRaw(olga, mira.username, encodeGroupUpdate({ groupId, revision: 1, name: 'Trap', members: [olga.username, mira.username], expireTimerMs: null }, 'created', [mira.username], Date.now()));
    await eventually(() => expect(mira.client.getConversation(groupConversationId(groupId))).toMatchObject({ type: 'group', isMember: true }));
    expect(mira.client.receiver.lastFailure).toBeNull();
    expect(pendingRows(mira)).toBe(0);
    expect(mira.client.vault.read((db) => db.all('SELECT body FROM messages WHERE uid = ?', [first.id]))).toEqual([{ body: 'first' }]);

    // Receiving goes on.
    const later = await olga.client.send(dm(mira.username), 'later');
    await eventually(() => expect(mira.client.getMessage(later.id).body).toBe('later'));
    expect(mira.client.receiver.lastFailure).toBeNull();
  });

  it('delete for everyone of a message with a file removes the file on both sides: store, search by file name, message view', async () => {
    const ada = await fixture.profile('hhada');
    const bo = await fixture.profile('hhbo');
    await ada.client.addContact(bo.username);
    const source = path.join(fixture.dir, 'quarterly-figures.txt');
    await writeFile(source, 'the figures');
    const sent = await ada.client.sendFile(dm(bo.username), source, { caption: 'see attached' });
    await ada.client.waitUntilSent(sent.id);
    await eventually(() => expect(bo.client.getMessage(sent.id).attachments?.[0]?.state).toBe('ready'));
    const storeFiles = (p: TestProfile) => readdir(path.join(p.dir, 'attachments')).catch(() => [] as string[]);
    for (const p of [ada, bo]) {
      expect(await storeFiles(p)).toHaveLength(1);
      expect(p.client.search('quarterly')).toHaveLength(1);
    }

    await ada.client.deleteMessage(sent.id, true);
    await eventually(() => expect(bo.client.getMessage(sent.id).deleted).toBe(true));
    for (const p of [ada, bo]) {
      expect(p.client.getMessage(sent.id)).toMatchObject({ deleted: true, body: null, attachments: [] });
      expect(p.client.search('quarterly')).toEqual([]);
      expect(await storeFiles(p)).toEqual([]);
      expect(p.client.vault.read((db) => db.get('SELECT count(*) AS n FROM attachments')?.n)).toBe(0);
    }
  });

  it('a delete for everyone dated back by its sender is refused once the relay says the 24 hours are over', async () => {
    const olga = await fixture.profile('hhdolga');
    const mira = await fixture.profile('hhdmira');
    await olga.client.addContact(mira.username);
    const sent = await olga.client.send(dm(mira.username), 'kept');
    await eventually(() => expect(mira.client.getMessage(sent.id).body).toBe('kept'));
    // As if it had arrived 25 hours ago.
    const dayAndHour = 25 * 60 * 60 * 1000;
    await mira.client.vault.write((tx) => tx.run('UPDATE messages SET sent_at = sent_at - ?, received_at = received_at - ? WHERE uid = ?', [dayAndHour, dayAndHour, sent.id]));
    const claimed = mira.client.getMessage(sent.id).sentAt + 60_000;
    await sendRaw(olga, mira.username, encodeDelete(unhex(sent.id), claimed));
    // A later message shows the delete was processed before it.
    const after = await olga.client.send(dm(mira.username), 'after');
    await eventually(() => expect(mira.client.getMessage(after.id).body).toBe('after'));
    expect(mira.client.getMessage(sent.id)).toMatchObject({ deleted: false, body: 'kept' });
  });

  it('a message whose disappearing time is up is not in search, the chat list or messages.get, before the reaper removes it', async () => {
    let skew = 0;
    const pia = await fixture.profile('hhpia', { ...testClientOptions, now: () => Date.now() + skew });
    const now = Date.now();
    const conversationId = dm('hhquinn');
    await pia.client.vault.write((tx) => {
      contacts.upsertContact(tx, { id: 'hhquinn', displayName: null, now });
      conversations.createDirectConversation(tx, { id: conversationId, contactId: 'hhquinn', now });
      messages.insertMessage(tx, { uid: 'a1'.repeat(16), conversationId, authorId: 'hhquinn', direction: 'incoming', body: 'older words', status: 'received', sentAt: now - 1000, receivedAt: now });
      messages.insertMessage(tx, { uid: 'b2'.repeat(16), conversationId, authorId: 'hhquinn', direction: 'incoming', body: 'secret plan', status: 'received', sentAt: now, receivedAt: now, expiresInMs: 60 * 60 * 1000, expiresAt: now + 60 * 60 * 1000 });
    });
    expect(pia.client.getConversation(conversationId).lastMessage?.body).toBe('secret plan');
    expect(pia.client.search('secret')).toHaveLength(1);

    // Two hours later, before the reaper (armed for an hour of real time) has run.
    skew = 2 * 60 * 60 * 1000;
    expect(pia.client.listConversations().find((c) => c.id === conversationId)?.lastMessage?.body).toBe('older words');
    expect(pia.client.getConversation(conversationId).lastMessage?.body).toBe('older words');
    expect(pia.client.search('secret')).toEqual([]);
    expect(pia.client.vault.read((db) => db.get('SELECT count(*) AS n FROM messages WHERE uid = ?', ['b2'.repeat(16)])?.n)).toBe(1);
    expect(() => pia.client.getMessage('b2'.repeat(16))).toThrow(/No such message/);
    expect(pia.client.getMessage('a1'.repeat(16)).body).toBe('older words');
  });
});
