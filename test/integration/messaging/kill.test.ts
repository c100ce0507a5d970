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
/** Kills land anywhere from connecting to this long after: before, during and after batch commits. */
const KILL_WINDOW_MS = Number(process.env.KILL_WINDOW_MS ?? 400);

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

/** Runs the drain fixture; kills it `killAfterMs` after it reports "online" (or lets it finish). */
function runReceiver(killAfterMs: number | null): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    // One node process (not the tsx wrapper, whose child would outlive a SIGKILL of the wrapper).
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/drain.ts'), receiver.dir, receiver.keyfile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfterMs !== null && out.includes('online')) {
        killAfterMs = null;
        setTimeout(() => child.kill('SIGKILL'), Math.random() * KILL_WINDOW_MS);
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
  await sender.client.waitUntilSent(sent[sent.length - 1] ?? '', 120_000);
  for (const id of sent) expect(sender.client.getMessage(id).status).not.toBe('pending');

  let kills = 0;
  for (let run = 0; run < KILLS; run += 1) if ((await runReceiver(0)) === 'killed') kills += 1;
  expect(kills).toBeGreaterThanOrEqual(KILLS);
  // The kills fell while the backlog was still draining: not all of it was in before the last one.
  expect(await storedCount()).toBeLessThan(BACKLOG);
  expect(await runReceiver(null)).toBe('done');

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
