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
  await expect(page.getByTestId('first-run-relay-url')).toHaveText(host.relayUrl);
  await expect(page.getByText('The browser host cannot reach the OS keychain; use a passphrase.')).toBeVisible();
  const protection = (name: string) => page.getByRole('listitem').filter({ has: page.getByText(name, { exact: true }) });
  await expect(protection('Operating system keychain')).toContainText('Unavailable');
  await expect(protection('Passphrase')).toContainText('Available');
  await expect(protection('Passphrase')).not.toContainText('Unavailable');
  await expect(page.getByText(/^Hearth \d+\.\d+\.\d+ · libsignal \d+\.\d+\.\d+ · Node \d+\.\d+\.\d+$/)).toBeVisible();

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

test('continuing leads to the messenger layout, which stays within the CSP', async ({ page }) => {
  const watched = await watchPage(page);
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Chats' })).toBeVisible();
  await expect(page.getByText('No chats yet')).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Your messages stay yours');

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Privacy and storage' }).click();
  await expect(page.getByRole('main').getByText(host.profileDir, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByRole('main')).toContainText('your browser (browser host)');

  expect(watched.violations).toEqual([]);
  expect(watched.errors).toEqual([]);
});

test('axe finds no serious or critical problems on the first-run screen or the main layout', async ({ page }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // A full load each time: going to the same URL with only a new fragment would not reload the page.
    await page.goto('about:blank');
    await page.goto(host.url);
    await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.getByRole('button', { name: 'Settings' }).click();
    for (const section of ['Appearance', 'Privacy and storage', 'About']) {
      await page.getByRole('button', { name: section }).click();
      await expect(page.getByRole('main').getByRole('heading', { name: section })).toBeVisible();
      await expectNoSeriousA11yViolations(page);
    }
  }
});
