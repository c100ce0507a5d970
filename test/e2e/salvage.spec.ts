import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHostProcess } from './support/host-process';
import { onboard, STRONG_PASSPHRASE } from './support/messenger-page';
import { expectNoSeriousA11yViolations, watchPage } from './support/page-guards';
import { startRelayProcess } from './support/relay-process';

/**
 * Unlocking a profile whose journal was damaged on disk: the lock screen says
 * what is wrong and offers to open what is intact; after that a report says
 * what was kept and where the damaged part went, and the history (here, a
 * setting saved before the damage) is there.
 */
test('a damaged journal: the lock screen offers to open what is intact, and says what it kept', async ({ page }) => {
  const relay = await startRelayProcess();
  const host = await startHostProcess({ env: { HEARTH_RELAY_URL: relay.url } });
  try {
    const watched = await watchPage(page);
    await page.goto(host.url);
    await onboard(page, 'mend');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Dark' }).check();
    // Locking saves the whole history into the snapshot and starts an empty journal.
    await page.getByRole('button', { name: 'Lock Hearth' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();

    // One changed byte in the journal's header, as a failing disk would leave it.
    const journal = path.join(host.profileDir, 'vault.journal');
    const bytes = readFileSync(journal);
    bytes[20] = (bytes[20] as number) ^ 0x10;
    writeFileSync(journal, bytes);

    await page.getByLabel('Passphrase').fill(STRONG_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('alert')).toContainText('journal', { timeout: 30_000 });
    await expect(page.getByText('Your key is right, and your history up to the damage is intact.')).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.getByRole('button', { name: 'Open what is intact' }).click();

    await expect(page.getByRole('heading', { level: 1, name: 'Your history is open, without its damaged part' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText('Changes recovered after the last full save: 0.')).toBeVisible();
    const aside = readdirSync(host.profileDir).filter((name) => name.startsWith('vault.journal.damaged-'));
    expect(aside).toHaveLength(1);
    await expect(page.getByText(`in your profile folder: ${aside[0]}.`)).toBeVisible();
    expect(readFileSync(path.join(host.profileDir, aside[0] as string)).equals(bytes)).toBe(true);
    await expectNoSeriousA11yViolations(page);
    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();

    // From now on the profile opens as usual.
    await page.getByRole('button', { name: 'Lock Hearth' }).click();
    await page.getByLabel('Passphrase').fill(STRONG_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
  } finally {
    await host.stop();
    await relay.stop();
  }
});
