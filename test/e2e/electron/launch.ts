import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, chromium, type Browser, type ElectronApplication, type Page } from '@playwright/test';

/**
 * Starts Hearth's Electron app for the end-to-end tests in one of two ways:
 * - development build: the Electron binary from node_modules on out/ (run
 *   `npx electron-vite build` first), through Playwright's _electron, which
 *   also lets a test look inside the main process;
 * - packaged build (HEARTH_APP_BINARY, set by `npm run test:packaged -- PATH`):
 *   its fuses turn off the Node inspector that _electron needs, so the binary
 *   is started with Chromium's remote debugging port and the page is driven
 *   over CDP; main-process checks are not possible there.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
export const SKIP_REASON = 'skipped: Electron binary not installed';

export type AppBinary = { kind: 'development'; path: string } | { kind: 'packaged'; path: string };

/** The binary to test, or null when no Electron binary is installed (it cannot be downloaded everywhere). */
export function findAppBinary(): AppBinary | null {
  const packaged = process.env.HEARTH_APP_BINARY;
  if (packaged) {
    // Asked for explicitly, so a wrong path is an error, not a reason to skip.
    if (!existsSync(packaged)) throw new Error(`HEARTH_APP_BINARY does not exist: ${packaged}`);
    return { kind: 'packaged', path: resolve(packaged) };
  }
  try {
    // The electron package exports the binary's path, and throws when its download never happened.
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? { kind: 'development', path } : null;
  } catch {
    return null;
  }
}

export interface RunningApp {
  readonly page: Page;
  readonly profileDir: string;
  /** Present for the development build only. */
  readonly electron: ElectronApplication | null;
  close(): Promise<void>;
}

function environment(profileDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  // Serve the built renderer from app://, as a release does, never a dev server.
  delete env.ELECTRON_RENDERER_URL;
  env.HEARTH_PROFILE_DIR = profileDir;
  return env;
}

/** Chromium refuses to run as root with its OS sandbox on (CI containers); the renderer stays sandboxed by Electron. */
function chromiumArgs(): string[] {
  return process.getuid?.() === 0 ? ['--no-sandbox'] : [];
}

export async function launchApp(binary: AppBinary): Promise<RunningApp> {
  const profileDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-profile-'));
  const removeProfile = () => rmSync(profileDir, { recursive: true, force: true });
  try {
    return binary.kind === 'development' ? await launchDevelopment(binary.path, profileDir, removeProfile) : await launchPackaged(binary.path, profileDir, removeProfile);
  } catch (error) {
    removeProfile();
    throw error;
  }
}

async function launchDevelopment(executablePath: string, profileDir: string, removeProfile: () => void): Promise<RunningApp> {
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('out/main/index.js is missing: run `npx electron-vite build` first.');
  const electron = await _electron.launch({ executablePath, args: [...chromiumArgs(), ROOT], env: environment(profileDir) });
  const page = await electron.firstWindow();
  return {
    page,
    profileDir,
    electron,
    async close() {
      await electron.close();
      removeProfile();
    },
  };
}

async function launchPackaged(executablePath: string, profileDir: string, removeProfile: () => void): Promise<RunningApp> {
  const child = spawn(executablePath, [...chromiumArgs(), '--remote-debugging-port=0'], { env: environment(profileDir), stdio: ['ignore', 'ignore', 'pipe'] });
  let browser: Browser | null = null;
  try {
    const endpoint = await devtoolsEndpoint(child);
    browser = await chromium.connectOverCDP(endpoint);
    const page = await appPage(browser);
    const connected = browser;
    return {
      page,
      profileDir,
      electron: null,
      async close() {
        await connected.close().catch(() => undefined);
        await stopProcess(child);
        removeProfile();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await stopProcess(child);
    throw error;
  }
}

/** Chromium prints "DevTools listening on ws://…" on stderr once the port is open. */
function devtoolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('The packaged app did not open its DevTools port within 30 s.')), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The packaged app exited early (code ${code}).`));
    });
  });
}

/** The page showing our renderer (CDP also lists DevTools and service pages). */
async function appPage(browser: Browser): Promise<Page> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const context of browser.contexts()) {
      const page = context.pages().find((candidate) => candidate.url().startsWith('app://hearth/'));
      if (page) return page;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  throw new Error('The packaged app did not show its window within 30 s.');
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
