import { CiphertextMessageType, sealedSenderDecryptToUsmc } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../../main/core/client/client';
import { decryptGroupMessage, isProtocolError } from '../../../main/core/protocol';
import { EnvelopeType } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { eventually, useRelayAndProfiles, type TestProfile } from './harness';

/**
 * Membership changes and sender keys against a real relay: someone added
 * cannot decrypt what was sent before they joined (the sender key is rotated
 * on adds too), and someone removed can be added back and reads what is sent
 * after.
 */

const fixture = useRelayAndProfiles('hearth-group-membership-');

const texts = (client: Client, conversationId: string): string[] =>
  client
    .messagePage(conversationId, { limit: 500 })
    .messages.filter((m) => m.kind === 'text')
    .map((m) => m.body ?? '');

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

/** The sender-key ciphertexts inside the sealed envelopes `to` got (its identity key opens the seal). */
async function senderKeyMessages(to: TestProfile, sealed: ReturnType<typeof recordSealed>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const e of sealed.filter((s) => s.username === to.username && s.type === EnvelopeType.SEALED_SENDER)) {
    const usmc = await to.client.protocol.transact((tx) => tx.run((stores) => sealedSenderDecryptToUsmc(Buffer.from(e.content), stores.identity)).then((r) => r.value));
    if (usmc.msgType() === CiphertextMessageType.SenderKey) out.push(usmc.contents());
  }
  return out;
}

describe('group membership and sender keys', () => {
  it('a member added later cannot decrypt a message sent before the add', async () => {
    const [ann, ben, cat] = await Promise.all(['gmann', 'gmben', 'gmcat'].map((n) => fixture.profile(n)));
    if (!ann || !ben || !cat) throw new Error('profiles');
    const group = await ann.client.createGroup('Garden', [ben.username]);
    const sealed = recordSealed(ann.client);
    const before = await ann.client.send(group.id, 'before cat');
    await ann.client.waitUntilSent(before.id);
    await eventually(() => expect(texts(ben.client, group.id)).toEqual(['before cat']));
    const earlier = await senderKeyMessages(ben, sealed);
    expect(earlier.length).toBe(1);

    await ann.client.addGroupMembers(group.id, [cat.username]);
    const after = await ann.client.send(group.id, 'welcome cat');
    await ann.client.waitUntilSent(after.id);
    await eventually(() => expect(texts(cat.client, group.id)).toEqual(['welcome cat']));
    // Cat holds Ann's sender key now, and still cannot read what came before it.
    const attempt = cat.client.protocol.transact((tx) => decryptGroupMessage(tx, { name: ann.username, deviceId: 1 }, earlier[0]!));
    await expect(attempt).rejects.toSatisfy((error: unknown) => isProtocolError(error, 'no-sender-key'));
  });

  it('someone removed can be added back, and then reads and sends again', async () => {
    const [ann, ben, cat] = await Promise.all(['gmrann', 'gmrben', 'gmrcat'].map((n) => fixture.profile(n)));
    if (!ann || !ben || !cat) throw new Error('profiles');
    const group = await ann.client.createGroup('Choir', [ben.username, cat.username]);
    await eventually(() => {
      for (const p of [ben, cat]) expect(p.client.getConversation(group.id).isMember).toBe(true);
    });
    const first = await ben.client.send(group.id, 'hello all');
    await ben.client.waitUntilSent(first.id);
    await eventually(() => expect(texts(cat.client, group.id)).toEqual(['hello all']));

    await ann.client.removeGroupMember(group.id, cat.username);
    await eventually(() => expect(cat.client.getConversation(group.id).isMember).toBe(false));
    await eventually(() => expect(ben.client.getConversation(group.id).memberIds).toEqual([ann.username]));
    await ann.client.addGroupMembers(group.id, [cat.username]);
    await eventually(() => expect(cat.client.getConversation(group.id)).toMatchObject({ isMember: true, memberIds: [ann.username, ben.username] }));
    await eventually(() => expect(ben.client.getConversation(group.id).memberIds).toContain(cat.username));

    // Ben (not the one who added her) and Ann both reach her, and she reaches them.
    for (const [who, text] of [[ann, 'welcome back'], [ben, 'good to have you']] as const) {
      const m = await who.client.send(group.id, text);
      await who.client.waitUntilSent(m.id);
    }
    await eventually(() => expect(texts(cat.client, group.id)).toEqual(['hello all', 'welcome back', 'good to have you']));
    const reply = await cat.client.send(group.id, 'thanks');
    await cat.client.waitUntilSent(reply.id);
    await eventually(() => {
      for (const p of [ann, ben]) expect(texts(p.client, group.id)).toContain('thanks');
    });
  });
});
