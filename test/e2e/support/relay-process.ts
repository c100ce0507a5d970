import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './host-process';

const LISTENING = /^Hearth relay listening on (ws:\/\/127\.0\.0\.1:(\d+))$/;

export interface RelayProcess {
  url: string;
  port: number;
  /** The relay's data folder (SQLite store), kept across restarts. */
  dataDir: string;
  /** Stops the process but keeps its data, so restart() brings the same accounts back on the same port. */
  halt(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (asked of the OS, then released for the relay to take). */
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

/**
 * The real relay as its own process (`npm run relay`), with an SQLite data
 * folder in a temporary directory, on a fixed free port so a restart keeps
 * the address the profiles registered with.
 */
export async function startRelayProcess(): Promise<RelayProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-e2e-relay-'));
  const port = await freePort();
  let child: ChildProcess | null = null;

  const launch = async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'relay/main.ts'), '--port', String(port), '--data', dataDir, '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const stderr: string[] = [];
    createInterface({ input: proc.stderr! }).on('line', (line) => stderr.push(line));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The relay did not start in time.\n${stderr.join('\n')}`)), 20_000);
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (LISTENING.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The relay exited (${code}) before listening.\n${stderr.join('\n')}`));
      });
    });
  };

  const halt = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    dataDir,
    halt,
    restart: launch,
    async stop() {
      await halt();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Forgets an account on a halted relay, as if it had never registered, so
 * the username can be registered again with a new identity key (what a
 * reinstall on a relay that reclaims names looks like to the contacts).
 */
export async function forgetAccount(relay: RelayProcess, username: string): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path.join(relay.dataDir, 'relay.sqlite'));
  try {
    const row = db.prepare('SELECT id FROM accounts WHERE username = ?').get(username) as { id: string } | undefined;
    if (!row) throw new Error(`The relay has no account named ${username}.`);
    db.transaction(() => {
      for (const table of ['devices', 'signed_prekeys', 'last_resort_kyber_prekeys', 'ec_prekeys', 'kyber_prekeys', 'envelopes']) db.prepare(`DELETE FROM ${table} WHERE account_id = ?`).run(row.id);
      db.prepare('DELETE FROM accounts WHERE id = ?').run(row.id);
    })();
  } finally {
    db.close();
  }
}
