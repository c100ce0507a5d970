import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/proto';
import { basicAuthHeader } from '../../../relay/credentials';
import { RelayClientError } from '../../../relay/testing/client';
import { registerDevice, type TestDevice } from '../../../relay/testing/devices';
import { dumpKeyspace, redisBackend, sqliteBackend, startTestRedis, startTestRelay, type TestRedis, type TestRelay } from './harness';
import type { RelayOptions } from '../../../relay';
import { SQLITE_FILE } from '../../../relay/store/sqlite/sqlite-store';
import Database from 'better-sqlite3';

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
  devices = await Promise.all(['alice', 'bob'].map((name) => registerDevice(relay.url, name)));
  const [alice, bob] = devices as [TestDevice, TestDevice];
  return { alice, bob };
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

const bearer = (token: Buffer) => ({ authorization: `Bearer ${token.toString('base64url')}` });

/** Reserves an attachment the way a client does: a fresh fetch token, only its hash to the relay. */
async function create(owner: TestDevice, size: number, fetchCount = 1) {
  const token = randomBytes(32);
  const created = await owner.client.request('createAttachment', { size: BigInt(size), fetchCount, fetchTokenHash: createHash('sha256').update(token).digest() });
  return { ...created, token };
}

const fetch = (uploadPath: string, token: Buffer | undefined) => request('GET', uploadPath, undefined, [], token ? bearer(token) : {});
const confirm = (uploadPath: string, token: Buffer, confirmationId: Buffer) => request('POST', `${uploadPath}/fetched`, undefined, [confirmationId], bearer(token));

/** Everything the store keeps about attachments, read directly: every column of the SQLite tables, or every Redis att key and value. */
async function attachmentState(backend: 'sqlite' | 'redis'): Promise<Buffer[]> {
  if (backend === 'redis') {
    const keys = await dumpKeyspace((redis as TestRedis).client(), relay.redisPrefix ?? '');
    const client = (redis as TestRedis).client();
    const out: Buffer[] = [];
    for (const key of keys.keys()) {
      if (!key.includes(':att')) continue;
      out.push(Buffer.from(key));
      const type = await client.type(key);
      if (type === 'hash') out.push(...Object.values(await client.hgetallBuffer(key)), ...Object.keys(await client.hgetall(key)).map((k) => Buffer.from(k)));
      else if (type === 'set') out.push(...(await client.smembersBuffer(key)));
      else if (type === 'zset') out.push(...(await client.zrange(key, '0', '-1')).map((m) => Buffer.from(m)));
    }
    return out;
  }
  const db = new Database(path.join(relay.dataDir, SQLITE_FILE), { readonly: true });
  try {
    const rows = [...db.prepare<[], Record<string, unknown>>('SELECT * FROM attachments').all(), ...db.prepare<[], Record<string, unknown>>('SELECT * FROM attachment_confirmations').all()];
    return rows.flatMap((r) => Object.values(r)).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v))));
  } finally {
    db.close();
  }
}

describe.each([sqliteBackend(), redisBackend(() => redis as TestRedis)])('attachments on $name', (backend) => {
  beforeAll(() => {
    backendOptions = backend.options;
  });

  it('uploads once, serves anyone with the fetch token, and deletes the blob after fetch_count distinct confirmations', async () => {
    const { alice, bob } = await setUp();
    const bytes = randomBytes(300_000);
    const { uploadPath, attachmentId, expiresAtMs, token } = await create(alice, bytes.length, 2);
    expect(uploadPath).toBe(`/v1/attachments/${attachmentId}`);
    expect(expiresAtMs).toBeGreaterThan(BigInt(Date.now()));

    // Nothing to fetch before the upload, even with the token.
    expect((await fetch(uploadPath, token)).status).toBe(404);
    expect((await request('PUT', uploadPath, bob, [bytes])).status).toBe(404);
    expect((await request('PUT', uploadPath, undefined, [bytes])).status).toBe(401);
    expect((await request('PUT', uploadPath, alice, [bytes.subarray(0, 100_000), bytes.subarray(100_000)])).status).toBe(204);
    expect((await request('PUT', uploadPath, alice, [bytes])).status).toBe(404);
    expect(await blobFiles()).toEqual([attachmentId]);

    // A wrong or missing token, device credentials, and an unknown id all get the same answer.
    const unknown = await fetch(`/v1/attachments/${randomBytes(16).toString('base64url')}`, token);
    expect(unknown.status).toBe(404);
    for (const answer of [await fetch(uploadPath, randomBytes(32)), await fetch(uploadPath, undefined), await request('GET', uploadPath, bob), await request('GET', uploadPath, alice)]) {
      expect(answer.status).toBe(404);
      expect(answer.body.equals(unknown.body)).toBe(true);
    }
    expect((await confirm(uploadPath, randomBytes(32), randomBytes(16))).status).toBe(404);

    // Anonymous downloads, as many as wanted (a failed verification is retried).
    const first = await fetch(uploadPath, token);
    expect(first.status).toBe(200);
    expect(first.body.equals(bytes)).toBe(true);
    expect((await fetch(uploadPath, token)).body.equals(bytes)).toBe(true);

    // One device confirming twice (a retry after a lost answer) counts once.
    const bobsConfirmation = randomBytes(16);
    expect((await confirm(uploadPath, token, bobsConfirmation)).status).toBe(204);
    expect((await confirm(uploadPath, token, bobsConfirmation)).status).toBe(204);
    expect(await blobFiles()).toEqual([attachmentId]);
    expect((await fetch(uploadPath, token)).body.equals(bytes)).toBe(true);
    expect((await confirm(uploadPath, token, randomBytes(15))).status).toBe(400);
    expect(relay.metrics.value('hearth_relay_attachments_deleted_total')).toBe(0);

    // The second device's confirmation is the last: blob and record go.
    expect((await confirm(uploadPath, token, randomBytes(16))).status).toBe(204);
    expect(await blobFiles()).toEqual([]);
    expect((await fetch(uploadPath, token)).status).toBe(404);
    expect((await confirm(uploadPath, token, randomBytes(16))).status).toBe(404);
    expect(relay.metrics.value('hearth_relay_attachments_deleted_total')).toBe(1);
    expect(relay.metrics.value('hearth_relay_attachment_confirmations_total')).toBe(2);
  });

  it('keeps the uploader only until the upload completes, and never a recipient or the token', async () => {
    const { alice, bob } = await setUp();
    const { uploadPath, attachmentId, token } = await create(alice, 1000, 2);
    const holds = (state: Buffer[], needle: string | Buffer) => state.some((b) => b.includes(typeof needle === 'string' ? Buffer.from(needle) : needle));
    // While the upload is awaited, the uploading device is known (the probe sees it).
    expect(holds(await attachmentState(backend.name), alice.accountId)).toBe(true);
    expect((await request('PUT', uploadPath, alice, [randomBytes(1000)])).status).toBe(204);
    expect((await fetch(uploadPath, token)).status).toBe(200);
    expect((await confirm(uploadPath, token, randomBytes(16))).status).toBe(204);
    const state = await attachmentState(backend.name);
    expect(holds(state, attachmentId)).toBe(true);
    expect(holds(state, createHash('sha256').update(token).digest())).toBe(true);
    for (const device of [alice, bob]) {
      expect(holds(state, device.accountId), `${device.username}'s account id`).toBe(false);
      expect(holds(state, device.username), `${device.username}'s username`).toBe(false);
    }
    expect(holds(state, token)).toBe(false);
    expect(holds(state, token.toString('base64url'))).toBe(false);
  });

  it('refuses fetch counts and token hashes out of range', async () => {
    const { alice } = await setUp();
    const hash = randomBytes(32);
    await expect(alice.client.request('createAttachment', { size: 10n, fetchCount: 0, fetchTokenHash: hash })).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    await expect(alice.client.request('createAttachment', { size: 10n, fetchCount: 1001, fetchTokenHash: hash })).rejects.toMatchObject({ code: ErrorCode.TOO_LARGE });
    await expect(alice.client.request('createAttachment', { size: 10n, fetchCount: 1, fetchTokenHash: hash.subarray(0, 31) })).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    expect((await alice.client.request('createAttachment', { size: 10n, fetchCount: 1000, fetchTokenHash: hash })).attachmentId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('refuses attachments over the size limit, and uploads longer or shorter than declared', async () => {
    const { alice } = await setUp({ limits: { maxAttachmentBytes: 1000 } });
    const error = await create(alice, 1001).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayClientError);
    expect((error as RelayClientError).code).toBe(ErrorCode.TOO_LARGE);

    const declaredTooLong = await create(alice, 1000);
    const answer = await request('PUT', declaredTooLong.uploadPath, alice, [randomBytes(1001)]);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ error: 'TOO_LARGE' });

    const streamedTooLong = await create(alice, 1000);
    const chunks = Array.from({ length: 20 }, () => randomBytes(100));
    expect((await request('PUT', streamedTooLong.uploadPath, alice, chunks)).status).toBe(413);

    const short = await create(alice, 1000);
    expect((await request('PUT', short.uploadPath, alice, [randomBytes(999)])).status).toBe(400);
    expect(await blobFiles()).toEqual([]);
    // A refused upload can be retried with the right bytes.
    expect((await request('PUT', short.uploadPath, alice, [randomBytes(1000)])).status).toBe(204);
  });

  it('deletes attachments nobody fetched after their time-to-live', async () => {
    let clock = Date.now();
    const { alice } = await setUp({ now: () => clock });
    const { uploadPath, token } = await create(alice, 10, 3);
    expect((await request('PUT', uploadPath, alice, [randomBytes(10)])).status).toBe(204);
    expect((await confirm(uploadPath, token, randomBytes(16))).status).toBe(204);
    clock += 14 * 24 * 60 * 60 * 1000 - 1;
    await relay.sweep();
    expect((await fetch(uploadPath, token)).status).toBe(200);
    clock += 2;
    // Past the TTL it is gone even before the sweep, and the sweep deletes the blob.
    expect((await fetch(uploadPath, token)).status).toBe(404);
    expect((await confirm(uploadPath, token, randomBytes(16))).status).toBe(404);
    await relay.sweep();
    expect(await blobFiles()).toEqual([]);
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
    expect(metrics).toMatch(/^hearth_relay_connections 2$/m);
    expect(metrics).not.toMatch(/alice|bob/);
    expect((await request('GET', '/v1/messages', alice)).status).toBe(404);
    expect((await request('POST', '/v1/attachments/x', alice)).status).toBe(404);
    expect((await request('DELETE', '/v1/attachments/x/fetched', alice)).status).toBe(404);
  });
});
