import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { RandomPool } from '../relay/random-pool';
import { RELAY_WEBSOCKET_PATH, decodeFrame, encodeFrame, EnvelopeType, ErrorCode } from '../shared/proto';

/**
 * `npm run bench -- relay --out FILE [--connections C] [--envelopes N] [--size B] [--window W] [--redis-envelopes N]`
 *
 * C authenticated devices; device i sends to device i+1 (a ring), one envelope
 * per request, keeping W envelopes in flight across all senders (closed loop).
 * Each push is acked at once, one-way, as clients do; the run ends when every
 * envelope has been received and every ack has reached the relay. Latency is
 * send → receive; the first tenth of the envelopes warms up and is not counted.
 * Servers run as their own processes, as in production:
 *  - embedded: one relay, SQLite in a data folder (a send is answered after the log is fsynced);
 *  - raw_ws: a plain ws server forwarding frames of the same sizes between the same sockets: the ceiling;
 *  - redis: two relay nodes on one Redis (HEARTH_TEST_REDIS_URL, or one started here), each
 *    device on the other node from the device it sends to.
 * CPU per envelope (from /proc) is reported too: on a shared machine it varies
 * far less than the rates do.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
/** Generous rate limits: a thousand devices register and authenticate from one address here. */
const LIMIT_FLAGS = ['--address-requests-per-minute', '100000000', '--account-requests-per-minute', '100000000'];

interface Phase {
  envelopes: number;
  seconds: number;
  latencies: number[];
  /** CPU seconds the server processes used during the measured part (Linux; 0 elsewhere). */
  serverCpuSeconds: number;
  /** CPU seconds this process (the clients) used during the measured part. */
  clientCpuSeconds: number;
}

export async function run(options: Record<string, string>): Promise<object> {
  const connections = Number(options.connections ?? 1000);
  const envelopes = Number(options.envelopes ?? 50_000);
  const size = Number(options.size ?? 256);
  const window = Number(options.window ?? 256);
  const redisEnvelopes = Number(options['redis-envelopes'] ?? Math.min(envelopes, 30_000));
  if (![connections, envelopes, size, window].every((n) => Number.isInteger(n) && n > 0) || connections < 2) {
    throw new Error('--connections (≥ 2), --envelopes, --size and --window must be positive integers.');
  }

  const dataDir = await mkdtemp(path.join(tmpdir(), 'hearth-bench-relay-'));
  const cleanup: Array<() => Promise<unknown>> = [() => rm(dataDir, { recursive: true, force: true })];
  try {
    const embeddedRelay = await startProcess(['--import', 'tsx', 'relay/main.ts', '--port', '0', '--data', dataDir, ...LIMIT_FLAGS], cleanup);
    const embedded = await measureRelay([embeddedRelay.url], [embeddedRelay.child], connections, envelopes, size, window);
    await stopProcess(embeddedRelay.child);

    const forwarder = await startProcess(['--input-type=module', '-e', FORWARDER], cleanup);
    const raw = await measureRaw(forwarder.url, [forwarder.child], connections, envelopes, size, window);
    await stopProcess(forwarder.child);

    const redis = await startRedis(cleanup);
    const prefix = `hearth-bench:${Date.now()}:`;
    const nodeArgs = ['--import', 'tsx', 'relay/main.ts', '--port', '0', '--data', dataDir, '--redis', redis, '--redis-prefix', prefix, ...LIMIT_FLAGS];
    const nodes = await Promise.all([startProcess(nodeArgs, cleanup), startProcess(nodeArgs, cleanup)]);
    const scaled = await measureRelay(
      nodes.map((n) => n.url),
      nodes.map((n) => n.child),
      connections,
      redisEnvelopes,
      size,
      window,
    );

    const envelopesPerS = rate(embedded);
    const rawPerS = rate(raw);
    return {
      connections,
      envelopes,
      envelope_bytes: size,
      window,
      store: 'sqlite in a data folder (WAL, log fsynced before each answer)',
      envelopes_per_s: round(envelopesPerS),
      latency_ms: percentiles(embedded.latencies),
      relay_cpu_us_per_envelope: cpuPerEnvelope(embedded),
      client_cpu_us_per_envelope: round((embedded.clientCpuSeconds * 1e6) / embedded.envelopes, 1),
      raw_ws_msgs_per_s: round(rawPerS),
      raw_ws_latency_ms: percentiles(raw.latencies),
      raw_ws_cpu_us_per_msg: cpuPerEnvelope(raw),
      ratio: round(envelopesPerS / rawPerS, 3),
      redis: {
        nodes: 2,
        envelopes: redisEnvelopes,
        envelopes_per_s: round(rate(scaled)),
        latency_ms: percentiles(scaled.latencies),
        relay_cpu_us_per_envelope: cpuPerEnvelope(scaled),
      },
      targets: { envelopes_per_s: 10_000, latency_ms_p99: 100, ratio: 0.3 },
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
}

// ------------------------------------------------------------------ the relay run

/** A bench device: one socket, its own request ids, and what it has been sent. */
class BenchDevice {
  private nextId = 1;
  private readonly pending = new Map<number, (ok: boolean) => void>();
  onEnvelopes: (contents: Uint8Array[], ids: Uint8Array[]) => void = () => {};
  errors = 0;

  constructor(
    readonly socket: WebSocket,
    readonly username: string,
  ) {
    socket.on('message', (data: Buffer) => {
      const frame = decodeFrame(data);
      if (frame.kind.case === 'response') {
        const response = frame.kind.value;
        let ok = !response.error;
        if (response.body.case === 'send') ok &&= response.body.value.results.every((r) => r.error === ErrorCode.NONE);
        if (!ok) this.errors++;
        if (response.id === 0) this.errors++;
        this.pending.get(response.id)?.(ok);
        this.pending.delete(response.id);
      } else if (frame.kind.case === 'push' && frame.kind.value.body.case === 'envelopes') {
        const list = frame.kind.value.body.value.envelopes;
        this.onEnvelopes(
          list.map((e) => e.content),
          list.map((e) => e.id),
        );
      }
    });
  }

  /** Sends a one-way request (id 0); a failure shows up as an error response with id 0. */
  notify(body: { case: string; value: unknown }): void {
    this.socket.send(encodeFrame({ kind: { case: 'request', value: { id: 0, body } as never } }));
  }

  /** Sends a request; resolves true when it (and every envelope in it) succeeded. */
  call(body: { case: string; value: unknown }): Promise<boolean> {
    const id = this.nextId++;
    // The body is built by this file for a known request kind; encodeFrame checks it against the schema.
    const value = { id, body } as never;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(encodeFrame({ kind: { case: 'request', value } }));
    });
  }
}

async function connectDevices(urls: string[], count: number): Promise<BenchDevice[]> {
  const devices: BenchDevice[] = [];
  const run = Date.now().toString(36);
  for (let start = 0; start < count; start += 100) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(100, count - start) }, async (_, k) => {
        const i = start + k;
        const socket = await open(urls[i % urls.length] + RELAY_WEBSOCKET_PATH);
        const device = new BenchDevice(socket, `bench.${run}.${i}`);
        const secret = randomBytes(32);
        const identityKey = Buffer.concat([Buffer.of(5), randomBytes(32)]);
        const registered = await device.call({
          case: 'register',
          value: { username: device.username, deviceId: 1, registrationId: 1 + (i % 16000), identityKey, authSecret: secret },
        });
        const authenticated = await device.call({ case: 'authenticate', value: { username: device.username, deviceId: 1, authSecret: secret } });
        if (!registered || !authenticated) throw new Error('A bench device could not register.');
        return device;
      }),
    );
    devices.push(...chunk);
  }
  return devices;
}

const submissionIds = new RandomPool();

async function measureRelay(urls: string[], servers: ChildProcess[], connections: number, total: number, size: number, window: number): Promise<Phase> {
  const devices = await connectDevices(urls, connections);
  const phase = await drive(servers, devices.length, total, size, window, {
    send(from, to, content) {
      const recipient = devices[to] as BenchDevice;
      void (devices[from] as BenchDevice).call({
        case: 'send',
        value: { envelopes: [{ username: recipient.username, deviceId: 1, type: EnvelopeType.CIPHERTEXT, content, submissionId: submissionIds.take(16) }] },
      });
    },
    listen(index, onContents) {
      const device = devices[index] as BenchDevice;
      device.onEnvelopes = (contents, ids) => {
        onContents(contents);
        device.notify({ case: 'ack', value: { ids } });
      };
    },
    async settle() {
      // Acks are one-way; a ping on every socket, answered after them, shows they all arrived.
      await Promise.all(devices.map((d) => d.call({ case: 'ping', value: {} })));
    },
  });
  const errors = devices.reduce((sum, d) => sum + d.errors, 0);
  await Promise.all(devices.map((d) => close(d.socket)));
  if (errors > 0) throw new Error(`${errors} requests failed during the relay run.`);
  return phase;
}

// ------------------------------------------------------------------ the raw ws ceiling

/**
 * The ceiling: a ws server that forwards each binary frame to the socket named
 * by its first two bytes and swallows acks, nothing else. Frames have the
 * sizes the relay run used (a send request out, a push in, an ack back).
 */
const FORWARDER = `
import { WebSocketServer } from 'ws';
const sockets = [];
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    if (data.length < 2) return;
    const kind = data[0];
    if (kind === 0) { sockets[data.readUInt16BE(1)] = ws; return; }
    if (kind === 1) sockets[data.readUInt16BE(1)]?.send(data);
  });
});
wss.on('listening', () => console.log('Hearth relay listening on ws://127.0.0.1:' + wss.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

async function measureRaw(url: string, servers: ChildProcess[], connections: number, total: number, size: number, window: number): Promise<Phase> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(url)));
  sockets.forEach((socket, i) => {
    const hello = Buffer.alloc(3);
    hello.writeUInt16BE(i, 1);
    socket.send(hello);
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Same sizes as the relay's frames: a send request (~size + 90 bytes) and an ack (~30 bytes).
  const sendOverhead = 90;
  const ack = Buffer.alloc(30, 2);
  const phase = await drive(servers, connections, total, size, window, {
    send(_from, to, content) {
      const frame = Buffer.alloc(3 + content.length + sendOverhead);
      frame[0] = 1;
      frame.writeUInt16BE(to, 1);
      frame.set(content, 3);
      (sockets[_from] as WebSocket).send(frame);
    },
    listen(index, onContents) {
      const socket = sockets[index] as WebSocket;
      socket.on('message', (data: Buffer) => {
        onContents([data.subarray(3, 3 + size)]);
        socket.send(ack);
      });
    },
    async settle() {},
  });
  await Promise.all(sockets.map(close));
  return phase;
}

// ------------------------------------------------------------------ the load, common to every run

interface Transport {
  send(from: number, to: number, content: Uint8Array): void;
  listen(index: number, onContents: (contents: Uint8Array[]) => void): void;
  settle(): Promise<void>;
}

/** Closed loop: `window` envelopes in flight, senders in turn round the ring; the first tenth warms up and is not counted. */
function drive(servers: ChildProcess[], connections: number, total: number, size: number, window: number, transport: Transport): Promise<Phase> {
  const warmup = Math.floor(total / 10);
  const all = total + warmup;
  let sent = 0;
  let received = 0;
  let nextSender = 0;
  let startedAt = 0;
  let cpuAtStart = 0;
  let clientCpuAtStart = process.cpuUsage();
  const latencies: number[] = [];
  const padding = randomBytes(Math.max(0, size - 12));

  return new Promise((resolve) => {
    const fill = () => {
      while (sent - received < window && sent < all) {
        const from = nextSender;
        nextSender = (nextSender + 1) % connections;
        const content = Buffer.allocUnsafe(Math.max(12, size));
        content.writeDoubleLE(performance.now(), 0);
        content.writeUInt32LE(sent, 8);
        content.set(padding.subarray(0, content.length - 12), 12);
        sent++;
        transport.send(from, (from + 1) % connections, content);
      }
    };
    for (let i = 0; i < connections; i++) {
      transport.listen(i, (contents) => {
        const now = performance.now();
        for (const content of contents) {
          const index = Buffer.from(content.buffer, content.byteOffset, content.byteLength).readUInt32LE(8);
          if (index >= warmup) latencies.push(now - Buffer.from(content.buffer, content.byteOffset, 8).readDoubleLE(0));
          received++;
          if (received === warmup) {
            startedAt = performance.now();
            cpuAtStart = cpuSeconds(servers);
            clientCpuAtStart = process.cpuUsage();
          }
        }
        if (received >= all) {
          void transport.settle().then(() =>
            resolve({
              envelopes: total,
              seconds: (performance.now() - startedAt) / 1000,
              latencies,
              serverCpuSeconds: cpuSeconds(servers) - cpuAtStart,
              clientCpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(clientCpuAtStart)),
            }),
          );
        } else fill();
      });
    }
    if (warmup === 0) {
      startedAt = performance.now();
      cpuAtStart = cpuSeconds(servers);
    }
    fill();
  });
}

// ------------------------------------------------------------------ processes and numbers

async function startProcess(args: string[], cleanup: Array<() => Promise<unknown>>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.push(() => stopProcess(child));
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (ws:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', () => reject(new Error(`A bench process exited early:\n${output}`)));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function startRedis(cleanup: Array<() => Promise<unknown>>): Promise<string> {
  if (process.env.HEARTH_TEST_REDIS_URL) return process.env.HEARTH_TEST_REDIS_URL;
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  cleanup.push(() => stopProcess(child));
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.quit();
      return url;
    } catch (error) {
      probe.disconnect();
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function close(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    socket.once('close', () => resolve());
    socket.close();
  });
}

/** User + system CPU seconds of the processes so far, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(processes: ChildProcess[]): number {
  let ticks = 0;
  for (const child of processes) {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  }
  return ticks / 100;
}

const rate = (phase: Phase) => phase.envelopes / phase.seconds;
/** Server CPU per envelope, in microseconds: throughput the server could reach with a core to itself. */
const cpuPerEnvelope = (phase: Phase) => round((phase.serverCpuSeconds * 1e6) / phase.envelopes, 1);
const round = (value: number, digits = 0) => Number(value.toFixed(digits));

function percentiles(latencies: number[]): { p50: number; p99: number } {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: round(at(0.5), 2), p99: round(at(0.99), 2) };
}
