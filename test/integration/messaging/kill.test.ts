import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../../../main/core/client/client';
import { createTestProfile, dm, startRelayProcess, tempRoot, testClientOptions, type RelayProcess, type TestProfile } from './harness';

/**
 * "Loses nothing": the receiver is SIGKILLed at random moments while it
 * drains a 2,000-envelope backlog, at least 20 times; in the end every
 * message is in its history exactly once.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const BACKLOG = 2000;
const KILLS = 20;

let root: { dir: string; remove(): Promise<void> };
let relay: RelayProcess;
let sender: TestProfile;
let receiver: TestProfile;

beforeAll(async () => {
  root = await tempRoot('hearth-kill-');
  relay = await startRelayProcess(path.join(root.dir, 'relay-data'));
  sender = await createTestProfile(root.dir, 'sender', relay.url);
  receiver = await createTestProfile(root.dir, 'receiver', relay.url);
  await receiver.client.close();
}, 60_000);

afterAll(async () => {
  await sender?.client.close();
  await relay?.stop();
  await root?.remove();
});

/**
 * Runs the drain fixture. With `kill`, it is SIGKILLed at a random moment: after
 * it connects, and after 0 or 1 stored batches, plus a random 0–25 ms (so the
 * kill lands before a first commit, inside decrypting or committing a batch,
 * or between a commit and the next batch). Progress-driven rather than
 * clock-driven, so it holds on a fast or a slow machine.
 */
function runReceiver(kill: boolean): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    // One node process (not the tsx wrapper, whose child would outlive a SIGKILL of the wrapper).
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/drain.ts'), receiver.dir, receiver.keyfile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const batchesBeforeKill = Math.random() < 0.4 ? 1 : 0;
    let online = false;
    let batches = 0;
    let armed = kill;
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      online ||= out.includes('online');
      batches = out.split('\n').filter((line) => line === 'batch').length;
      if (armed && online && batches >= batchesBeforeKill) {
        armed = false;
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 25);
      }
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('done')) resolve('done');
      else reject(new Error(`receiver exited ${code}: ${err.slice(-500)}`));
    });
  });
}

async function storedCount(): Promise<number> {
  const client = await Client.open(receiver.dir, { kind: 'keyfile', path: receiver.keyfile }, testClientOptions);
  try {
    return client.storageUsage().messageCount;
  } finally {
    await client.close();
  }
}

it(`loses nothing when the receiver is killed ${KILLS} times while draining ${BACKLOG} envelopes`, async () => {
  await sender.client.addContact('receiver');
  const sent: string[] = [];
  for (let i = 0; i < BACKLOG; i += 1) sent.push((await sender.client.send(dm('receiver'), `backlog ${i}`)).id);
  // The relay may acknowledge them in any order (the sealed path and the outbox run side by side): wait for each.
  for (const id of sent) expect((await sender.client.waitUntilSent(id, 120_000)).status).not.toBe('pending');

  let kills = 0;
  for (let run = 0; run < KILLS; run += 1) if ((await runReceiver(true)) === 'killed') kills += 1;
  expect(kills).toBeGreaterThanOrEqual(KILLS);
  // The kills fell while the backlog was still draining: not all of it was in before the last one.
  expect(await storedCount()).toBeLessThan(BACKLOG);
  expect(await runReceiver(false)).toBe('done');

  const client = await Client.open(receiver.dir, { kind: 'keyfile', path: receiver.keyfile }, testClientOptions);
  try {
    const history = client.messagePage(dm('sender'), { limit: 500 });
    const all = [...history.messages];
    let page = history;
    while (page.hasMore && all[0]) {
      page = client.messagePage(dm('sender'), { before: { sentAt: all[0].sentAt, seq: all[0].seq }, limit: 500 });
      all.unshift(...page.messages);
    }
    expect(all.filter((m) => m.kind !== 'text')).toEqual([]);
    expect(all.map((m) => m.id)).toEqual(sent);
    expect(new Set(all.map((m) => m.body)).size).toBe(BACKLOG);
  } finally {
    await client.close();
  }
}, 240_000);
