import { spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_NODE_FLAGS } from '../../../bin/cli-node-flags.js';
import { dm, useRelayAndProfiles } from './harness';

/**
 * A 100 MB attachment end to end: sent from this process, received by
 * `hearth sync` in its own process, whose peak memory must stay under
 * 200 MB (the file streams through; it never sits whole in memory), then
 * written back out by `hearth save` with the same SHA-256.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FILE_BYTES = 100_000_000;
const PEAK_LIMIT = 200 * 1024 * 1024;

const fixture = useRelayAndProfiles('hearth-attachments-large-');

/** Writes `size` bytes of a seeded keystream (AES-256-CTR of zeros) to `file`, a MiB at a time; returns their SHA-256. */
async function writeSeededFile(file: string, size: number, seed: string): Promise<string> {
  const key = createHash('sha256').update(seed).digest();
  const stream = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    for (let written = 0; written < size; written += zeros.length) {
      const piece = stream.update(zeros.subarray(0, Math.min(zeros.length, size - written)));
      hash.update(piece);
      await handle.write(piece);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(file)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** Runs `hearth ARGS` as its own process, with the node flags bin/hearth.js gives it; `peakFile` receives its peak RSS in bytes. */
function hearth(args: string[], peakFile?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const preload = peakFile ? ['--import', path.join(import.meta.dirname, 'fixtures/report-peak-memory.ts')] : [];
    const child = spawn(process.execPath, [...CLI_NODE_FLAGS, '--import', 'tsx', ...preload, path.join(ROOT, 'main/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...(peakFile && { HEARTH_TEST_PEAK_FILE: peakFile }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('a 100 MB attachment', () => {
  it('streams through: the receiving process stays under 200 MB, the saved file has the same SHA-256, and the relay deletes the blob', async () => {
    const sender = await fixture.profile('bigsender');
    const receiver = await fixture.profile('bigreceiver');
    await sender.client.addContact('bigreceiver');
    await receiver.client.close();
    const profileArgs = ['--profile', receiver.dir, '--keyfile', receiver.keyfile];

    const source = path.join(fixture.dir, 'big.bin');
    const expected = await writeSeededFile(source, FILE_BYTES, 'hearth-100mb');
    const message = await sender.client.sendFile(dm('bigreceiver'), source, { caption: 'the big one' });
    // Acknowledged by the relay; a fast delivery receipt may already have moved it on.
    expect(['sent', 'delivered']).toContain((await sender.client.waitUntilSent(message.id, 180_000)).status);
    expect(await readdir(path.join(fixture.relay.dataDir, 'attachments'))).toHaveLength(1);

    const peakFile = path.join(fixture.dir, 'sync-peak');
    const sync = await hearth([...profileArgs, 'sync', '--timeout-ms', '180000'], peakFile);
    expect(sync.code, sync.err).toBe(0);
    const peak = Number(await readFile(peakFile, 'utf8'));
    expect(peak).toBeGreaterThan(0);
    expect(peak, `peak RSS ${Math.round(peak / 1024 / 1024)} MB`).toBeLessThan(PEAK_LIMIT);

    const history = await hearth([...profileArgs, 'history', 'bigsender', '--json']);
    expect(history.code, history.err).toBe(0);
    const [got] = JSON.parse(history.out) as Array<{ id: string; body: string; attachments: Array<{ id: string; name: string; size: number; state: string }> }>;
    expect(got).toMatchObject({ id: message.id, body: 'the big one', attachments: [{ name: 'big.bin', size: FILE_BYTES, state: 'ready' }] });
    const attachmentId = got?.attachments[0]?.id ?? '';

    const out = path.join(fixture.dir, 'saved.bin');
    const save = await hearth([...profileArgs, 'save', attachmentId, out]);
    expect(save.code, save.err).toBe(0);
    expect(await sha256OfFile(out)).toBe(expected);
    const again = await hearth([...profileArgs, 'save', attachmentId, out]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/--force/);

    // The one recipient device fetched it: the relay's data folder no longer holds it.
    expect(await readdir(path.join(fixture.relay.dataDir, 'attachments'))).toEqual([]);
  }, 240_000);
});
