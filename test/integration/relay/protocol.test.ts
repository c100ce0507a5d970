import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { IdentityKeyPair, PublicKey, SenderCertificate } from '@signalapp/libsignal-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, EnvelopeType, type Envelope } from '../../../shared/proto';
import { RelayClientError, RelayTestClient, type RequestInit } from '../../../relay/testing/client';
import { makePrekeys, reconnect, registerDevice, submissionId, type TestDevice } from '../../../relay/testing/devices';
import {
  bytesContain,
  eventually,
  redisBackend,
  sqliteBackend,
  startTestRedis,
  startTestRelay,
  type TestRedis,
  type TestRelay,
} from './harness';
import type { RelayOptions } from '../../../relay';

let relay: TestRelay;
let redis: TestRedis | undefined;
const clients: RelayTestClient[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.stop();
});

async function device(username: string, options: Parameters<typeof registerDevice>[2] = {}): Promise<TestDevice> {
  const d = await registerDevice(relay.url, username, options);
  clients.push(d.client);
  return d;
}

async function anonymous(): Promise<RelayTestClient> {
  const client = await RelayTestClient.connect(relay.url);
  clients.push(client);
  return client;
}

type OutgoingInit = NonNullable<RequestInit<'send'>['envelopes']>[number];

function envelopeTo(username: string, content: string | Uint8Array, extra: Partial<OutgoingInit> = {}): OutgoingInit {
  return {
    username,
    deviceId: 1,
    type: EnvelopeType.CIPHERTEXT,
    content: typeof content === 'string' ? Buffer.from(content) : content,
    submissionId: submissionId(),
    ...extra,
  };
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<RelayClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RelayClientError);
  expect(ErrorCode[(error as RelayClientError).code]).toBe(ErrorCode[code]);
  return error as RelayClientError;
}

const text = (envelope: Envelope | undefined) => Buffer.from(envelope?.content ?? []).toString();

describe.each([sqliteBackend(), redisBackend(() => redis as TestRedis)])('relay protocol on $name', (backend) => {
  async function start(options: RelayOptions = {}): Promise<TestRelay> {
    relay = await startTestRelay({ ...backend.options(), ...options });
    return relay;
  }

  const storedEnvelopes = () => backend.storedEnvelopes(relay);

  describe('accounts', () => {
    it('registers a username once, with an account id, identity key and devices anyone authenticated can look up', async () => {
      await start();
      const alice = await device('alice.smith_1');
      expect(alice.accountId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const bob = await device('bob');
      const found = await bob.client.request('lookup', { target: { case: 'username', value: 'alice.smith_1' } });
      expect(found.accountId).toBe(alice.accountId);
      expect(Buffer.from(found.identityKey)).toEqual(Buffer.from(alice.identity.publicKey.serialize()));
      expect(found.devices.map((d) => d.deviceId)).toEqual([1]);
      const byId = await bob.client.request('lookup', { target: { case: 'accountId', value: alice.accountId } });
      expect(byId.username).toBe('alice.smith_1');
      await expectCode(bob.client.request('lookup', { target: { case: 'username', value: 'nobody' } }), ErrorCode.NOT_FOUND);

      const again = await anonymous();
      const register = (username: string, overrides: Partial<RequestInit<'register'>> = {}) =>
        again.request('register', {
          username,
          deviceId: 1,
          registrationId: 7,
          identityKey: IdentityKeyPair.generate().publicKey.serialize(),
          authSecret: randomBytes(32),
          ...overrides,
        });
      await expectCode(register('alice.smith_1'), ErrorCode.USERNAME_TAKEN);
      for (const bad of ['al', 'Alice', 'al ice', 'al-ice', 'a'.repeat(33), 'ålice', '']) await expectCode(register(bad), ErrorCode.INVALID_USERNAME);
      await expectCode(register('carol', { identityKey: randomBytes(33) }), ErrorCode.INVALID_ARGUMENT);
      await expectCode(register('carol', { authSecret: randomBytes(8) }), ErrorCode.INVALID_ARGUMENT);
      await expectCode(register('carol', { deviceId: 0 }), ErrorCode.INVALID_ARGUMENT);
      await expectCode(register('carol', { registrationId: 0 }), ErrorCode.INVALID_ARGUMENT);
      expect((await register('carol.3')).accountId).toMatch(/-/);
    });

    it('keeps only a salted hash of each auth secret', async () => {
      await start();
      const alice = await device('alice');
      expect(await backend.persistedBytes(relay)).not.toHaveLength(0);
      expect(bytesContain(await backend.persistedBytes(relay), alice.secret)).toBe(false);
      expect(bytesContain(await backend.persistedBytes(relay), alice.identity.publicKey.serialize())).toBe(true);
    });

    it('refuses wrong credentials, then accepts the right ones once per connection', async () => {
      await start();
      const alice = await device('alice');
      const client = await anonymous();
      const auth = (username: string, deviceId: number, authSecret: Uint8Array) => client.request('authenticate', { username, deviceId, authSecret });
      await expectCode(auth('alice', 1, randomBytes(32)), ErrorCode.UNAUTHENTICATED);
      await expectCode(auth('alice', 2, alice.secret), ErrorCode.UNAUTHENTICATED);
      await expectCode(auth('mallory', 1, alice.secret), ErrorCode.UNAUTHENTICATED);
      await expectCode(auth('Not A Name', 1, alice.secret), ErrorCode.UNAUTHENTICATED);
      for (const kind of ['lookup', 'prekeyCount', 'ack', 'senderCertificate'] as const) {
        const value = kind === 'lookup' ? { target: { case: 'username' as const, value: 'alice' } } : {};
        await expectCode(client.request(kind, value), ErrorCode.UNAUTHENTICATED);
      }
      const ok = await auth('alice', 1, alice.secret);
      expect(ok.accountId).toBe(alice.accountId);
      await expectCode(auth('alice', 1, alice.secret), ErrorCode.ALREADY_AUTHENTICATED);
      expect((await client.request('prekeyCount', {})).ecPrekeys).toBe(0);
    });

    it('adds and removes devices; a removed device is disconnected and its queue deleted', async () => {
      await start();
      const alice = await device('alice');
      const bob = await device('bob');
      const laptopSecret = randomBytes(32);
      await alice.client.request('addDevice', { deviceId: 2, registrationId: 99, authSecret: laptopSecret });
      await expectCode(alice.client.request('addDevice', { deviceId: 2, registrationId: 99, authSecret: laptopSecret }), ErrorCode.DEVICE_EXISTS);
      const laptop = await reconnect(relay.url, { username: 'alice', deviceId: 2, secret: laptopSecret });
      clients.push(laptop);
      const devices = await bob.client.request('lookup', { target: { case: 'username', value: 'alice' } });
      expect(devices.devices).toEqual([expect.objectContaining({ deviceId: 1 }), expect.objectContaining({ deviceId: 2, registrationId: 99 })]);

      await bob.client.request('send', { envelopes: [envelopeTo('alice', 'to laptop', { deviceId: 2 })] });
      await laptop.waitForEnvelopes(1);
      expect(text(laptop.envelopes[0])).toBe('to laptop');
      await bob.client.request('send', { envelopes: [envelopeTo('alice', 'unacked', { deviceId: 2 })] });
      await laptop.waitForEnvelopes(2);

      await expectCode(alice.client.request('removeDevice', { deviceId: 1 }), ErrorCode.INVALID_ARGUMENT);
      await alice.client.request('removeDevice', { deviceId: 2 });
      expect((await laptop.closed).code).toBe(4403);
      expect(await storedEnvelopes()).toHaveLength(0);
      await expectCode(reconnect(relay.url, { username: 'alice', deviceId: 2, secret: laptopSecret }), ErrorCode.UNAUTHENTICATED);
      const result = await bob.client.request('send', { envelopes: [envelopeTo('alice', 'gone', { deviceId: 2 })] });
      expect(result.results[0]?.error).toBe(ErrorCode.NOT_FOUND);
    });

    it('limits devices per account and connections per account', async () => {
      await start({ limits: { maxDevicesPerAccount: 2, maxConnectionsPerAccount: 2 } });
      const alice = await device('alice');
      await alice.client.request('addDevice', { deviceId: 2, registrationId: 2, authSecret: randomBytes(16) });
      await expectCode(alice.client.request('addDevice', { deviceId: 3, registrationId: 3, authSecret: randomBytes(16) }), ErrorCode.TOO_MANY_DEVICES);
      const second = await reconnect(relay.url, alice);
      clients.push(second);
      const third = await anonymous();
      const refused = await expectCode(third.request('authenticate', { username: 'alice', deviceId: 1, authSecret: alice.secret }), ErrorCode.TOO_MANY_CONNECTIONS);
      expect(refused.message).toMatch(/too many/i);
      await second.close();
      // The relay frees the slot when it sees the close; retry until it has.
      for (let attempt = 0; ; attempt++) {
        const answer = await third.requestRaw('authenticate', { username: 'alice', deviceId: 1, authSecret: alice.secret });
        if (!answer.error) break;
        expect(answer.error.code).toBe(ErrorCode.TOO_MANY_CONNECTIONS);
        expect(attempt).toBeLessThan(100);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
  });

  describe('prekeys', () => {
    it('hands out one bundle per device, consuming one-time keys, then the last-resort Kyber key, and warns the owner', async () => {
      await start({ limits: { prekeyLowThreshold: 2 } });
      const bob = await device('bob', { prekeys: 2 });
      const alice = await device('alice');
      expect(await bob.client.request('prekeyCount', {})).toMatchObject({ ecPrekeys: 2, kyberPrekeys: 2 });

      const fetch = () => alice.client.request('getBundles', { target: { case: 'username', value: 'bob' } });
      const first = await fetch();
      const second = await fetch();
      const third = await fetch();
      const [b1, b2, b3] = [first.bundles[0], second.bundles[0], third.bundles[0]];
      expect(first.accountId).toBe(bob.accountId);
      expect(Buffer.from(first.identityKey)).toEqual(Buffer.from(bob.identity.publicKey.serialize()));
      expect([b1?.ecPrekey?.keyId, b2?.ecPrekey?.keyId]).toEqual([1, 2]);
      expect([b1?.kyberPrekey?.keyId, b2?.kyberPrekey?.keyId]).toEqual([1, 2]);
      expect(b3?.ecPrekey).toBeUndefined();
      expect(b3?.kyberIsLastResort).toBe(true);
      expect(b3?.kyberPrekey?.keyId).toBe(0xffffff);
      expect(b1?.registrationId).toBeGreaterThan(0);
      const signed = b1?.signedPrekey;
      expect(bob.identity.publicKey.verify(Uint8Array.from(signed?.publicKey ?? []), Uint8Array.from(signed?.signature ?? []))).toBe(true);
      expect(await bob.client.request('prekeyCount', {})).toMatchObject({ ecPrekeys: 0, kyberPrekeys: 0 });
      await bob.client.waitUntil(() => bob.client.pushes.some((p) => p.body.case === 'prekeysLow'), 5000, 'a prekeys-low push');

      // A reconnect with an empty supply is told at once.
      const again = await reconnect(relay.url, bob);
      clients.push(again);
      await again.waitUntil(() => again.pushes.some((p) => p.body.case === 'prekeysLow'), 5000, 'a prekeys-low push at connect');
      await expectCode(alice.client.request('getBundles', { target: { case: 'username', value: 'bob' }, deviceId: 9 }), ErrorCode.NOT_FOUND);
    });

    it('refuses bad keys, bad signatures and oversupply', async () => {
      await start({ limits: { maxPrekeysPerUpload: 5, maxPrekeysPerDevice: 8 } });
      const bob = await device('bob');
      const good = makePrekeys(bob.identity, 5);
      const forged = makePrekeys(IdentityKeyPair.generate(), 1);
      await expectCode(bob.client.request('uploadPrekeys', { signedPrekey: forged.signedPrekey }), ErrorCode.INVALID_SIGNATURE);
      await expectCode(bob.client.request('uploadPrekeys', { kyberPrekeys: forged.kyberPrekeys }), ErrorCode.INVALID_SIGNATURE);
      await expectCode(bob.client.request('uploadPrekeys', { ecPrekeys: [{ keyId: 1, publicKey: randomBytes(33) }] }), ErrorCode.INVALID_ARGUMENT);
      await expectCode(bob.client.request('uploadPrekeys', { ecPrekeys: makePrekeys(bob.identity, 6).ecPrekeys }), ErrorCode.TOO_LARGE);
      const ec = good.ecPrekeys ?? [];
      await expectCode(bob.client.request('uploadPrekeys', { ecPrekeys: [ec[0]!, ec[0]!] }), ErrorCode.INVALID_ARGUMENT);
      expect(await bob.client.request('uploadPrekeys', good)).toMatchObject({ ecPrekeys: 5, kyberPrekeys: 5 });
      await expectCode(bob.client.request('uploadPrekeys', makePrekeys(bob.identity, 4, 100)), ErrorCode.TOO_LARGE);
      expect(await bob.client.request('prekeyCount', {})).toMatchObject({ ecPrekeys: 5, kyberPrekeys: 5 });
    });
  });

  describe('envelopes', () => {
    it('stores before answering, pushes at once, and deletes on ack', async () => {
      await start();
      const alice = await device('alice');
      const bob = await device('bob');
      const sent = await alice.client.request('send', { envelopes: [envelopeTo('bob', 'hello bob')] });
      expect(sent.results).toEqual([expect.objectContaining({ error: ErrorCode.NONE, duplicate: false })]);
      await bob.client.waitForEnvelopes(1);
      const pushed = bob.client.envelopes[0];
      expect(text(pushed)).toBe('hello bob');
      expect(pushed).toMatchObject({ type: EnvelopeType.CIPHERTEXT, senderUsername: 'alice', senderDeviceId: 1, senderAccountId: alice.accountId });
      expect(pushed?.id).toHaveLength(16);
      expect(pushed?.serverTimestampMs).toBeGreaterThan(0n);

      expect((await storedEnvelopes()).map((e) => Buffer.from(e.id).toString('hex'))).toEqual([Buffer.from(pushed?.id ?? []).toString('hex')]);
      await bob.client.request('ack', { ids: [pushed!.id] });
      expect(await storedEnvelopes()).toHaveLength(0);
      // Acks are idempotent.
      await bob.client.request('ack', { ids: [pushed!.id, randomBytes(16)] });
      await expectCode(bob.client.request('ack', { ids: [randomBytes(5)] }), ErrorCode.INVALID_ARGUMENT);
    });

    it('queues for an offline device and delivers on connect, then says the queue is empty', async () => {
      await start();
      const alice = await device('alice');
      const bob = await device('bob');
      await bob.client.close();
      await alice.client.request('send', { envelopes: ['one', 'two', 'three'].map((t) => envelopeTo('bob', t)) });
      expect(await storedEnvelopes()).toHaveLength(3);
      const back = await reconnect(relay.url, bob);
      clients.push(back);
      await back.waitUntil(() => back.pushes.some((p) => p.body.case === 'queueEmpty'), 5000, 'queue empty');
      expect(back.envelopes.map(text)).toEqual(['one', 'two', 'three']);
      const order = back.pushes.map((p) => p.body.case).filter((kind) => kind !== 'prekeysLow');
      expect(order.at(-1)).toBe('queueEmpty');
      expect(order.slice(0, -1).every((kind) => kind === 'envelopes')).toBe(true);
      await back.request('ack', { ids: back.envelopes.map((e) => e.id) });
      expect(await storedEnvelopes()).toHaveLength(0);
    });

    it('keeps at most pushWindow unacked envelopes in flight and delivers a long queue in order, once each', async () => {
      await start({ limits: { pushWindow: 4 } });
      const alice = await device('alice');
      const bob = await device('bob');
      await bob.client.close();
      const contents = Array.from({ length: 30 }, (_, i) => `m${i}`);
      await alice.client.request('send', { envelopes: contents.map((t) => envelopeTo('bob', t)) });
      const back = await reconnect(relay.url, bob);
      clients.push(back);
      await back.waitForEnvelopes(4);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(back.envelopes).toHaveLength(4);
      let acked = 0;
      while (acked < contents.length) {
        await back.waitForEnvelopes(acked + 1);
        const batch = back.envelopes.slice(acked);
        acked += batch.length;
        await back.request('ack', { ids: batch.map((e) => e.id) });
      }
      // New envelopes arrive live once the queue is drained.
      await alice.client.request('send', { envelopes: [envelopeTo('bob', 'late')] });
      await back.waitForEnvelopes(31);
      expect(back.envelopes.map(text)).toEqual([...contents, 'late']);
    });

    it('drops a repeated submission id and still reports success', async () => {
      await start();
      const alice = await device('alice');
      const bob = await device('bob');
      const envelope = envelopeTo('bob', 'once');
      const first = await alice.client.request('send', { envelopes: [envelope] });
      const again = await alice.client.request('send', { envelopes: [envelope] });
      expect(first.results[0]).toMatchObject({ error: ErrorCode.NONE, duplicate: false });
      expect(again.results[0]).toMatchObject({ error: ErrorCode.NONE, duplicate: true });
      await bob.client.waitForEnvelopes(1);
      await bob.client.request('ack', { ids: [bob.client.envelopes[0]!.id] });
      // Still a repeat after delivery: a sender that lost the first answer must not cause a second copy.
      const late = await alice.client.request('send', { envelopes: [envelope] });
      expect(late.results[0]?.duplicate).toBe(true);
      await bob.client.request('ping', {});
      expect(bob.client.envelopes).toHaveLength(1);
      // The same submission id to another device is a different submission.
      const other = await alice.client.request('send', { envelopes: [{ ...envelope, username: 'alice' }] });
      expect(other.results[0]?.duplicate).toBe(false);
    });

    it('answers each envelope of a batch in order, refusing the bad ones only', async () => {
      await start({ limits: { maxEnvelopeBytes: 100 } });
      const alice = await device('alice');
      await device('bob');
      const { results } = await alice.client.request('send', {
        envelopes: [
          envelopeTo('bob', 'fine'),
          envelopeTo('nobody', 'x'),
          envelopeTo('bob', 'x', { deviceId: 5 }),
          envelopeTo('bob', 'x'.repeat(101)),
          envelopeTo('bob', 'x', { type: EnvelopeType.UNSPECIFIED }),
          envelopeTo('bob', 'x', { submissionId: randomBytes(3) }),
          envelopeTo('bob', ''),
          envelopeTo('bob', 'x', { deviceId: 400 }),
          envelopeTo('NOT VALID', 'x'),
          envelopeTo('bob', 'x'.repeat(100)),
        ],
      });
      expect(results.map((r) => ErrorCode[r.error])).toEqual([
        'NONE',
        'NOT_FOUND',
        'NOT_FOUND',
        'TOO_LARGE',
        'INVALID_ARGUMENT',
        'INVALID_ARGUMENT',
        'INVALID_ARGUMENT',
        'INVALID_ARGUMENT',
        'NOT_FOUND',
        'NONE',
      ]);
      expect(await storedEnvelopes()).toHaveLength(2);
    });

    it('expires undelivered envelopes after the time-to-live', async () => {
      // SQLite expiry follows the relay's clock; Redis expires keys on its own clock, so that run uses a short real TTL.
      let clock = Date.now();
      const ttl = backend.name === 'sqlite' ? 60_000 : 1000;
      await start({ now: () => (backend.name === 'sqlite' ? clock : Date.now()), limits: { envelopeTtlMs: ttl } });
      const alice = await device('alice');
      const bob = await device('bob');
      await bob.client.close();
      const envelope = envelopeTo('bob', 'too late');
      await alice.client.request('send', { envelopes: [envelope, envelopeTo('bob', 'also late')] });
      expect(await storedEnvelopes()).toHaveLength(2);

      if (backend.name === 'sqlite') {
        clock += ttl + 1;
        await relay.sweep();
        expect(relay.metrics.value('hearth_relay_envelopes_expired_total')).toBe(2);
      }
      await eventually(async () => expect(await storedEnvelopes()).toHaveLength(0));
      await alice.client.request('send', { envelopes: [envelopeTo('bob', 'in time')] });
      const back = await reconnect(relay.url, bob);
      clients.push(back);
      await back.waitUntil(() => back.pushes.some((p) => p.body.case === 'queueEmpty'), 5000, 'queue empty');
      expect(back.envelopes.map(text)).toEqual(['in time']);
      // The submission id is forgotten with the envelope, so the same id is a new submission now.
      const resent = await alice.client.request('send', { envelopes: [envelope] });
      expect(resent.results[0]?.duplicate).toBe(false);
    });

    it('refuses envelopes past the per-device queue limit', async () => {
      await start({ limits: { maxQueue: 3 } });
      const alice = await device('alice');
      const bob = await device('bob');
      await bob.client.close();
      const { results } = await alice.client.request('send', { envelopes: ['a', 'b', 'c', 'd'].map((t) => envelopeTo('bob', t)) });
      expect(results.map((r) => ErrorCode[r.error])).toEqual(['NONE', 'NONE', 'NONE', 'QUEUE_FULL']);
      const later = await alice.client.request('send', { envelopes: [envelopeTo('bob', 'e')] });
      expect(later.results[0]?.error).toBe(ErrorCode.QUEUE_FULL);
      // Another recipient's queue is unaffected.
      await device('carol');
      const toCarol = await alice.client.request('send', { envelopes: [envelopeTo('carol', 'fine')] });
      expect(toCarol.results[0]?.error).toBe(ErrorCode.NONE);
      const back = await reconnect(relay.url, bob);
      clients.push(back);
      await back.waitForEnvelopes(3);
      await back.request('ack', { ids: back.envelopes.map((e) => e.id) });
      const room = await alice.client.request('send', { envelopes: [envelopeTo('bob', 'f')] });
      expect(room.results[0]?.error).toBe(ErrorCode.NONE);
    });

    it('enforces the batch and frame size limits', async () => {
      await start({ limits: { maxBatch: 3, maxFrameBytes: 4096, maxEnvelopeBytes: 1024 } });
      const alice = await device('alice');
      await device('bob');
      await expectCode(alice.client.request('send', { envelopes: ['1', '2', '3', '4'].map((t) => envelopeTo('bob', t)) }), ErrorCode.BATCH_TOO_LARGE);
      await expectCode(alice.client.request('ack', { ids: Array.from({ length: 4 }, () => randomBytes(16)) }), ErrorCode.BATCH_TOO_LARGE);
      await expectCode(alice.client.request('send', { envelopes: [] }), ErrorCode.INVALID_ARGUMENT);
      const sending = alice.client.request('send', { envelopes: [envelopeTo('bob', randomBytes(5000))] }).catch((e: unknown) => e);
      expect((await alice.client.closed).code).toBe(1009);
      expect(await sending).toBeInstanceOf(Error);
    });
  });

  describe('sealed sender', () => {
    it('issues sender certificates that chain to the published trust root', async () => {
      await start();
      const alice = await device('alice');
      const info = await (await anonymous()).request('serverInfo', {});
      const trustRoot = PublicKey.deserialize(Uint8Array.from(info.trustRootPublicKey));
      const issued = await alice.client.request('senderCertificate', {});
      const certificate = SenderCertificate.deserialize(Uint8Array.from(issued.certificate));
      expect(certificate.validate(trustRoot, Date.now())).toBe(true);
      expect(certificate.validate(trustRoot, Number(issued.expiresAtMs) + 1)).toBe(false);
      expect(certificate.senderUuid()).toBe(alice.accountId);
      expect(certificate.senderDeviceId()).toBe(1);
      expect(Buffer.from(certificate.key().serialize())).toEqual(Buffer.from(alice.identity.publicKey.serialize()));
      expect(info.limits?.maxBatch).toBe(256);
    });

    it('keeps the trust root across restarts, in a file only the relay may read', async () => {
      await start();
      const before = await (await anonymous()).request('serverInfo', {});
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await relay.close();
      const { stat } = await import('node:fs/promises');
      expect((await stat(path.join(relay.dataDir, 'trust-root.key'))).mode & 0o777).toBe(0o600);
      relay = await startTestRelay({ ...backend.options(), dataDir: relay.dataDir });
      const after = await (await anonymous()).request('serverInfo', {});
      expect(Buffer.from(after.trustRootPublicKey)).toEqual(Buffer.from(before.trustRootPublicKey));
    });

    it('accepts sealed envelopes without authentication and stores no sender', async () => {
      await start();
      const bob = await device('bob');
      const stranger = await anonymous();
      await expectCode(stranger.request('send', { envelopes: [envelopeTo('bob', 'not sealed')] }), ErrorCode.UNAUTHENTICATED);
      await bob.client.close();
      const sealed = envelopeTo('bob', 'sealed hello', { type: EnvelopeType.SEALED_SENDER });
      expect((await stranger.request('send', { envelopes: [sealed] })).results[0]?.error).toBe(ErrorCode.NONE);
      // Sealed envelopes carry no sender even on an authenticated connection.
      const alice = await device('alice');
      await alice.client.request('send', { envelopes: [envelopeTo('bob', 'sealed too', { type: EnvelopeType.SEALED_SENDER })] });

      const stored = await storedEnvelopes();
      expect(stored).toHaveLength(2);
      for (const envelope of stored) expect(envelope).toMatchObject({ senderUsername: '', senderDeviceId: 0, senderAccountId: '' });
      const back = await reconnect(relay.url, bob);
      clients.push(back);
      await back.waitForEnvelopes(2);
      expect(back.envelopes.map(text)).toEqual(['sealed hello', 'sealed too']);
      for (const envelope of back.envelopes) expect(envelope).toMatchObject({ type: EnvelopeType.SEALED_SENDER, senderUsername: '', senderAccountId: '' });
    });
  });

  describe('rate limits', () => {
    it('limits requests per account', async () => {
      await start({ limits: { accountRequestsPerMinute: 5 } });
      const alice = await device('alice');
      const answers = await Promise.all(Array.from({ length: 8 }, () => alice.client.requestRaw('ping', {})));
      const limited = answers.filter((a) => a.error?.code === ErrorCode.RATE_LIMITED);
      expect(limited.length).toBeGreaterThanOrEqual(3);
      expect(limited[0]?.error?.retryAfterMs).toBeGreaterThan(0);
      // Another account has its own budget.
      const bob = await device('bob');
      expect((await bob.client.requestRaw('ping', {})).error).toBeUndefined();
    });

    it('limits unauthenticated requests per address', async () => {
      await start({ limits: { addressRequestsPerMinute: 4 } });
      const a = await anonymous();
      const b = await anonymous();
      const answers = await Promise.all([a, b, a, b, a, b].map((c) => c.requestRaw('serverInfo', {})));
      expect(answers.filter((r) => r.error?.code === ErrorCode.RATE_LIMITED)).toHaveLength(2);
      a.sendRaw(Uint8Array.of(0xff));
      await a.waitUntil(() => a.frameErrors.length > 0, 5000, 'an error for the bad frame');
      expect(a.frameErrors[0]?.error?.code).toBe(ErrorCode.RATE_LIMITED);
    });
  });

  describe('connection', () => {
    it('drops a connection that stops answering keep-alive pings, and keeps one that answers', async () => {
      await start({ keepaliveIntervalMs: 50 });
      const { WebSocket } = await import('ws');
      const silent = new WebSocket(relay.url + '/v1/websocket', { autoPong: false });
      const silentClosed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
      await new Promise((resolve) => silent.once('open', resolve));
      const lively = await anonymous();
      await silentClosed;
      expect(lively.isOpen).toBe(true);
      expect((await lively.request('ping', {})).serverTimeMs).toBeGreaterThan(0n);
    });

    it('answers pings and refuses text frames', async () => {
      await start();
      const client = await anonymous();
      expect((await client.request('ping', {})).serverTimeMs).toBeGreaterThan(0n);
      client.socket.send('hello');
      expect((await client.closed).code).toBe(1003);
    });
  });
});
