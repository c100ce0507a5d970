import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Message } from '../shared/api';
import { Client, type ClientOptions } from '../main/core/client/client';
import { directConversationId } from '../main/core/messaging/views';
import { writeNewKeyFile } from '../main/core/vault';
import { startRelayProcess } from './relay-process';

/**
 * attachment_mb_per_s: a 10 MB file from the sender's pick (Client.sendFile:
 * read from disk, sealed into the vault, encrypted, uploaded, the message
 * sent) until the recipient has it stored ('ready': downloaded, verified,
 * sealed into its vault), both clients online on loopback. The median of
 * `runs` transfers counts. Used by bench/pipeline.ts; runs alone as
 * `npm run bench -- pipeline-attachment --out FILE [--mb N] [--runs N]`.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const clientOptions: ClientOptions = { connection: { initialBackoffMs: 50, maxBackoffMs: 500 } };

export interface AttachmentThroughput {
  attachment_mb_per_s: number;
  attachment_ms: { p50: number; min: number; max: number; runs: number };
  /** CPU time per transfer (median) in the sender's and the recipient's process: less disturbed than wall time on a shared machine. */
  attachment_cpu_ms: { sender: number; recipient: number };
  attachment_bytes: number;
}

export async function measureAttachmentThroughput(relayUrl: string, root: string, options: { megabytes?: number; runs?: number } = {}): Promise<AttachmentThroughput> {
  const bytes = Math.round((options.megabytes ?? 10) * 1_000_000);
  const runs = options.runs ?? 5;
  const sender = await createClient(root, 'attbenchfrom', relayUrl);
  const receiver = await createClient(root, 'attbenchto', relayUrl);
  await receiver.client.close();
  // The recipient runs in its own process, as it would on another machine.
  const peer = await startPeer(receiver.dir, receiver.keyfile);
  try {
    await sender.client.addContact('attbenchto');
    await sender.client.connection.whenOnline();
    const file = path.join(root, 'attachment-bench.bin');
    await writeFile(file, randomBytes(bytes));
    const durations: number[] = [];
    const senderCpu: number[] = [];
    const recipientCpu: number[] = [];
    // One warm-up transfer (first session, first connections), then the measured ones.
    for (let i = 0; i <= runs; i += 1) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const peerCpu = peer.cpuMs();
      const message = await sender.client.sendFile(directConversationId('attbenchto'), file);
      await peer.stored(message.id);
      if (i > 0) {
        durations.push(performance.now() - start);
        const used = process.cpuUsage(cpu);
        senderCpu.push((used.user + used.system) / 1000);
        recipientCpu.push(peer.cpuMs() - peerCpu);
      }
      await sender.client.settle();
      // Receipts settle, so each run starts from quiet.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    durations.sort((x, y) => x - y);
    const median = durations[Math.floor(durations.length / 2)] ?? 0;
    return {
      attachment_mb_per_s: Math.round((bytes / 1_000_000 / (median / 1000)) * 10) / 10,
      attachment_ms: { p50: Math.round(median), min: Math.round(durations[0] ?? 0), max: Math.round(durations[durations.length - 1] ?? 0), runs: durations.length },
      attachment_cpu_ms: { sender: Math.round(medianOf(senderCpu)), recipient: Math.round(medianOf(recipientCpu)) },
      attachment_bytes: bytes,
    };
  } finally {
    await peer.stop();
    await sender.client.close();
  }
}

export async function run(options: Record<string, string>): Promise<object> {
  const root = await mkdtemp(path.join(tmpdir(), 'hearth-bench-attachment-'));
  const relay = await startRelayProcess(path.join(root, 'relay'));
  try {
    return { ...(await measureAttachmentThroughput(relay.url, root, { megabytes: Number(options.mb ?? 10), runs: Number(options.runs ?? 5) })), targets: { attachment_mb_per_s: 50 } };
  } finally {
    await relay.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** The recipient (this file, run with HEARTH_ATTACHMENT_PEER): prints "stored ID" once a message's attachment is in its vault. */
function medianOf(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function startPeer(dir: string, keyfile: string): Promise<{ stored(id: string): Promise<void>; cpuMs(): number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/pipeline-attachment.ts')], {
    cwd: ROOT,
    env: { ...process.env, HEARTH_ATTACHMENT_PEER: JSON.stringify({ dir, keyfile }) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const seen = new Set<string>();
  let cpuMs = 0;
  const waiting = new Map<string, () => void>();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line === 'ready') ready();
      if (!line.startsWith('stored ')) continue;
      const [, id = '', cpu] = line.split(' ');
      cpuMs = Number(cpu);
      seen.add(id);
      waiting.get(id)?.();
    }
  });
  await isReady;
  return {
    cpuMs: () => cpuMs,
    stored: (id) => (seen.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(id, resolve))),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

async function runPeer(spec: string): Promise<void> {
  const { dir, keyfile } = JSON.parse(spec) as { dir: string; keyfile: string };
  const client = await Client.open(dir, { kind: 'keyfile', path: keyfile }, clientOptions);
  client.events.on((event, payload) => {
    if (event !== 'messages.onDidUpdate' && event !== 'messages.onDidAdd') return;
    const message = (payload as { message: Message }).message;
    if (message.attachments?.[0]?.state !== 'ready') return;
    const cpu = process.cpuUsage();
    process.stdout.write(`stored ${message.id} ${(cpu.user + cpu.system) / 1000}\n`);
  });
  await client.sync();
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => void client.close().then(() => process.exit(0)));
}

if (process.env.HEARTH_ATTACHMENT_PEER) await runPeer(process.env.HEARTH_ATTACHMENT_PEER);

async function createClient(root: string, username: string, relayUrl: string): Promise<{ dir: string; keyfile: string; client: Client }> {
  const dir = path.join(root, username);
  const keyfile = path.join(root, `${username}.key`);
  writeNewKeyFile(keyfile);
  const { client } = await Client.create({ dir, username, relayUrl, protection: { kind: 'keyfile', path: keyfile } }, clientOptions);
  client.start();
  return { dir, keyfile, client };
}

