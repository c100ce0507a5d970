import { CiphertextMessageType, sealedSenderDecryptToUsmc } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../../main/core/client/client';
import { decryptGroupMessage, isProtocolError } from '../../../main/core/protocol';
import type { Envelope } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { EnvelopeType } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { eventually, texts, useRelayAndProfiles, type TestProfile } from './harness';

/**
 * Groups against a real relay process, five clients: messages reach every
 * member; a removed member cannot read what is sent after (nothing reaches
 * them, and the sender-key ciphertext the others get does not decrypt with
 * what they hold); an offline member catches up; rename, add and leave reach
 * everyone; receipts, reactions, edits, deletes and typing work in the group.
 */

const fixture = useRelayAndProfiles('hearth-groups-');


function groupNotices(client: Client, conversationId: string): string[] {
  return client
    .messagePage(conversationId, { limit: 500 })
    .messages.filter((m) => m.kind === 'group-update')
    .map((m) => (m.notice?.type === 'group' ? m.notice.action : '?'));
}

async function fiveMembers(prefix: string): Promise<[TestProfile, TestProfile, TestProfile, TestProfile, TestProfile]> {
  const [a, b, c, d, e] = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => fixture.profile(`${prefix}${n}`)));
  if (!a || !b || !c || !d || !e) throw new Error('profiles');
  return [a, b, c, d, e];
}

/** Records the sealed envelopes a client hands to the relay (passing them on unchanged). */
function recordSealed(client: Client): Array<{ username: string; content: Uint8Array; type: EnvelopeType }> {
  const seen: Array<{ username: string; content: Uint8Array; type: EnvelopeType }> = [];
  const anonymous = client.sealedSender.anonymous;
  const send = anonymous.send.bind(anonymous);
  anonymous.send = (request) => {
    for (const e of request.envelopes ?? []) seen.push({ username: e.username ?? '', content: e.content ?? new Uint8Array(0), type: e.type ?? EnvelopeType.UNSPECIFIED });
    return send(request);
  };
  return seen;
}

describe('groups of five against a relay', () => {
  it('a message reaches every member, once; replies, reactions, edits, deletes and receipts work in the group', async () => {
    const [ann, ...rest] = await fiveMembers('gra');
    const group = await ann.client.createGroup('Book club', rest.map((p) => p.username));
    expect(group).toMatchObject({ type: 'group', title: 'Book club', isMember: true, memberIds: rest.map((p) => p.username).sort() });

    await eventually(() => {
      for (const p of rest) {
        const seen = p.client.getConversation(group.id);
        expect(seen).toMatchObject({ type: 'group', title: 'Book club', isMember: true });
        expect(seen.memberIds).toEqual([ann.username, ...rest.map((r) => r.username).filter((u) => u !== p.username)].sort());
        expect(groupNotices(p.client, group.id)).toEqual(['created']);
      }
    });
    // Nobody got a one-to-one conversation out of it: group traffic stays in the group.
    for (const p of rest) expect(p.client.listConversations().map((c) => c.id)).toEqual([group.id]);

    const sent = await ann.client.send(group.id, 'hello, club');
    // Acknowledged by the relay; a fast delivery receipt may already have moved it on.
    expect(['sent', 'delivered']).toContain((await ann.client.waitUntilSent(sent.id)).status);
    await eventually(() => {
      for (const p of rest) expect(texts(p.client, group.id)).toEqual(['hello, club']);
    });
    // Every member's delivery receipt came back: the message is delivered.
    await eventually(() => expect(ann.client.getMessage(sent.id).status).toBe('delivered'));
    // Read by all but one: not yet 'read'; the last one makes it so.
    for (const p of rest.slice(0, 3)) await p.client.markRead(group.id);
    // Once Ann has recorded those three read receipts, the message is still only 'delivered'.
    const readReceipts = () => Number(ann.client.vault.read((db) => db.get("SELECT count(*) AS n FROM group_receipts r JOIN messages m ON m.id = r.message_id WHERE m.uid = ? AND r.status = 'read'", [sent.id])?.n ?? 0));
    await eventually(() => expect(readReceipts()).toBe(3));
    expect(ann.client.getMessage(sent.id).status).toBe('delivered');
    await rest[3]!.client.markRead(group.id);
    await eventually(() => expect(ann.client.getMessage(sent.id).status).toBe('read'));

    const ben = rest[0]!;
    const reply = await ben.client.send(group.id, 'hi from ben', sent.id);
    await ben.client.waitUntilSent(reply.id);
    await eventually(() => {
      for (const p of [ann, ...rest.slice(1)]) {
        const got = p.client.getMessage(reply.id);
        expect(got).toMatchObject({ conversationId: group.id, authorId: ben.username, body: 'hi from ben', replyTo: sent.id });
      }
    });

    // Typing shows in the group, for the others.
    const typing: Array<{ conversationId: string; contactId: string }> = [];
    const off = ann.client.events.on((event, payload) => {
      if (event === 'conversations.onDidChangeTyping') typing.push(payload as { conversationId: string; contactId: string });
    });
    await ben.client.setTyping(group.id, true);
    await eventually(() => expect(typing).toContainEqual(expect.objectContaining({ conversationId: group.id, contactId: ben.username })));
    off();

    await rest[1]!.client.react(sent.id, '👍');
    await ann.client.edit(sent.id, 'hello, dear club');
    await eventually(() => {
      for (const p of rest) {
        const got = p.client.getMessage(sent.id);
        expect(got.body).toBe('hello, dear club');
        expect(got.edited).toBe(true);
      }
      for (const p of [ann, ...rest]) expect(p.client.getMessage(sent.id).reactions).toEqual([expect.objectContaining({ reactorId: p === rest[1] ? null : rest[1]!.username, emoji: '👍' })]);
    });
    await ann.client.deleteMessage(sent.id, true);
    await eventually(() => {
      for (const p of rest) expect(p.client.getMessage(sent.id)).toMatchObject({ deleted: true, body: null });
    });
  });

  it('a removed member gets nothing sent after, and could not decrypt it; rename, add and leave reach everyone', async () => {
    const [ann, ben, cat, dan, eve] = await fiveMembers('grb');
    const group = await ann.client.createGroup('Climbing', [ben, cat, dan, eve].map((p) => p.username));
    const before = await ann.client.send(group.id, 'before the change');
    await ann.client.waitUntilSent(before.id);
    await eventually(() => {
      for (const p of [ben, cat, dan, eve]) expect(texts(p.client, group.id)).toEqual(['before the change']);
    });
    await eve.client.send(group.id, 'eve was here').then((m) => eve.client.waitUntilSent(m.id));
    await eventually(() => expect(texts(ann.client, group.id)).toContain('eve was here'));

    const removed = await ann.client.removeGroupMember(group.id, eve.username);
    expect(removed.memberIds).toEqual([ben, cat, dan].map((p) => p.username));
    await eventually(() => {
      expect(eve.client.getConversation(group.id).isMember).toBe(false);
      for (const p of [ben, cat, dan]) expect(p.client.getConversation(group.id).memberIds).not.toContain(eve.username);
    });
    await expect(eve.client.send(group.id, 'let me back')).rejects.toMatchObject({ kind: 'invalid-arguments' });

    const sealed = recordSealed(ann.client);
    const after = await ann.client.send(group.id, 'after eve left');
    await ann.client.waitUntilSent(after.id);
    await eventually(() => {
      for (const p of [ben, cat, dan]) expect(texts(p.client, group.id)).toContain('after eve left');
    });
    await eve.client.sync({ lingerMs: 300 });
    expect(texts(eve.client, group.id)).toEqual(['before the change', 'eve was here']);
    // Nothing was even addressed to her.
    expect(sealed.filter((e) => e.username === eve.username)).toEqual([]);

    // Take the sender-key message out of Ben's sealed envelope (his identity key opens the seal)...
    const toBen = sealed.filter((e) => e.username === ben.username && e.type === EnvelopeType.SEALED_SENDER);
    const senderKeyMessages: Uint8Array[] = [];
    for (const e of toBen) {
      const usmc = await ben.client.protocol.transact((tx) => tx.run((stores) => sealedSenderDecryptToUsmc(Buffer.from(e.content), stores.identity)).then((r) => r.value));
      if (usmc.msgType() === CiphertextMessageType.SenderKey) senderKeyMessages.push(usmc.contents());
    }
    expect(senderKeyMessages.length).toBeGreaterThan(0);
    // ...and Eve, with the sender key she was given before, cannot decrypt it (the key was rotated).
    for (const ciphertext of senderKeyMessages) {
      const attempt = eve.client.protocol.transact((tx) => decryptGroupMessage(tx, { name: ann.username, deviceId: 1 }, ciphertext));
      await expect(attempt).rejects.toSatisfy((error: unknown) => isProtocolError(error, 'no-sender-key'));
    }

    // Rename, add, leave: every member sees each change.
    const fay = await fixture.profile('grbf');
    await ben.client.renameGroup(group.id, 'Bouldering');
    await eventually(() => {
      for (const p of [ann, cat, dan]) expect(p.client.getConversation(group.id).title).toBe('Bouldering');
    });
    await cat.client.addGroupMembers(group.id, [fay.username]);
    await eventually(() => {
      expect(fay.client.getConversation(group.id)).toMatchObject({ title: 'Bouldering', isMember: true });
      expect(fay.client.getConversation(group.id).memberIds).toEqual([ann, ben, cat, dan].map((p) => p.username));
      for (const p of [ann, ben, dan]) expect(p.client.getConversation(group.id).memberIds).toContain(fay.username);
    });
    await dan.client.leaveGroup(group.id);
    expect(dan.client.getConversation(group.id).isMember).toBe(false);
    await eventually(() => {
      for (const p of [ann, ben, cat, fay]) expect(p.client.getConversation(group.id).memberIds).not.toContain(dan.username);
    });
    const welcome = await fay.client.send(group.id, 'thanks for adding me');
    await fay.client.waitUntilSent(welcome.id);
    await eventually(() => {
      for (const p of [ann, ben, cat]) expect(texts(p.client, group.id)).toContain('thanks for adding me');
    });
    await dan.client.sync({ lingerMs: 300 });
    expect(texts(dan.client, group.id)).not.toContain('thanks for adding me');
    expect(texts(fay.client, group.id)).toEqual(['thanks for adding me']);
    expect(groupNotices(ann.client, group.id)).toEqual(['created', 'removed', 'renamed', 'added', 'left']);
  });

  it('a member who was offline catches up on messages and changes, in order', async () => {
    const [ann, ben, cat, dan, eve] = await fiveMembers('grc');
    const group = await ann.client.createGroup('Choir', [ben, cat, dan, eve].map((p) => p.username));
    await eventually(() => expect(dan.client.getConversation(group.id).title).toBe('Choir'));
    await dan.client.close();

    for (const [who, text] of [[ann, 'rehearsal at 7'], [ben, 'I will bring the scores'], [cat, 'see you']] as const) {
      const m = await who.client.send(group.id, text);
      await who.client.waitUntilSent(m.id);
    }
    await eve.client.renameGroup(group.id, 'Chamber choir');
    await eve.client.waitUntilOutboxEmpty();
    const last = await ann.client.send(group.id, 'new name, same time');
    await ann.client.waitUntilSent(last.id);

    await dan.reopen();
    await dan.client.sync({ lingerMs: 300 });
    expect(dan.client.getConversation(group.id).title).toBe('Chamber choir');
    expect(texts(dan.client, group.id)).toEqual(['rehearsal at 7', 'I will bring the scores', 'see you', 'new name, same time']);
    await eventually(() => expect(ann.client.getMessage(last.id).status).toBe('delivered'));
  });

  it('keeps a group message that arrives before its sender key, and shows it once the key comes', async () => {
    const [ann, ben] = await Promise.all(['grdann', 'grdben'].map((n) => fixture.profile(n)));
    if (!ann || !ben) throw new Error('profiles');
    const group = await ann.client.createGroup('Night owls', [ben.username]);
    await eventually(() => expect(ben.client.getConversation(group.id).title).toBe('Night owls'));

    // Ben's next envelopes are held back here, to be handed over newest first.
    const held: Envelope[] = [];
    const push = ben.client.receiver.push.bind(ben.client.receiver);
    ben.client.receiver.push = (envelopes) => void held.push(...envelopes);
    const sent = await ann.client.send(group.id, 'early bird');
    await ann.client.waitUntilSent(sent.id);
    await eventually(() => expect(held.length).toBeGreaterThanOrEqual(2));
    const pending = () => ben.client.vault.read((db) => Number(db.get('SELECT count(*) AS n FROM group_pending')?.n ?? 0));
    const [last, ...earlier] = [...held].reverse();
    // The group message alone: no sender key yet, so it is kept, not shown and not lost.
    push([last!]);
    await ben.client.receiver.idle();
    expect(pending()).toBe(1);
    expect(texts(ben.client, group.id)).toEqual([]);
    // Then the distribution: the kept message is decrypted and shown.
    for (const envelope of earlier) {
      push([envelope]);
      await ben.client.receiver.idle();
    }
    expect(texts(ben.client, group.id)).toEqual(['early bird']);
    expect(pending()).toBe(0);
    ben.client.receiver.push = push;
  });
});
