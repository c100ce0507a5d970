import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EnvelopeSchema, EnvelopeType, type Envelope } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { bodies, dm, eventually, useRelayAndProfiles } from './harness';

/**
 * Sealed sender against a real relay process: messages and receipts go out
 * sealed on the anonymous connection, and the relay's own store (opened
 * directly) holds no sender for them; a recipient marked as unable to take
 * sealed sender gets authenticated envelopes, and the conversation says so.
 */

const fixture = useRelayAndProfiles('hearth-sealed-');
const profile = (name: string) => fixture.profile(name);

/** The envelopes queued on the relay for `username`, read from its SQLite store. */
function queuedFor(username: string): { accountId: string; envelopes: Array<{ raw: Buffer; envelope: Envelope }> } {
  const db = new Database(path.join(fixture.relay.dataDir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const account = db.prepare<[string], { id: string }>('SELECT id FROM accounts WHERE username = ?').get(username);
    if (!account) throw new Error(`no account ${username}`);
    const rows = db.prepare<[string], { body: Buffer }>('SELECT body FROM envelopes WHERE account_id = ? ORDER BY seq').all(account.id);
    return { accountId: account.id, envelopes: rows.map((r) => ({ raw: r.body, envelope: fromBinary(EnvelopeSchema, r.body) })) };
  } finally {
    db.close();
  }
}

function accountIdOf(username: string): string {
  const db = new Database(path.join(fixture.relay.dataDir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[string], { id: string }>('SELECT id FROM accounts WHERE username = ?').get(username)?.id ?? '';
  } finally {
    db.close();
  }
}

describe('sealed sender', () => {
  it('sends sealed both ways; the relay stores no sender for what waits in its queue', async () => {
    const alice = await profile('sealalice');
    const bob = await profile('sealbob');
    await alice.client.addContact('sealbob');
    await bob.client.close();

    const first = await alice.client.send(dm('sealbob'), 'first, sealed');
    await alice.client.waitUntilSent(first.id);
    const second = await alice.client.send(dm('sealbob'), 'second, sealed');
    await alice.client.waitUntilSent(second.id);

    const queued = queuedFor('sealbob');
    expect(queued.envelopes).toHaveLength(2);
    const aliceAccount = accountIdOf('sealalice');
    expect(aliceAccount).not.toBe('');
    for (const { raw, envelope } of queued.envelopes) {
      expect(envelope.type).toBe(EnvelopeType.SEALED_SENDER);
      expect(envelope.senderUsername).toBe('');
      expect(envelope.senderAccountId).toBe('');
      expect(envelope.senderDeviceId).toBe(0);
      // Nothing in the stored bytes names the sender either.
      expect(raw.includes(Buffer.from('sealalice'))).toBe(false);
      expect(raw.includes(Buffer.from(aliceAccount))).toBe(false);
    }
    expect(alice.client.getConversation(dm('sealbob')).sealedSender).toBe(true);

    // Bob comes online: unseals (certificate checked against the pinned trust root), learns the sender.
    await bob.reopen();
    await bob.client.sync();
    expect(bodies(bob.client, 'sealalice')).toEqual(['first, sealed', 'second, sealed']);
    // His delivery receipts went out sealed too, and reached Alice.
    await eventually(() => expect(alice.client.getMessage(second.id).status).toBe('delivered'));

    // And back, while Alice is offline: her queue holds only sealed envelopes without a sender.
    await alice.client.close();
    const reply = await bob.client.send(dm('sealalice'), 'reply, sealed');
    await bob.client.waitUntilSent(reply.id);
    const back = queuedFor('sealalice');
    expect(back.envelopes.length).toBeGreaterThan(0);
    for (const { envelope } of back.envelopes) {
      expect(envelope.type).toBe(EnvelopeType.SEALED_SENDER);
      expect(envelope.senderUsername).toBe('');
      expect(envelope.senderAccountId).toBe('');
    }
    expect(bob.client.getConversation(dm('sealalice')).sealedSender).toBe(true);
    await alice.reopen();
    await alice.client.sync();
    expect(bodies(alice.client, 'sealbob')).toEqual(['first, sealed', 'second, sealed', 'reply, sealed']);
  });

  it('falls back to an authenticated send for a recipient who cannot take sealed sender, and records it', async () => {
    const dana = await profile('sealdana');
    const erin = await profile('sealerin');
    await dana.client.addContact('sealerin');
    // What the outbox records when the relay refuses a sealed envelope for Erin.
    await dana.client.vault.write((tx) => tx.run('UPDATE contacts SET sealed_sender = 0 WHERE id = ?', ['sealerin']));
    await erin.client.close();

    const message = await dana.client.send(dm('sealerin'), 'authenticated');
    await dana.client.waitUntilSent(message.id);
    const queued = queuedFor('sealerin');
    expect(queued.envelopes).toHaveLength(1);
    expect(queued.envelopes[0]?.envelope.type).toBe(EnvelopeType.PREKEY_MESSAGE);
    expect(queued.envelopes[0]?.envelope.senderUsername).toBe('sealdana');
    expect(dana.client.getConversation(dm('sealerin')).sealedSender).toBe(false);

    await erin.reopen();
    await erin.client.sync();
    expect(bodies(erin.client, 'sealdana')).toEqual(['authenticated']);
  });
});
