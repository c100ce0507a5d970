import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { ROOT } from './support/host-process';
import { freePort } from './support/relay-process';

test('npm run demo starts a relay and two instances, prints how to open each, and Ctrl+C stops them all', async ({ browser }) => {
  test.setTimeout(120_000);
  const demoDir = mkdtempSync(path.join(tmpdir(), 'hearth-demo-e2e-'));
  const port = await freePort();
  // The browser host even where Electron is installed: this test drives the pages in Chromium.
  const child = spawn(process.execPath, ['scripts/demo.mjs'], { cwd: ROOT, env: { ...process.env, HEARTH_HOST: 'browser', HEARTH_DEMO_DIR: demoDir, HEARTH_DEMO_RELAY_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  try {
    const links = await new Promise<Record<string, string>>((resolve, reject) => {
      const found: Record<string, string> = {};
      const timer = setTimeout(() => reject(new Error(`The demo printed no links:\n${lines.join('\n')}`)), 90_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        const match = /^(alice|bob): open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/.exec(line);
        if (match) found[match[1]!] = match[2]!;
        if (found.alice && found.bob) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', (code) => reject(new Error(`The demo exited (${code}):\n${lines.join('\n')}`)));
    });
    expect(lines).toContain(`Relay: ws://127.0.0.1:${port} (data in ${path.join(demoDir, 'relay')})`);

    for (const person of ['alice', 'bob']) {
      const page = await browser.newPage();
      await page.goto(links[person]!);
      await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' })).toBeVisible();
      await expect(page.getByLabel('Relay address')).toHaveValue(`ws://127.0.0.1:${port}`);
      await expect(page.getByTestId('first-run-profile-dir')).toHaveText(path.join(demoDir, person));
      await page.close();
    }
    // Both profiles and the relay's data live in the demo folder, so a second run finds them again.
    expect(readdirSync(demoDir).sort()).toEqual(expect.arrayContaining(['relay']));

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // Nothing keeps listening: the relay's port is free again.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', () => 'closed')).resolves.toBe('closed');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(demoDir, { recursive: true, force: true });
  }
});
