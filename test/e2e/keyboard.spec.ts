import { expect, test, type Locator, type Page } from '@playwright/test';
import { startHostProcess, type HostProcess } from './support/host-process';
import { STRONG_PASSPHRASE } from './support/messenger-page';
import type { PageGlobals } from './support/page-globals';
import { startRelayProcess, type RelayProcess } from './support/relay-process';

let relay: RelayProcess;
let host: HostProcess;

test.beforeAll(async () => {
  relay = await startRelayProcess();
  host = await startHostProcess({ env: { HEARTH_RELAY_URL: relay.url } });
});

test.afterAll(async () => {
  await host?.stop();
  await relay?.stop();
});

/** The focused element's accessible-ish description and whether a focus ring is drawn around it. */
function focused(page: Page): Promise<{ label: string; outline: string }> {
  return page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    const element = page.document.activeElement;
    if (!element || element === page.document.body) return { label: '(body)', outline: 'none' };
    const style = page.getComputedStyle(element);
    const label = element.getAttribute('aria-label') ?? element.getAttribute('placeholder') ?? element.textContent?.trim() ?? element.tagName;
    const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return { label, outline: visible ? `${style.outlineStyle} ${style.outlineWidth}` : 'none' };
  });
}

test.describe.configure({ mode: 'serial' });

/** Presses Tab until `target` has focus (at most `maxTabs` times), and checks a focus ring is drawn on it. */
async function tabTo(page: Page, target: Locator, maxTabs = 12): Promise<void> {
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)) {
      expect((await focused(page)).outline, 'focus ring').not.toBe('none');
      return;
    }
  }
  throw new Error(`Tab never reached ${target.toString()}; last: ${(await focused(page)).label}`);
}

/** The vault stays open in the core across page loads; unlock only if it was locked meanwhile. */
async function openUnlocked(page: Page): Promise<void> {
  await page.goto(host.url);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const passphrase = page.getByLabel('Passphrase');
  await expect(nav.or(passphrase)).toBeVisible();
  if (await passphrase.isVisible()) {
    await passphrase.fill(STRONG_PASSPHRASE);
    await page.keyboard.press('Enter');
  }
  await expect(nav).toBeVisible({ timeout: 30_000 });
}

test('the whole first run works from the keyboard, with a visible focus ring', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' })).toBeVisible();

  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Choose a username')).toBeFocused();
  expect((await focused(page)).outline).not.toBe('none');
  await page.keyboard.type('keys');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Protect your history' })).toBeVisible();
  await tabTo(page, page.getByLabel('Choose a passphrase'));
  await page.keyboard.type(STRONG_PASSPHRASE);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Type it again')).toBeFocused();
  await page.keyboard.type(STRONG_PASSPHRASE);
  await expect(page.getByRole('button', { name: 'Create my profile' })).toBeEnabled();
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery key' })).toBeVisible({ timeout: 30_000 });
  await tabTo(page, page.getByRole('checkbox', { name: 'I have saved my recovery key somewhere safe.' }));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Open Hearth' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

test('the main window is one Tab stop per region, arrows within, and a focus ring everywhere', async ({ page }) => {
  await openUnlocked(page);
  await page.locator('body').focus();

  // First stop: the skip link, shown only while focused.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  expect((await focused(page)).outline).not.toBe('none');

  // The navigation rail is one Tab stop; arrows move within it.
  await page.keyboard.press('Tab');
  expect(await focused(page)).toEqual({ label: 'Chats', outline: 'solid 2px' });
  await page.keyboard.press('ArrowDown');
  expect(await focused(page)).toEqual({ label: 'Settings', outline: 'solid 2px' });
  await page.keyboard.press('ArrowDown');
  expect((await focused(page)).label).toBe('Chats');

  await tabTo(page, page.getByRole('button', { name: 'Lock Hearth' }));
  await tabTo(page, page.getByRole('button', { name: 'New chat' }).first());
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'New chat' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'New chat' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'New chat' }).first()).toBeFocused();

  await page.keyboard.press('Tab');
  await expect(page.getByRole('searchbox', { name: 'Search chats and messages' })).toBeFocused();
  await page.keyboard.type('ada');
  await expect(page.getByText('No messages match "ada".')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('searchbox', { name: 'Search chats and messages' })).toHaveValue('');

  // Settings by keyboard: the section list is one Tab stop too.
  await page.getByRole('button', { name: 'Settings' }).focus();
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: 'Appearance' }));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main').getByRole('heading', { name: 'Privacy and security' })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Lock now' }));
});

test('the skip link moves focus to the content', async ({ page }) => {
  await openUnlocked(page);
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  expect(page.url()).toBe(`${host.origin}/`);
});
