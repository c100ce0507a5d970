import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startHostProcess, type HostProcess } from './support/host-process';

/** Whether Electron's binary is installed here (it usually cannot be downloaded on test machines). */
function electronInstalled(): boolean {
  try {
    const binary: unknown = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary);
  } catch {
    return false;
  }
}

let started: HostProcess | undefined;

test.afterEach(async () => {
  await started?.stop();
  started = undefined;
});

test('npm start falls back to the browser host, says why in one sentence, and serves the app', async ({ page }) => {
  test.setTimeout(180_000);
  // Where Electron is installed, `npm start` would open the desktop app; ask for the browser host instead.
  const withElectron = electronInstalled();
  started = await startHostProcess({ args: ['scripts/start.mjs'], env: withElectron ? { HEARTH_HOST: 'browser' } : {}, timeoutMs: 150_000 });

  const [sentence, uiLine, ...rest] = started.stdout;
  expect(rest).toEqual([]);
  expect(uiLine).toMatch(/^Hearth UI: /);
  if (withElectron) expect(sentence).toBe('HEARTH_HOST=browser is set, so Hearth starts in your browser.');
  else expect(sentence).toMatch(/^Electron's binary is not installed and could not be downloaded \([^)]+\), so Hearth starts in your browser instead\.$/);

  await page.goto(started.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' })).toBeVisible();
  await expect(page.getByTestId('first-run-profile-dir')).toHaveText(started.profileDir);
  await expect(page.getByTestId('first-run-relay-url')).toHaveValue(started.relayUrl);

  // Stopping `npm start` stops the host it started: the port closes.
  const { origin } = started;
  await started.stop();
  started = undefined;
  await expect(fetch(origin).then(() => 'answered', () => 'closed')).resolves.toBe('closed');
});
