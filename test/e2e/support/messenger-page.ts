import { expect, type Browser, type Page } from '@playwright/test';
import type { HostProcess } from './host-process';
import { watchPage } from './page-guards';

/** A passphrase zxcvbn scores 4 (four unrelated words), so the strength meter accepts it. */
export const STRONG_PASSPHRASE = 'copper lantern orbit velvet';

export interface Person {
  page: Page;
  host: HostProcess;
  watched: { violations: string[]; errors: string[] };
}

/** A fresh browser page on a host, with CSP violations and page errors recorded. */
export async function openPerson(browser: Browser, host: HostProcess): Promise<Person> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const watched = await watchPage(page);
  await page.goto(host.url);
  return { page, host, watched };
}

/** First run through the UI: username, relay (the host's default), a passphrase, the recovery key confirmed. */
export async function onboard(page: Page, username: string, passphrase = STRONG_PASSPHRASE): Promise<string> {
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' })).toBeVisible();
  await page.getByLabel('Choose a username').fill(username);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Protect your history' })).toBeVisible();
  // Where an OS keychain is available (Electron), it is the default; these tests use a passphrase.
  await page.getByRole('radio', { name: /Passphrase/ }).check();
  await page.getByLabel('Choose a passphrase').fill(passphrase);
  await page.getByLabel('Type it again').fill(passphrase);
  await expect(page.getByText(/Strength: (strong|very strong)/)).toBeVisible();
  await page.getByRole('button', { name: 'Create my profile' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery key' })).toBeVisible({ timeout: 30_000 });
  const recoveryKey = (await page.getByTestId('recovery-key').textContent()) ?? '';
  await page.getByRole('checkbox', { name: /I have saved my recovery key/ }).check();
  await page.getByRole('button', { name: 'Open Hearth' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  return recoveryKey;
}

export async function startChat(page: Page, username: string): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByLabel('Their username').fill(username);
  await dialog.getByRole('button', { name: 'Start chat' }).click();
  await expect(dialog).toBeHidden();
  await expect(conversationHeader(page)).toContainText(username);
}

export function conversationHeader(page: Page) {
  return page.locator('.conversation__header');
}

export function chatRow(page: Page, title: string) {
  return page.getByRole('list', { name: 'Chats' }).getByRole('button').filter({ hasText: title });
}

/** Opens a chat from the list, coming back from Settings first if need be. */
export async function openChat(page: Page, title: string): Promise<void> {
  if (!(await page.getByRole('region', { name: 'Chats' }).isVisible())) await page.getByRole('button', { name: 'Chats', exact: true }).click();
  await chatRow(page, title).click();
  await expect(conversationHeader(page)).toContainText(title);
}

export function composer(page: Page) {
  return page.getByRole('textbox', { name: /^Message to / });
}

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect(composer(page)).toHaveValue('');
}

/** The bubble holding `text` in the open chat. */
export function bubble(page: Page, text: string) {
  return page.getByTestId('message-list').locator('.message').filter({ has: page.locator('.message__body', { hasText: text }) });
}

export async function lockAndUnlock(page: Page, passphrase = STRONG_PASSPHRASE): Promise<void> {
  await page.getByRole('button', { name: 'Lock Hearth' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
}
