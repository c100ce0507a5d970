import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../main/core/client/client';
import { directConversationId as dm } from '../../../main/core/messaging/views';
import { RelayError } from '../../../main/core/transport';
import { messaging, writeNewKeyFile } from '../../../main/core/vault';
import { startRelay, type Relay } from '../../../relay';
import { create } from '@bufbuild/protobuf';
import { EnvelopeType, ErrorCode, SendResponseSchema } from '../../../shared/proto/gen/hearth/v1/relay_pb';

let relay: Relay;
let root: string;
const clients: Client[] = [];

async function profile(name: string, options: { now?: () => number } = {}): Promise<{ client: Client; dir: string; keyfile: string }> {
  const dir = path.join(root, name);
  const keyfile = path.join(root, `${name}.key`);
  writeNewKeyFile(keyfile);
  const { client } = await Client.create({ dir, username: name, relayUrl: relay.url, protection: { kind: 'keyfile', path: keyfile } }, { ...options, connection: { initialBackoffMs: 20, maxBackoffMs: 100 } });
  clients.push(client);
  client.start();
  return { client, dir, keyfile };
}

async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

beforeAll(async () => {
  relay = await startRelay({ memory: true, port: 0, logLevel: 'error', limits: { prekeyLowThreshold: 150 } });
  root = await mkdtemp(path.join(tmpdir(), 'hearth-outbox-'));
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await relay.close();
  await rm(root, { recursive: true, force: true });
});

describe('send pipeline', () => {
  it('resends the same ciphertext under the same submission id after a lost answer, so the device gets it once', async () => {
    const { client: alice } = await profile('alice');
    const { client: bob } = await profile('bob');
    await alice.addContact('bob');
    const first = await alice.send(dm('bob'), 'first');
    await eventually(() => expect(alice.getMessage(first.id).status).toBe('delivered'));

    // The relay stores the next send (sealed, on the anonymous connection), but its answer is "lost" on the way back.
    const sends: Array<{ submissionIds: string[]; contents: string[]; duplicate: boolean[] }> = [];
    const anonymous = alice.sealedSender.anonymous;
    const send = anonymous.send.bind(anonymous);
    let lose = true;
    anonymous.send = async (value) => {
      const response = await send(value);
      sends.push({
        submissionIds: value.envelopes?.map((e) => Buffer.from(e.submissionId ?? []).toString('hex')) ?? [],
        contents: value.envelopes?.map((e) => Buffer.from(e.content ?? []).toString('hex')) ?? [],
        duplicate: response.results.map((r) => r.duplicate),
      });
      if (lose) {
        lose = false;
        throw new RelayError('timeout');
      }
      return response;
    };

    await alice.send(dm('bob'), 'second');
    await eventually(() => expect(sends.length).toBeGreaterThanOrEqual(2));
    expect(sends[1]?.submissionIds).toEqual(sends[0]?.submissionIds);
    expect(sends[1]?.contents).toEqual(sends[0]?.contents);
    expect(sends[0]?.duplicate).toEqual([false]);
    expect(sends[1]?.duplicate).toEqual([true]);
    await eventually(() => expect(bob.messagePage(dm('alice')).messages.map((m) => m.body)).toEqual(['first', 'second']));
  });

  it('falls back to an authenticated send when the relay refuses a sealed envelope for the recipient, and remembers it', async () => {
    const { client: kim } = await profile('kim');
    const { client: lee } = await profile('lee');
    await kim.addContact('lee');
    // A relay that takes no sealed envelopes for lee answers UNAUTHENTICATED per envelope.
    const anonymous = kim.sealedSender.anonymous;
    let refusedSealed = 0;
    anonymous.send = async (value) => {
      refusedSealed += value.envelopes?.length ?? 0;
      return create(SendResponseSchema, { results: (value.envelopes ?? []).map(() => ({ error: ErrorCode.UNAUTHENTICATED })) });
    };
    const message = await kim.send(dm('lee'), 'through the front door');
    await eventually(() => expect(lee.messagePage(dm('kim')).messages.map((m) => m.body)).toEqual(['through the front door']));
    expect(refusedSealed).toBe(1);
    expect(kim.getConversation(dm('lee')).sealedSender).toBe(false);
    await eventually(() => expect(kim.getMessage(message.id).status).toBe('delivered'));
    // Remembered: the next message goes authenticated straight away.
    await kim.send(dm('lee'), 'again');
    await eventually(() => expect(lee.messagePage(dm('kim')).messages).toHaveLength(2));
    expect(refusedSealed).toBe(1);
  });

  it('keeps an unsent message across a restart and sends it on the next connection', async () => {
    const { client: carl, dir, keyfile } = await profile('carl');
    const { client: dana } = await profile('dana');
    await carl.addContact('dana');
    carl.connection.stop();
    const queued = await carl.send(dm('dana'), 'written offline');
    await carl.close();
    const again = await Client.open(dir, { kind: 'keyfile', path: keyfile }, { connection: { initialBackoffMs: 20 } });
    clients.push(again);
    expect(again.getMessage(queued.id).status).toBe('pending');
    again.start();
    await eventually(() => expect(dana.messagePage(dm('carl')).messages.map((m) => m.body)).toEqual(['written offline']));
    await eventually(() => expect(again.getMessage(queued.id).status).toBe('delivered'));
  });
});

describe('receive pipeline', () => {
  it('stores messages that arrive out of order, in the order they were sent', async () => {
    const { client: gail } = await profile('gail');
    const { client: hugo } = await profile('hugo');
    await gail.addContact('hugo');
    await gail.send(dm('hugo'), 'hello');
    await eventually(() => expect(hugo.messagePage(dm('gail')).messages).toHaveLength(1));
    // Hugo's side sees each pushed batch backwards: later ratchet steps before earlier ones.
    const push = hugo.receiver.push.bind(hugo.receiver);
    hugo.receiver.push = (envelopes) => push([...envelopes].reverse());
    hugo.connection.stop();
    for (const text of ['one', 'two', 'three', 'four']) await gail.send(dm('hugo'), text);
    await eventually(() => expect(gail.messagePage(dm('hugo')).messages.every((m) => m.status !== 'pending')).toBe(true));
    hugo.start();
    await hugo.sync();
    expect(hugo.messagePage(dm('gail')).messages.map((m) => [m.kind, m.body])).toEqual(['hello', 'one', 'two', 'three', 'four'].map((b) => ['text', b]));
  });

  it('turns an envelope that cannot be decrypted into a placeholder and keeps going', async () => {
    const { client: ivan } = await profile('ivan');
    const { client: june } = await profile('june');
    const { registerDevice, submissionId } = await import('../../../relay/testing/devices');
    const mallory = await registerDevice(relay.url, 'mallory', { prekeys: 5 });
    await mallory.client.request('send', { envelopes: [{ username: 'june', deviceId: 1, type: 1, content: new Uint8Array(64).fill(7), submissionId: submissionId() }] });
    await ivan.addContact('june');
    await ivan.send(dm('june'), 'after the garbage');
    await eventually(() => expect(june.messagePage(dm('ivan')).messages.map((m) => m.body)).toEqual(['after the garbage']));
    await eventually(() => expect(june.messagePage(dm('mallory')).messages.map((m) => m.kind)).toEqual(['decrypt-failed']));
    // The reset reached mallory's device, sealed (a fresh session from its bundle inside).
    await mallory.client.waitForEnvelopes(1);
    expect(mallory.client.envelopes[0]?.type).toBe(EnvelopeType.SEALED_SENDER);
    await mallory.client.close();
  });
});

describe('prekeys', () => {
  it('replenishes one-time prekeys when the relay says they run low', async () => {
    // This relay calls fewer than 150 "low": a new profile's 100 are low at once.
    const { client } = await profile('erin');
    await eventually(async () => {
      const counts = await client.connection.request('prekeyCount', {});
      expect([counts.ecPrekeys, counts.kyberPrekeys]).toEqual([200, 200]);
    });
    expect(client.vault.read((db) => db.get('SELECT count(*) AS n FROM protocol_prekeys')?.n)).toBe(200);
  });

  it('rotates the signed and last-resort prekeys every two days, keeping the newest five', async () => {
    let clock = Date.now();
    const { client: first, dir, keyfile } = await profile('fred', { now: () => clock });
    await first.settle();
    await first.close();
    const counts = () => ({
      signed: messaging.listSignedPreKeyMeta,
      kyber: messaging.listKyberPreKeyMeta,
    });
    const seen: Array<{ signed: number; lastResort: number }> = [];
    for (let step = 0; step < 6; step += 1) {
      clock += 2 * 24 * 60 * 60 * 1000 + 1000;
      const client = await Client.open(dir, { kind: 'keyfile', path: keyfile }, { now: () => clock });
      client.start();
      await client.connection.whenOnline();
      await eventually(() => expect(client.vault.read((db) => counts().signed(db).some((k) => k.createdAt === clock))).toBe(true));
      await client.settle();
      seen.push(client.vault.read((db) => ({ signed: counts().signed(db).length, lastResort: counts().kyber(db).filter((k) => k.lastResort).length })));
      await client.close();
    }
    expect(seen).toEqual([2, 3, 4, 5, 5, 5].map((n) => ({ signed: n, lastResort: n })));
  });
});
