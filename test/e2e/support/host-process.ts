import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface HostProcess {
  /** The whole `Hearth UI:` link, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  profileDir: string;
  relayUrl: string;
  /** Everything the process printed, for assertions about its output. */
  stdout: string[];
  stderr: string[];
  child: ChildProcess;
  /** Ends the process (and its group); removes the profile folder it made unless `keepProfile`. */
  stop(options?: { keepProfile?: boolean }): Promise<void>;
}

const UI_LINE = /^Hearth UI: (http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]{43})$/;

export interface StartOptions {
  /** The command to run; `node out/main/host.js` unless given (the npm start test runs scripts/start.mjs). */
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for the `Hearth UI:` line. */
  timeoutMs?: number;
  /** Use this profile folder (and keep it on stop) instead of a fresh temporary one. */
  profileDir?: string;
}

/**
 * Runs the browser host as a user would (a child process with its own
 * profile folder) and reads the link from the one line it prints. The child
 * leads its own process group, so stop() also ends anything it started.
 */
export async function startHostProcess(options: StartOptions = {}): Promise<HostProcess> {
  const ownsProfile = options.profileDir === undefined;
  const profileDir = options.profileDir ?? mkdtempSync(path.join(tmpdir(), 'hearth-e2e-profile-'));
  const relayUrl = options.env?.HEARTH_RELAY_URL ?? `ws://127.0.0.1:7443/e2e-${path.basename(profileDir)}`;
  const child = spawn(process.execPath, options.args ?? [path.join(ROOT, 'out/main/host.js')], {
    cwd: ROOT,
    env: { ...process.env, HEARTH_PORT: '0', HEARTH_PROFILE_DIR: profileDir, HEARTH_RELAY_URL: relayUrl, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));

  const stop = async (stopOptions: { keepProfile?: boolean } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownsProfile && !stopOptions.keepProfile) rmSync(profileDir, { recursive: true, force: true });
  };

  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No "Hearth UI:" line within ${options.timeoutMs ?? 20_000} ms.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`)), options.timeoutMs ?? 20_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        stdout.push(line);
        const found = UI_LINE.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The host exited (${code}) before printing its link.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`));
      });
    });
    const [url, origin, port, token] = [match[0].slice('Hearth UI: '.length), match[1]!, Number(match[2]), match[3]!];
    return { url, origin, port, token, profileDir, relayUrl, stdout, stderr, child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
