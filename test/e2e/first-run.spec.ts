import { expect, test } from '@playwright/test';
import { startHostProcess, type HostProcess } from './support/host-process';
import { expectNoSeriousA11yViolations, watchPage } from './support/page-guards';

let host: HostProcess;

test.beforeAll(async () => {
  host = await startHostProcess();
});

test.afterAll(async () => {
  await host?.stop();
});

test('the first-run screen shows what the core reports for this profile', async ({ page }) => {
  const watched = await watchPage(page);
  await page.goto(host.url);

  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' })).toBeVisible();
  // The temp folder and relay address exist only in this host's environment: they can only have come from the core.
  await expect(page.getByTestId('first-run-profile-dir')).toHaveText(host.profileDir);
  await expect(page.getByTestId('first-run-relay-url')).toHaveValue(host.relayUrl);
  await expect(page.getByText(/^Hearth \d+\.\d+\.\d+ · libsignal \d+\.\d+\.\d+ · Node \d+\.\d+\.\d+$/)).toBeVisible();

  await page.getByLabel('Choose a username').fill('ada');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Protect your history' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Operating system keychain/ })).toBeDisabled();
  await expect(page.getByText('The browser host cannot reach the OS keychain; use a passphrase.')).toBeVisible();
  await expect(page.getByRole('radio', { name: /Passphrase/ })).toBeChecked();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Choose a username')).toHaveValue('ada');

  expect(watched.violations).toEqual([]);
  expect(watched.errors).toEqual([]);
});

test('the token leaves the address bar at once and survives a reload', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('first-run-profile-dir')).toHaveText(host.profileDir);
  expect(page.url()).toBe(`${host.origin}/`);
  await page.reload();
  await expect(page.getByTestId('first-run-profile-dir')).toHaveText(host.profileDir);
});

test('without the token the page explains where to find the link', async ({ page }) => {
  await page.goto(`${host.origin}/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Open Hearth from its link' })).toBeVisible();
  await expect(page.getByTestId('first-run-profile-dir')).toHaveCount(0);
});

test('an old link (wrong token) is recognised as expired', async ({ page }) => {
  await page.goto(`${host.origin}/#token=${'A'.repeat(43)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'This link has expired' })).toBeVisible();
});

test('a relay that cannot be reached is reported, and no profile is left behind', async ({ page }) => {
  await page.goto(host.url);
  await page.getByLabel('Choose a username').fill('ada');
  // Port 9 (discard) is closed on loopback.
  await page.getByLabel('Relay address').fill('ws://127.0.0.1:9');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Choose a passphrase').fill('copper lantern orbit velvet');
  await page.getByLabel('Type it again').fill('copper lantern orbit velvet');
  await page.getByRole('button', { name: 'Create my profile' }).click();
  await expect(page.getByRole('alert')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Protect your history' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' })).toBeVisible();
});

test('axe finds no serious or critical problems on the first-run screens, light or dark', async ({ page }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // A full load each time: going to the same URL with only a new fragment would not reload the page.
    await page.goto('about:blank');
    await page.goto(host.url);
    await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel('Choose a username').fill('ada');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Choose a passphrase').fill('password');
    await expect(page.getByText('Too weak to protect your history.')).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  }
});
