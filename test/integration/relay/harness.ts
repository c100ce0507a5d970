import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { startRelay, type Relay, type RelayOptions } from '../../../relay';
import { SQLITE_FILE } from '../../../relay/store/sqlite/sqlite-store';
import { EnvelopeSchema, type Envelope } from '../../../shared/proto';

/** A relay on a free port with a fresh data folder, its log lines captured. */
export interface TestRelay extends Relay {
  readonly dataDir: string;
  readonly redisPrefix: string | undefined;
  readonly logs: string[];
  /** Closes the relay and deletes its data folder. */
  stop(): Promise<void>;
}

export async function startTestRelay(options: RelayOptions = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'hearth-relay-test-')));
  const logs: string[] = [];
  const relay = await startRelay({
    port: 0,
    logLevel: 'debug',
    logSink: (line) => logs.push(line),
    ...options,
    dataDir,
  });
  return Object.assign(relay, {
    dataDir,
    redisPrefix: options.redisUrl ? options.redisPrefix : undefined,
    logs,
    async stop() {
      await relay.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The Redis for this test file: CI's (HEARTH_TEST_REDIS_URL) or one spawned here on a free port. */
export interface TestRedis {
  readonly url: string;
  /** A key prefix no other test uses. */
  prefix(): string;
  client(): Redis;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  let server: ChildProcess | undefined;
  let url = process.env.HEARTH_TEST_REDIS_URL;
  if (!url) {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
    await waitForRedis(url);
  }
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  let count = 0;
  return {
    url,
    prefix() {
      const prefix = `hearth-test:${process.pid}:${Date.now()}:${count++}:`;
      prefixes.push(prefix);
      return prefix;
    },
    client() {
      const client = new Redis(url);
      clients.push(client);
      return client;
    },
    async stop() {
      // A shared Redis (CI's) outlives this file: leave nothing of ours in it.
      if (!server) {
        const cleaner = new Redis(url);
        for (const prefix of prefixes) {
          const keys = [...(await dumpKeyspace(cleaner, prefix)).keys()];
          if (keys.length > 0) await cleaner.unlink(...keys);
        }
        await cleaner.quit();
      }
      await Promise.allSettled(clients.map((c) => c.quit()));
      if (server) {
        const exited = new Promise((resolve) => server?.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function waitForRedis(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      await probe.quit();
      return;
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`Redis at ${url} did not start.`);
}

/** All keys under a prefix with their values as raw bytes (DUMP), for "nothing kept" checks. */
export async function dumpKeyspace(redis: Redis, prefix: string): Promise<Map<string, Buffer>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const dumps = new Map<string, Buffer>();
  for (const key of keys) {
    const value = await redis.dumpBuffer(key);
    if (value) dumps.set(key, value);
  }
  return dumps;
}

/** Retries `check` until it stops throwing, for effects the relay completes just after it answers. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * The store a test runs against, and how to look inside it directly (as an
 * operator, or an attacker with the disk, would) rather than through the relay.
 */
export interface StoreBackend {
  readonly name: 'sqlite' | 'redis';
  /** Options for one relay on this backend (a fresh Redis prefix each call). */
  options(): RelayOptions;
  /** Every envelope the store holds for `relay`. */
  storedEnvelopes(relay: TestRelay): Promise<Envelope[]>;
  /** Every byte the store keeps for `relay`: the SQLite files, or a DUMP of each Redis key. */
  persistedBytes(relay: TestRelay): Promise<Buffer[]>;
  /** Redis keys the relay holds (empty for SQLite). */
  keys(relay: TestRelay): Promise<string[]>;
}

export function sqliteBackend(): StoreBackend {
  const files = async (relay: TestRelay) => (await readdir(relay.dataDir)).filter((name) => name.startsWith(SQLITE_FILE));
  return {
    name: 'sqlite',
    options: () => ({}),
    async storedEnvelopes(relay) {
      const db = new Database(path.join(relay.dataDir, SQLITE_FILE), { readonly: true });
      try {
        return db
          .prepare<[], { body: Buffer }>('SELECT body FROM envelopes ORDER BY seq')
          .all()
          .map((row) => fromBinary(EnvelopeSchema, row.body));
      } finally {
        db.close();
      }
    },
    async persistedBytes(relay) {
      return Promise.all((await files(relay)).map((name) => readFile(path.join(relay.dataDir, name))));
    },
    keys: async () => [],
  };
}

export function redisBackend(redis: () => TestRedis): StoreBackend {
  const prefixOf = (relay: TestRelay) => {
    if (!relay.redisPrefix) throw new Error('This relay does not use Redis.');
    return relay.redisPrefix;
  };
  const backend: StoreBackend = {
    name: 'redis',
    options: () => ({ redisUrl: redis().url, redisPrefix: redis().prefix() }),
    async storedEnvelopes(relay) {
      const client = redis().client();
      const keys = (await backend.keys(relay)).filter((key) => key.startsWith(`${prefixOf(relay)}env:`));
      const bodies = await Promise.all(keys.map((key) => client.getBuffer(key)));
      return bodies.filter((b): b is Buffer => b !== null).map((body) => fromBinary(EnvelopeSchema, body));
    },
    async persistedBytes(relay) {
      return [...(await dumpKeyspace(redis().client(), prefixOf(relay))).values()];
    },
    async keys(relay) {
      return [...(await dumpKeyspace(redis().client(), prefixOf(relay))).keys()];
    },
  };
  return backend;
}

/** Whether any chunk holds `needle`, raw or in base64 / base64url. */
export function bytesContain(chunks: readonly Buffer[], needle: Uint8Array): boolean {
  const forms = [Buffer.from(needle), Buffer.from(Buffer.from(needle).toString('base64')), Buffer.from(Buffer.from(needle).toString('base64url'))];
  return chunks.some((chunk) => forms.some((form) => chunk.includes(form)));
}

/** A relay running as its own process through the real CLI (relay/main.ts). */
export interface RelayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote on stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Starts `relay/main.ts` with `args` (under Node with tsx, one process, so a signal reaches the relay itself). */
export function spawnRelay(args: string[], command: string[] = ['--import', 'tsx', 'relay/main.ts']): Promise<RelayProcess> {
  const child = spawn(process.execPath, [...command, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The relay did not start:\n${output}`)), 30_000);
    child.stdout.on('data', () => {
      const match = /^Hearth relay listening on (wss?:\/\/\S+)$/m.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({ url: match[1], child, output: () => output, exited });
    });
    void exited.then(() => reject(new Error(`The relay exited before listening:\n${output}`)));
  });
}
