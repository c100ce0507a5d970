import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeType, ErrorCode } from '../../../shared/proto';
import { RelayTestClient } from '../../../relay/testing/client';
import { reconnect, registerDevice, submissionId } from '../../../relay/testing/devices';
import {
  bytesContain,
  eventually,
  redisBackend,
  sqliteBackend,
  startTestRedis,
  startTestRelay,
  type StoreBackend,
  type TestRedis,
} from './harness';

/**
 * "Forgets each one once it is delivered": after 1,000 envelopes carrying a
 * canary are delivered and acked, neither the data folder, nor the Redis
 * keyspace, nor the logs (at any level) hold the canary, an envelope, a
 * username or an auth secret.
 */
const ENVELOPES = 1000;
const BATCH = 50;

let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

async function filesUnder(dir: string): Promise<Buffer[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(path.join(e.parentPath, e.name))));
}

describe.each([sqliteBackend(), redisBackend(() => redis as TestRedis)])('nothing kept on $name', (backend: StoreBackend) => {
  it(`holds no trace of ${ENVELOPES} delivered envelopes`, async () => {
    const relay = await startTestRelay({ ...backend.options(), logLevel: 'debug' });
    const canary = Buffer.concat([Buffer.from('CANARY-'), randomBytes(16)]);
    const alice = await registerDevice(relay.url, 'canary.alice');
    const bob = await registerDevice(relay.url, 'canary.bob');
    const stranger = await RelayTestClient.connect(relay.url);

    // A third of the run goes to Bob while he is offline (stored, then delivered on connect), the rest live.
    const content = (i: number) => Buffer.concat([canary, Buffer.from(` #${i} `), randomBytes(i % 10 === 0 ? 20_000 : 200 + (i % 500))]);
    const send = async (from: RelayTestClient, first: number, count: number, type: EnvelopeType) => {
      for (let start = first; start < first + count; start += BATCH) {
        const indexes = Array.from({ length: Math.min(BATCH, first + count - start) }, (_, k) => start + k);
        const { results } = await from.request('send', {
          envelopes: indexes.map((i) => ({ username: 'canary.bob', deviceId: 1, type, content: content(i), submissionId: submissionId() })),
        });
        expect(results.every((r) => r.error === ErrorCode.NONE)).toBe(true);
      }
    };
    await bob.client.close();
    await send(alice.client, 0, 300, EnvelopeType.CIPHERTEXT);
    await send(stranger, 300, 50, EnvelopeType.SEALED_SENDER);
    expect(await backend.storedEnvelopes(relay)).toHaveLength(350);

    const receiver = await reconnect(relay.url, bob);
    const acks: Promise<unknown>[] = [];
    receiver.onEnvelopes = (envelopes) => acks.push(receiver.request('ack', { ids: envelopes.map((e) => e.id) }));
    await receiver.waitForEnvelopes(350);
    await send(alice.client, 350, 450, EnvelopeType.PREKEY_MESSAGE);
    await send(stranger, 800, 200, EnvelopeType.SEALED_SENDER);
    await receiver.waitForEnvelopes(ENVELOPES);
    await Promise.all(acks);
    expect(new Set(receiver.envelopes.map((e) => Buffer.from(e.content).subarray(canary.length).toString('latin1').split(' ')[1])).size).toBe(ENVELOPES);

    expect(await backend.storedEnvelopes(relay)).toEqual([]);
    expect((await backend.keys(relay)).filter((key) => /:(env|mb):/.test(key))).toEqual([]);
    // The relay scrubs deleted rows from its files within moments, while it keeps running.
    await eventually(async () => {
      expect(bytesContain(await backend.persistedBytes(relay), canary)).toBe(false);
      expect(bytesContain(await filesUnder(relay.dataDir), canary)).toBe(false);
    });

    await relay.sweep();
    await Promise.all([alice.client.close(), receiver.close(), stranger.close()]);
    await relay.close();
    expect(bytesContain(await filesUnder(relay.dataDir), canary)).toBe(false);
    if (backend.name === 'redis') expect(bytesContain(await backend.persistedBytes(relay), canary)).toBe(false);

    const log = relay.logs.join('\n');
    expect(relay.logs.filter((line) => / info relay stats .*accepted=1000/.test(line))).toHaveLength(1);
    expect(log).not.toContain('CANARY');
    expect(log).not.toMatch(/canary\.(alice|bob)/);
    expect(bytesContain([Buffer.from(log)], alice.secret)).toBe(false);
    expect(bytesContain([Buffer.from(log)], bob.secret)).toBe(false);
    await relay.stop();
  });
});
