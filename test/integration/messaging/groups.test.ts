import { describe, expect, it } from 'vitest';
import type { Client } from '../../../main/core/client/client';
import { eventually, useRelayAndProfiles, type TestProfile } from './harness';

/**
 * Groups against a real relay process: five clients, sender keys, removal
 * with key rotation, an offline member catching up, updates and receipts.
 */

const fixture = useRelayAndProfiles('hearth-groups-');

function texts(client: Client, conversationId: string): string[] {
  return client
    .messagePage(conversationId, { limit: 500 })
    .messages.filter((m) => m.kind === 'text')
    .map((m) => m.body ?? '');
}

async function befriend(owner: TestProfile, others: readonly TestProfile[]): Promise<void> {
  for (const o of others) await owner.client.addContact(o.username);
}

describe('groups', () => {
  it('a message reaches every member', async () => {
    const names = ['grpann', 'grpben', 'grpcat', 'grpdan', 'grpeve'];
    const [ann, ...rest] = await Promise.all(names.map((n) => fixture.profile(n)));
    if (!ann) throw new Error('no profile');
    await befriend(ann, rest);
    const group = await ann.client.createGroup('Book club', rest.map((p) => p.username));
    expect(group.type).toBe('group');
    expect(group.title).toBe('Book club');
    expect(group.memberIds).toEqual(rest.map((p) => p.username).sort());

    await eventually(() => {
      for (const p of rest) expect(p.client.listConversations().find((c) => c.id === group.id)?.title).toBe('Book club');
    });
    const sent = await ann.client.send(group.id, 'hello, club');
    await ann.client.waitUntilSent(sent.id);
    await eventually(() => {
      for (const p of rest) expect(texts(p.client, group.id)).toEqual(['hello, club']);
    });
    const reply = await rest[0]!.client.send(group.id, 'hi from ben');
    await rest[0]!.client.waitUntilSent(reply.id);
    await eventually(() => {
      for (const p of [ann, ...rest.slice(1)]) expect(texts(p.client, group.id)).toContain('hi from ben');
    });
  });
});
