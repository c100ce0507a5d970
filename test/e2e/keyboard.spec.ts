import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, type HostProcess } from './support/host-process';
import type { PageGlobals } from './support/page-globals';

let host: HostProcess;

test.beforeAll(async () => {
  host = await startHostProcess();
});

test.afterAll(async () => {
  await host?.stop();
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

test('the whole first run and the main controls work from the keyboard, with a visible focus ring', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();

  await page.keyboard.press('Tab');
  expect(await focused(page)).toEqual({ label: 'Continue', outline: 'solid 2px' });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

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
  await page.keyboard.press('End');
  expect((await focused(page)).label).toBe('Settings');
  await page.keyboard.press('ArrowUp');

  // Next stop: the search field.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('searchbox', { name: 'Search chats' })).toBeFocused();
  await page.keyboard.type('ada');
  await expect(page.getByText('No chats match "ada".')).toBeVisible();

  // Back to the rail: Settings by keyboard.
  await page.keyboard.press('Shift+Tab');
  expect((await focused(page)).label).toBe('Chats');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Settings' })).toBeVisible();

  // The section list is one Tab stop too, and the theme choice is reachable after it.
  await page.keyboard.press('Tab');
  expect(await focused(page)).toEqual({ label: 'Appearance', outline: 'solid 2px' });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main').getByRole('heading', { name: 'Privacy and storage' })).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('radio', { name: 'Match the system' })).toBeFocused();
  expect((await focused(page)).outline).not.toBe('none');
});

test('the skip link moves focus to the content', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  expect(page.url()).toBe(`${host.origin}/`);
});
