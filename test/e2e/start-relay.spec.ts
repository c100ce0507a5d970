import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './support/host-process';

const RELAY = '127.0.0.1:7443';

function listening(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: 7443 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

test('npm start runs an embedded relay on 127.0.0.1:7443 when HEARTH_RELAY_URL is unset, and stops it on exit', async ({ page }) => {
  test.setTimeout(180_000);
  const alreadyThere = await listening();
  const profileDir = mkdtempSync(path.join(tmpdir(), 'hearth-start-profile-'));
  const relayData = mkdtempSync(path.join(tmpdir(), 'hearth-start-relay-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HEARTH_PORT: '0', HEARTH_PROFILE_DIR: profileDir, HEARTH_RELAY_DATA_DIR: relayData, HEARTH_HOST: 'browser' };
  delete env.HEARTH_RELAY_URL;
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const lines: string[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Hearth UI line:\n${lines.join('\n')}`)), 150_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('Hearth UI: ')) {
          clearTimeout(timer);
          resolve(line.slice('Hearth UI: '.length));
        }
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${lines.join('\n')}`)));
    });

    if (alreadyThere) {
      expect(lines).toContain(`Using the relay already listening on ws://${RELAY}.`);
    } else {
      expect(lines).toContain(`Hearth relay listening on ws://${RELAY}`);
      const health = await fetch(`http://${RELAY}/healthz`);
      expect(health.ok).toBe(true);
      // The relay keeps its data where HEARTH_RELAY_DATA_DIR says, so accounts survive a restart.
      expect(readdirSync(relayData).length).toBeGreaterThan(0);
    }
    await page.goto(url);
    await expect(page.getByTestId('first-run-relay-url')).toHaveValue(`ws://${RELAY}`);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    rmSync(profileDir, { recursive: true, force: true });
    rmSync(relayData, { recursive: true, force: true });
  }
  if (!alreadyThere) expect(await listening()).toBe(false);
});
