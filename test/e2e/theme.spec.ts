import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, type HostProcess } from './support/host-process';
import { onboard, STRONG_PASSPHRASE } from './support/messenger-page';
import type { PageGlobals } from './support/page-globals';
import { startRelayProcess } from './support/relay-process';

let host: HostProcess;

test.beforeAll(async () => {
  host = await startHostProcess();
});

test.afterAll(async () => {
  await host?.stop();
});

function bodyStyle(page: Page): Promise<{ backgroundColor: string; color: string }> {
  return page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    const { backgroundColor, color } = page.getComputedStyle(page.document.body);
    return { backgroundColor, color };
  });
}
const background = (page: Page) => bodyStyle(page).then((style) => style.backgroundColor);
const textColor = (page: Page) => bodyStyle(page).then((style) => style.color);

/** Relative luminance, roughly: enough to tell a light surface from a dark one. */
function brightness(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
  return (0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)) / 255;
}

test('the theme follows the operating system and changes live', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(host.url);
  await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
  const light = await background(page);
  expect(brightness(light)).toBeGreaterThan(0.9);
  expect(brightness(await textColor(page))).toBeLessThan(0.2);

  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => background(page).then(brightness)).toBeLessThan(0.15);
  expect(brightness(await textColor(page))).toBeGreaterThan(0.85);

  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => background(page)).toBe(light);
});

test('a theme chosen in Settings overrides the system one, is kept in the vault, and paints first on the next start', async ({ page }) => {
  const relay = await startRelayProcess();
  const own = await startHostProcess({ env: { HEARTH_RELAY_URL: relay.url } });
  try {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(own.url);
    await onboard(page, 'painter');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => background(page).then(brightness)).toBeLessThan(0.15);

    // After a reload the vault is still open in the core; the page paints dark from the first frame.
    await page.reload();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    expect(brightness(await background(page))).toBeLessThan(0.15);

    // Locked, the setting is out of reach, but the remembered choice still paints the lock screen.
    await page.getByRole('button', { name: 'Lock Hearth' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();
    expect(brightness(await background(page))).toBeLessThan(0.15);
    await page.getByLabel('Passphrase').fill(STRONG_PASSPHRASE);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Match the system' }).check();
    await expect.poll(() => background(page).then(brightness)).toBeGreaterThan(0.9);
  } finally {
    await own.stop();
    await relay.stop();
  }
});
