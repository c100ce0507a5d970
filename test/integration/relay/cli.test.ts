import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvelopeType } from '../../../shared/proto';
import { RelayTestClient } from '../../../relay/testing/client';
import { reconnect, registerDevice, submissionId } from '../../../relay/testing/devices';
import { spawnRelay, startTestRelay, type RelayProcess } from './harness';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hearth-relay-cli-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function track(node: RelayProcess): RelayProcess {
  cleanup.push(async () => {
    if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    await node.exited;
  });
  return node;
}

describe('hearth-relay command', () => {
  it('prints one line when listening and exits cleanly on SIGTERM', async () => {
    const node = track(await spawnRelay(['--memory', '--port', '0', '--max-batch', '7']));
    expect(node.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const client = await RelayTestClient.connect(node.url);
    expect((await client.request('serverInfo', {})).limits?.maxBatch).toBe(7);
    node.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(1001);
    expect(await node.exited).toEqual({ code: 0, signal: null });
    const stdout = node.output().split('\n').filter((line) => !/^\d{4}-\d\d-\d\dT/.test(line));
    expect(stdout.filter(Boolean)).toEqual([`Hearth relay listening on ${node.url}`]);
  });

  it('runs as the package bin', async () => {
    const node = track(await spawnRelay(['--memory', '--port', '0'], ['bin/hearth-relay.js']));
    const client = await RelayTestClient.connect(node.url);
    expect((await client.request('ping', {})).serverTimeMs).toBeGreaterThan(0n);
    await client.close();
  });

  it('finishes in-flight commits before it exits on SIGTERM', async () => {
    const dataDir = await tempDir();
    const node = track(await spawnRelay(['--data', dataDir, '--port', '0']));
    const alice = await registerDevice(node.url, 'alice');
    const bob = await registerDevice(node.url, 'bob');
    await bob.client.close();
    const sends = Array.from({ length: 40 }, (_, i) =>
      alice.client
        .request('send', { envelopes: [{ username: 'bob', deviceId: 1, type: EnvelopeType.CIPHERTEXT, content: Buffer.from(`m${i}`), submissionId: submissionId() }] })
        .then((r) => r.results[0]?.error === 0, () => false),
    );
    await alice.client.request('ping', {});
    node.child.kill('SIGTERM');
    const confirmed = await Promise.all(sends);
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(confirmed.filter(Boolean).length).toBeGreaterThan(0);

    // Everything confirmed before the exit is on disk.
    const restarted = await startTestRelay({ dataDir });
    cleanup.push(() => restarted.close());
    const back = await reconnect(restarted.url, bob);
    await back.waitUntil(() => back.pushes.some((p) => p.body.case === 'queueEmpty'), 10_000, 'queue empty');
    const delivered = new Set(back.envelopes.map((e) => Buffer.from(e.content).toString()));
    confirmed.forEach((ok, i) => ok && expect(delivered.has(`m${i}`)).toBe(true));
    await back.close();
  });

  it('keeps every confirmed envelope when killed outright', async () => {
    const dataDir = await tempDir();
    const node = track(await spawnRelay(['--data', dataDir, '--port', '0']));
    const alice = await registerDevice(node.url, 'alice');
    const bob = await registerDevice(node.url, 'bob');
    await bob.client.close();
    const confirmed: string[] = [];
    const sends = Array.from({ length: 30 }, (_, i) =>
      alice.client
        .request('send', { envelopes: [{ username: 'bob', deviceId: 1, type: EnvelopeType.CIPHERTEXT, content: Buffer.from(`k${i}`), submissionId: submissionId() }] })
        .then((r) => r.results[0]?.error === 0 && confirmed.push(`k${i}`), () => false),
    );
    await Promise.all(sends.slice(0, 10));
    expect(confirmed.length).toBeGreaterThanOrEqual(10);
    node.child.kill('SIGKILL');
    await Promise.all(sends);
    expect((await node.exited).signal).toBe('SIGKILL');

    const restarted = await startTestRelay({ dataDir });
    cleanup.push(() => restarted.close());
    const back = await reconnect(restarted.url, bob);
    await back.waitUntil(() => back.pushes.some((p) => p.body.case === 'queueEmpty'), 10_000, 'queue empty');
    const delivered = new Set(back.envelopes.map((e) => Buffer.from(e.content).toString()));
    for (const content of confirmed) expect(delivered.has(content)).toBe(true);
    await back.close();
  });

  it('serves wss:// and https:// with a certificate', async () => {
    const dir = await tempDir();
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1']);
    const node = track(await spawnRelay(['--memory', '--port', '0', '--tls-cert', cert, '--tls-key', key]));
    expect(node.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const client = await RelayTestClient.connect(node.url, { rejectUnauthorized: false });
    expect((await client.request('ping', {})).serverTimeMs).toBeGreaterThan(0n);
    await client.close();
  });

  it('refuses bad flags with the usage', async () => {
    const cases = [['--port', 'seventy'], ['--memory', '--data', 'x'], ['--tls-cert', 'only.pem'], ['--max-batch', '0'], ['--frobnicate']];
    const failures = await Promise.all(
      cases.map((args) =>
        run(process.execPath, ['--import', 'tsx', 'relay/main.ts', ...args], { cwd: ROOT }).then(
          () => undefined,
          (error: { code: number; stderr: string }) => error,
        ),
      ),
    );
    failures.forEach((failure, i) => {
      expect(failure?.code, cases[i]?.join(' ')).toBeGreaterThan(0);
      expect(failure?.stderr).toMatch(/Usage: hearth-relay|could not start/);
    });
  });
});
