import { chromium, expect, test, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../playwright.config';
import { startHostProcess, type HostProcess } from '../support/host-process';
import { bubble, chatRow, onboard, openChat, send, startChat } from '../support/messenger-page';
import { startRelayProcess, type RelayProcess } from '../support/relay-process';
import { findAppBinary, launchApp, SKIP_REASON, type RunningApp } from './launch';

/*
 * The desktop app end to end: first run in the Electron window (through the
 * preload bridge and the core worker), then one message each way with a
 * second person on the browser host, through a real relay process.
 */

const binary = findAppBinary();
if (!binary) console.log(SKIP_REASON);

test.describe('Electron onboarding and a message', () => {
  test.skip(!binary, SKIP_REASON);
  test.describe.configure({ mode: 'serial' });

  let relay: RelayProcess;
  let app: RunningApp;
  let bobHost: HostProcess;
  let browser: Browser;
  const previousRelayUrl = process.env.HEARTH_RELAY_URL;

  test.beforeAll(async () => {
    if (!binary) return;
    relay = await startRelayProcess();
    // launchApp passes this process's environment on to Electron.
    process.env.HEARTH_RELAY_URL = relay.url;
    app = await launchApp(binary);
    bobHost = await startHostProcess({ env: { HEARTH_RELAY_URL: relay.url } });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  test.afterAll(async () => {
    if (previousRelayUrl === undefined) delete process.env.HEARTH_RELAY_URL;
    else process.env.HEARTH_RELAY_URL = previousRelayUrl;
    await browser?.close();
    await app?.close();
    await bobHost?.stop();
    await relay?.stop();
  });

  test('first run in the desktop window, then one message each way', async () => {
    const { page } = app;
    await expect(page.getByLabel('Relay address')).toHaveValue(relay.url);
    await onboard(page, 'alice');

    const bob = await (await browser.newContext()).newPage();
    await bob.goto(bobHost.url);
    await onboard(bob, 'bob');

    await startChat(page, 'bob');
    await send(page, 'Hello from the desktop app');
    await expect(bubble(page, 'Hello from the desktop app').getByRole('img', { name: /Delivered|Read/ })).toBeVisible({ timeout: 30_000 });

    await expect(chatRow(bob, 'alice')).toBeVisible({ timeout: 30_000 });
    await openChat(bob, 'alice');
    await expect(bubble(bob, 'Hello from the desktop app')).toBeVisible();
    await send(bob, 'Hello back from the browser');
    await expect(bubble(page, 'Hello back from the browser')).toBeVisible({ timeout: 30_000 });
  });
});
