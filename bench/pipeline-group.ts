import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, type ClientOptions } from '../main/core/client/client';
import { writeNewKeyFile } from '../main/core/vault';
import { startRelayProcess } from './relay-process';

/**
 * group_send_ms: one message to a group of `members` (50: the sender and 49
 * others), from the send call until every other member has it stored (its
 * messages.onDidAdd, which follows the durable commit). All clients run in
 * this process against one relay process on loopback, so the figure includes
 * the recipients' decrypting and storing, taking turns on one thread.
 * The sender key is distributed by a warm-up message first; each sample then
 * waits for the delivery receipts to settle. Used by bench/pipeline.ts; runs
 * alone as `npm run bench -- pipeline-group --out FILE [--members N] [--samples N]`.
 */
const clientOptions: ClientOptions = { connection: { initialBackoffMs: 50, maxBackoffMs: 500 } };

/**
 * Relay flags for a benchmark whose 50 devices all connect from 127.0.0.1:
 * sealed envelopes go on unauthenticated connections, which the relay limits
 * per address (600 requests a minute by default), and 49 members' receipts
 * per message would otherwise be throttled as if one client sent them all.
 */
export const ONE_ADDRESS_MANY_DEVICES = ['--address-requests-per-minute', '1000000'];

export interface GroupSendLatency {
  group_send_ms: { p50: number; p99: number; samples: number; members: number };
  group_send_cpu_ms: { p50: number };
}

export async function measureGroupSend(relayUrl: string, root: string, options: { members?: number; samples?: number } = {}): Promise<GroupSendLatency> {
  const members = options.members ?? 50;
  const samples = options.samples ?? 40;
  const clients: Client[] = [];
  try {
    for (let i = 0; i < members; i += 1) clients.push(await createClient(root, `grpbench${String(i).padStart(3, '0')}`, relayUrl));
    const [sender, ...others] = clients;
    if (!sender) throw new Error('no sender');
    await Promise.all(clients.map((c) => c.connection.whenOnline()));
    const group = await sender.createGroup('Bench group', others.map((c) => c.username));
    await sender.waitUntilOutboxEmpty(120_000);

    const storedBy = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    for (const c of others) {
      c.events.on((event, payload) => {
        if (event !== 'messages.onDidAdd') return;
        const id = (payload as { message: { id: string; conversationId: string } }).message;
        if (id.conversationId !== group.id) return;
        const count = (storedBy.get(id.id) ?? 0) + 1;
        storedBy.set(id.id, count);
        if (count === others.length) waiters.get(id.id)?.();
      });
    }
    const cpuTimes: number[] = [];
    const sendOne = async (text: string): Promise<number> => {
      const start = performance.now();
      const cpu = process.cpuUsage();
      let done!: () => void;
      const all = new Promise<void>((resolve) => (done = resolve));
      const message = await sender.send(group.id, text);
      waiters.set(message.id, done);
      if ((storedBy.get(message.id) ?? 0) === others.length) done();
      await withTimeout(all, 60_000);
      const elapsed = performance.now() - start;
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
      // Everyone's delivery receipt back, so the next sample starts from quiet.
      await waitFor(() => sender.getMessage(message.id).status === 'delivered', 60_000);
      await Promise.all(clients.map((c) => c.settle()));
      return elapsed;
    };
    // Warm-up: the first message carries our sender key to everyone (sessions, distribution).
    await sendOne('warm-up');
    cpuTimes.length = 0;
    const durations: number[] = [];
    for (let i = 0; i < samples; i += 1) durations.push(await sendOne(`sample ${i}`));
    return {
      group_send_ms: { p50: round(percentile(durations, 0.5)), p99: round(percentile(durations, 0.99)), samples: durations.length, members },
      // CPU time of this process (sender and every recipient) per message: less disturbed than wall time on a shared machine.
      group_send_cpu_ms: { p50: round(percentile(cpuTimes, 0.5)) },
    };
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}

export async function run(options: Record<string, string>): Promise<object> {
  const root = await mkdtemp(path.join(tmpdir(), 'hearth-bench-group-'));
  const relay = await startRelayProcess(path.join(root, 'relay'), ONE_ADDRESS_MANY_DEVICES);
  try {
    const result = await measureGroupSend(relay.url, root, { members: Number(options.members ?? 50), samples: Number(options.samples ?? 40) });
    return { ...result, targets: { group_send_p99_ms: 500 } };
  } finally {
    await relay.stop();
    await rm(root, { recursive: true, force: true });
  }
}

async function createClient(root: string, username: string, relayUrl: string): Promise<Client> {
  const keyfile = path.join(root, `${username}.key`);
  writeNewKeyFile(keyfile);
  const { client } = await Client.create({ dir: path.join(root, username), username, relayUrl, protection: { kind: 'keyfile', path: keyfile } }, clientOptions);
  client.start();
  return client;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('group bench: timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('group bench: a member never stored the message')), ms).unref())]);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

const round = (n: number): number => Math.round(n * 10) / 10;
