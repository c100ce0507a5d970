import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, type ClientOptions } from '../../../main/core/client/client';
import { directConversationId } from '../../../main/core/messaging/views';
import { writeNewKeyFile } from '../../../main/core/vault';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A relay running as its own process (`tsx relay/main.ts`), with its output captured. */
export interface RelayProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Every line the relay printed (stdout and stderr), across restarts. */
  readonly logs: string[];
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** Start again on the same port and data folder. */
  restart(): Promise<void>;
}

export async function startRelayProcess(dataDir: string, logs: string[] = [], port = 0): Promise<RelayProcess> {
  let child: ChildProcess;
  let actualPort = port;
  const launch = async () => {
    // One node process, so a signal reaches the relay itself rather than a tsx wrapper.
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'relay/main.ts'), '--data', dataDir, '--port', String(actualPort), '--log-level', 'debug'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stderr?.on('data', collect);
    actualPort = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        collect(chunk);
        out += chunk.toString('utf8');
        const match = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`relay exited early (${code}): ${logs.slice(-5).join(' | ')}`)));
    });
  };
  await launch();
  return {
    get url() {
      return `ws://127.0.0.1:${actualPort}`;
    },
    get port() {
      return actualPort;
    },
    dataDir,
    logs,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    async restart() {
      await launch();
    },
  };
}

/** Fast reconnects for tests; everything else as in the app. */
export const testClientOptions: ClientOptions = { connection: { initialBackoffMs: 50, maxBackoffMs: 500, keepAliveMs: 5_000, requestTimeoutMs: 5_000 } };

export interface TestProfile {
  readonly username: string;
  readonly dir: string;
  readonly keyfile: string;
  client: Client;
  reopen(): Promise<Client>;
}

/** A new profile (raw key file: no slow KDF) registered on `relayUrl` and connected. */
export async function createTestProfile(root: string, username: string, relayUrl: string, options: ClientOptions = testClientOptions): Promise<TestProfile> {
  const dir = path.join(root, username);
  const keyfile = path.join(root, `${username}.key`);
  writeNewKeyFile(keyfile);
  const { client } = await Client.create({ dir, username, relayUrl, protection: { kind: 'keyfile', path: keyfile } }, options);
  client.start();
  const profile: TestProfile = {
    username,
    dir,
    keyfile,
    client,
    async reopen() {
      profile.client = await Client.open(dir, { kind: 'keyfile', path: keyfile }, options);
      profile.client.start();
      return profile.client;
    },
  };
  return profile;
}

export async function tempRoot(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const dm = directConversationId;

/** Retries `check` until it stops throwing. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** Bodies of a conversation's text messages, oldest first. */
/** The text messages of a conversation (a group's, say), oldest first. */
export function texts(client: Client, conversationId: string): string[] {
  return client
    .messagePage(conversationId, { limit: 500 })
    .messages.filter((m) => m.kind === 'text')
    .map((m) => m.body ?? '');
}

/** The text messages of the one-to-one conversation with `with_`. */
export function bodies(client: Client, with_: string): string[] {
  return texts(client, dm(with_));
}

/** What a test file gets from useRelayAndProfiles: read its fields inside tests (they are set in beforeAll). */
export interface RelayFixture {
  readonly relay: RelayProcess;
  /** The test file's temporary folder (profiles and relay data live in it). */
  readonly dir: string;
  /** Every profile made so far (a test that scans the folders closes them first). */
  readonly profiles: readonly TestProfile[];
  /** A new profile registered on the relay; closed after the file's tests. */
  profile(name: string, options?: ClientOptions): Promise<TestProfile>;
}

/**
 * One relay process and one temporary folder per test file, with every
 * profile made through it closed and everything removed afterwards.
 */
export function useRelayAndProfiles(prefix: string): RelayFixture {
  let root: { dir: string; remove(): Promise<void> } | undefined;
  let relay: RelayProcess | undefined;
  const profiles: TestProfile[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRelayAndProfiles: use the fixture inside a test, after beforeAll.');
    return value;
  };

  beforeAll(async () => {
    root = await tempRoot(prefix);
    relay = await startRelayProcess(path.join(root.dir, 'relay-data'));
  });

  afterAll(async () => {
    await Promise.allSettled(profiles.map((p) => p.client.close()));
    await relay?.stop();
    await root?.remove();
  });

  return {
    get relay() {
      return started(relay);
    },
    get dir() {
      return started(root).dir;
    },
    profiles,
    async profile(name, options = testClientOptions) {
      const p = await createTestProfile(started(root).dir, name, started(relay).url, options);
      profiles.push(p);
      return p;
    },
  };
}
