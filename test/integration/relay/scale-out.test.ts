import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeType, ErrorCode } from '../../../shared/proto';
import { RelayTestClient } from '../../../relay/testing/client';
import { reconnect, registerDevice, submissionId, type TestDevice } from '../../../relay/testing/devices';
import { dumpKeyspace, eventually, spawnRelay, startTestRedis, type RelayProcess, type TestRedis } from './harness';

/**
 * Two relay nodes (separate processes) on one Redis. Alice on node 1 streams
 * envelopes to Bob on node 2; node 1 is killed (SIGKILL) mid-stream; Alice
 * reconnects to node 2 and resends what node 1 never confirmed (including a
 * batch it stored but whose answer was lost), with the same submission ids.
 * Bob must get every envelope exactly once.
 */
const TOTAL = 600;
const BATCH = 10;
const IN_FLIGHT = 4;
const KILL_AFTER = 200;

let redis: TestRedis;
let dataDir: string;
const nodes: RelayProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  dataDir = await mkdtemp(path.join(tmpdir(), 'hearth-relay-scale-'));
});

afterAll(async () => {
  for (const node of nodes) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.exited));
  await redis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('scale-out on Redis', () => {
  it('delivers every envelope exactly once across nodes when the sender’s node is killed mid-stream', async () => {
    const prefix = redis.prefix();
    // Both nodes share one data folder, hence one trust root, as a deployment would share it.
    const args = ['--port', '0', '--data', dataDir, '--redis', redis.url, '--redis-prefix', prefix, '--log-level', 'warn'];
    const [node1, node2] = await Promise.all([spawnRelay(args), spawnRelay(args)]);
    nodes.push(node1, node2);

    const alice: TestDevice = await registerDevice(node1.url, 'alice');
    const bob: TestDevice = await registerDevice(node2.url, 'bob');
    const info1 = await alice.client.request('serverInfo', {});
    const info2 = await bob.client.request('serverInfo', {});
    expect(Buffer.from(info1.trustRootPublicKey)).toEqual(Buffer.from(info2.trustRootPublicKey));

    bob.client.onEnvelopes = (envelopes) => void bob.client.request('ack', { ids: envelopes.map((e) => e.id) }).catch(() => {});

    // Alice's outbox: each envelope keeps its submission id until a relay confirms it.
    const outbox = Array.from({ length: TOTAL }, (_, i) => ({
      username: 'bob',
      deviceId: 1,
      type: EnvelopeType.CIPHERTEXT,
      content: Buffer.from(`envelope ${i}`),
      submissionId: submissionId(),
    }));
    const confirmed = new Set<number>();
    let sender: RelayTestClient = alice.client;
    let killed = false;

    const pump = async (client: RelayTestClient) => {
      let next = 0;
      const worker = async () => {
        for (;;) {
          const batch: number[] = [];
          while (batch.length < BATCH && next < TOTAL) {
            if (!confirmed.has(next)) batch.push(next);
            next++;
          }
          if (batch.length === 0) return;
          const { results } = await client.request('send', { envelopes: batch.map((i) => outbox[i]!) });
          results.forEach((result, k) => {
            expect(result.error).toBe(ErrorCode.NONE);
            confirmed.add(batch[k]!);
          });
          if (!killed && confirmed.size >= KILL_AFTER) {
            killed = true;
            node1.child.kill('SIGKILL');
            // As if node 1 died just before this answer left it: stored, but unconfirmed, so sent again.
            for (const i of batch) confirmed.delete(i);
          }
        }
      };
      await Promise.allSettled(Array.from({ length: IN_FLIGHT }, worker));
    };

    await pump(sender);
    expect((await node1.exited).signal).toBe('SIGKILL');
    expect(confirmed.size).toBeLessThan(TOTAL);
    sender = await reconnect(node2.url, alice);
    await pump(sender);
    expect(confirmed.size).toBe(TOTAL);

    await bob.client.waitForEnvelopes(TOTAL, 30_000);
    // Let anything late (a repeat) arrive before counting.
    await bob.client.request('ping', {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = new Map<string, number>();
    for (const envelope of bob.client.envelopes) {
      const text = Buffer.from(envelope.content).toString();
      seen.set(text, (seen.get(text) ?? 0) + 1);
      expect(envelope.senderUsername).toBe('alice');
    }
    expect(bob.client.envelopes).toHaveLength(TOTAL);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    expect(seen.size).toBe(TOTAL);

    // Everything acked, so Redis holds no envelope.
    await eventually(async () => {
      const keys = [...(await dumpKeyspace(redis.client(), prefix)).keys()];
      expect(keys.filter((key) => key.startsWith(`${prefix}env:`))).toEqual([]);
    });
    // Node 2 recognised the resent, already stored envelopes by their submission ids.
    const metrics = await (await fetch(node2.url.replace(/^ws/, 'http') + '/metrics')).text();
    expect(Number(/^hearth_relay_envelopes_duplicate_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(BATCH);

    await Promise.all([sender.close(), bob.client.close()]);
    node2.child.kill('SIGTERM');
    expect((await node2.exited).code).toBe(0);
  });
});
