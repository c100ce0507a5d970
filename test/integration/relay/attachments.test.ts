import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/proto';
import { basicAuthHeader } from '../../../relay/credentials';
import { RelayClientError } from '../../../relay/testing/client';
import { registerDevice, type TestDevice } from '../../../relay/testing/devices';
import { eventually, redisBackend, sqliteBackend, startTestRedis, startTestRelay, type TestRedis, type TestRelay } from './harness';
import type { RelayOptions } from '../../../relay';

let relay: TestRelay;
let devices: TestDevice[] = [];
let redis: TestRedis | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

afterEach(async () => {
  await Promise.all(devices.map((d) => d.client.close()));
  devices = [];
  await relay.stop();
});

let backendOptions: () => RelayOptions = () => ({});

async function setUp(options: RelayOptions = {}) {
  relay = await startTestRelay({ ...backendOptions(), ...options });
  devices = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => registerDevice(relay.url, name)));
  const [alice, bob, carol, dave] = devices as [TestDevice, TestDevice, TestDevice, TestDevice];
  return { alice, bob, carol, dave };
}

interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** One HTTP request; `chunks` are written one by one (chunked encoding unless a content-length is given). */
function request(method: string, urlPath: string, device: TestDevice | undefined, chunks: Buffer[] = [], headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(relay.httpUrl + urlPath, {
      method,
      headers: { ...(device && { authorization: basicAuthHeader(device) }), ...headers },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    // The relay may answer (413) and close before the whole body is written.
    req.on('error', (error) => (error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const blobFiles = async () => readdir(path.join(relay.dataDir, 'attachments'));

async function create(owner: TestDevice, size: number, recipients: TestDevice[]) {
  return owner.client.request('createAttachment', { size: BigInt(size), recipients: recipients.map((r) => ({ username: r.username, deviceId: r.deviceId })) });
}

describe.each([sqliteBackend(), redisBackend(() => redis as TestRedis)])('attachments on $name', (backend) => {
  beforeAll(() => {
    backendOptions = backend.options;
  });

  it('uploads once, serves listed recipients, and deletes the blob when every one has fetched it', async () => {
    const { alice, bob, carol, dave } = await setUp();
    const bytes = randomBytes(300_000);
    const { uploadPath, attachmentId, expiresAtMs } = await create(alice, bytes.length, [bob, carol]);
    expect(uploadPath).toBe(`/v1/attachments/${attachmentId}`);
    expect(expiresAtMs).toBeGreaterThan(BigInt(Date.now()));

    expect((await request('GET', uploadPath, bob)).status).toBe(404);
    expect((await request('PUT', uploadPath, bob, [bytes])).status).toBe(404);
    expect((await request('PUT', uploadPath, alice, [bytes.subarray(0, 100_000), bytes.subarray(100_000)])).status).toBe(204);
    expect((await request('PUT', uploadPath, alice, [bytes])).status).toBe(404);
    expect(await blobFiles()).toEqual([attachmentId]);

    expect((await request('GET', uploadPath, dave)).status).toBe(404);
    expect((await request('GET', uploadPath, alice)).status).toBe(404);
    const unauthenticated = await request('GET', uploadPath, undefined);
    expect(unauthenticated.status).toBe(401);
    expect(JSON.parse(unauthenticated.body.toString())).toMatchObject({ error: 'UNAUTHENTICATED' });
    const wrongSecret = await request('GET', uploadPath, { ...bob, secret: randomBytes(32) });
    expect(wrongSecret.status).toBe(401);

    const first = await request('GET', uploadPath, bob);
    expect(first.status).toBe(200);
    expect(first.body.equals(bytes)).toBe(true);
    // Bob may fetch again while Carol has not.
    expect((await request('GET', uploadPath, bob)).body.equals(bytes)).toBe(true);
    expect((await request('GET', uploadPath, carol)).body.equals(bytes)).toBe(true);
    // The blob goes once Carol's download has completed, just after she has the bytes.
    await eventually(async () => expect(await blobFiles()).toEqual([]));
    expect((await request('GET', uploadPath, carol)).status).toBe(404);
    expect(relay.metrics.value('hearth_relay_attachments_deleted_total')).toBe(1);
  });

  it('refuses attachments over the size limit, and uploads longer or shorter than declared', async () => {
    const { alice, bob } = await setUp({ limits: { maxAttachmentBytes: 1000 } });
    const error = await create(alice, 1001, [bob]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayClientError);
    expect((error as RelayClientError).code).toBe(ErrorCode.TOO_LARGE);
    await expect(create(alice, 10, [{ ...bob, username: 'nobody' }])).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(create(alice, 10, [])).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });

    const declaredTooLong = await create(alice, 1000, [bob]);
    const answer = await request('PUT', declaredTooLong.uploadPath, alice, [randomBytes(1001)]);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ error: 'TOO_LARGE' });

    const streamedTooLong = await create(alice, 1000, [bob]);
    const chunks = Array.from({ length: 20 }, () => randomBytes(100));
    expect((await request('PUT', streamedTooLong.uploadPath, alice, chunks)).status).toBe(413);

    const short = await create(alice, 1000, [bob]);
    expect((await request('PUT', short.uploadPath, alice, [randomBytes(999)])).status).toBe(400);
    expect(await blobFiles()).toEqual([]);
    // A refused upload can be retried with the right bytes.
    expect((await request('PUT', short.uploadPath, alice, [randomBytes(1000)])).status).toBe(204);
  });

  it('deletes attachments nobody fetched after their time-to-live', async () => {
    let clock = Date.now();
    const { alice, bob } = await setUp({ now: () => clock });
    const { uploadPath } = await create(alice, 10, [bob]);
    expect((await request('PUT', uploadPath, alice, [randomBytes(10)])).status).toBe(204);
    clock += 14 * 24 * 60 * 60 * 1000 + 1;
    await relay.sweep();
    expect(await blobFiles()).toEqual([]);
    expect((await request('GET', uploadPath, bob)).status).toBe(404);
  });

  it('serves health and aggregate metrics, and nothing else', async () => {
    const { alice, bob } = await setUp();
    await alice.client.request('send', {
      envelopes: [{ username: 'bob', deviceId: 1, type: 1, content: Buffer.from('x'), submissionId: randomBytes(16) }],
    });
    await bob.client.waitForEnvelopes(1);
    const health = await request('GET', '/healthz', undefined);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toEqual({ status: 'ok' });
    const metrics = (await request('GET', '/metrics', undefined)).body.toString();
    expect(metrics).toMatch(/^# HELP hearth_relay_connections /m);
    expect(metrics).toMatch(/^hearth_relay_envelopes_accepted_total 1$/m);
    expect(metrics).toMatch(/^hearth_relay_connections 4$/m);
    expect(metrics).not.toMatch(/alice|bob/);
    expect((await request('GET', '/v1/messages', alice)).status).toBe(404);
    expect((await request('POST', '/v1/attachments/x', alice)).status).toBe(404);
  });
});
