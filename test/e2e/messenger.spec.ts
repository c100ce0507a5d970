import { expect, test, type Browser } from '@playwright/test';
import { startHostProcess, type HostProcess } from './support/host-process';
import { bubble, chatRow, composer, conversationHeader, lockAndUnlock, onboard, openChat, openPerson, send, startChat, STRONG_PASSPHRASE, type Person } from './support/messenger-page';
import { expectNoSeriousA11yViolations } from './support/page-guards';
import { forgetAccount, startRelayProcess, type RelayProcess } from './support/relay-process';

/*
 * Two people, Alice and Bob, each with their own browser host and profile,
 * talking through a real relay process: the issue 6 end-to-end tests. The
 * tests run in order and build on each other, as a person's day would.
 */

test.describe.configure({ mode: 'serial' });

/** The page globals the notification test touches (the specs compile without the DOM library). */
interface NotificationGlobals {
  Notification: { new (title: string, options?: { body?: string }): unknown; permission: string; requestPermission(): Promise<string> };
  shown: Array<{ title: string; body: string }>;
  document: { dispatchEvent(event: unknown): boolean };
  Event: new (type: string) => unknown;
}

const NEW_PASSPHRASE = 'harbor maple quartz thimble';

let relay: RelayProcess;
let alice: Person;
let bob: Person;
const hosts: HostProcess[] = [];
/** Every page opened, so the last test can check none of them broke the CSP or threw. */
const everyone: Person[] = [];

async function person(browser: Browser, profileDir?: string): Promise<Person> {
  const host = await startHostProcess({ env: { HEARTH_RELAY_URL: relay.url }, profileDir });
  hosts.push(host);
  const opened = await openPerson(browser, host);
  everyone.push(opened);
  return opened;
}

test.beforeAll(async ({ browser }) => {
  relay = await startRelayProcess();
  alice = await person(browser);
  bob = await person(browser);
});

test.afterAll(async () => {
  for (const host of hosts) await host.stop();
  await relay?.stop();
});

test('onboarding with a passphrase: username, relay, strength meter, recovery key', async () => {
  const { page } = alice;
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Hearth' })).toBeVisible();
  await expect(page.getByLabel('Relay address')).toHaveValue(relay.url);
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel('Choose a username').fill('Alice!');
  await expect(page.getByText('Use 3–32 characters of a–z, 0–9, dot and underscore.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Continue' })).toBeDisabled();
  await page.getByLabel('Choose a username').fill('alice');
  await page.getByRole('button', { name: 'Continue' }).click();

  // The browser host has no OS keychain: the choice is there, disabled, with the core's reason.
  await expect(page.getByRole('radio', { name: /Operating system keychain/ })).toBeDisabled();
  await expect(page.getByRole('radio', { name: /Passphrase/ })).toBeChecked();
  await page.getByLabel('Choose a passphrase').fill('password1');
  await expect(page.getByText('Too weak to protect your history.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create my profile' })).toBeDisabled();
  await page.getByLabel('Choose a passphrase').fill(STRONG_PASSPHRASE);
  await page.getByLabel('Type it again').fill(`${STRONG_PASSPHRASE}x`);
  await expect(page.getByText('The two passphrases are not the same.')).toBeVisible();
  await page.getByLabel('Type it again').fill(STRONG_PASSPHRASE);
  await expect(page.getByText(/Strength: (strong|very strong)/)).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Create my profile' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Save your recovery key' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('recovery-key')).toHaveText(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){12}$/);
  await expect(page.getByRole('button', { name: 'Open Hearth' })).toBeDisabled();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('checkbox', { name: /I have saved my recovery key/ }).check();
  await page.getByRole('button', { name: 'Open Hearth' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByText('No chats yet')).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await onboard(bob.page, 'bob');
});

test('add a contact by username', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await expect(dialog).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await dialog.getByLabel('Their username').fill('nobody_here');
  await dialog.getByRole('button', { name: 'Start chat' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Nobody is called "nobody_here" on this relay.');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await startChat(page, 'bob');
  await expect(chatRow(page, 'bob')).toBeVisible();
  await expect(page.getByText('This is the start of your chat with bob. Say hello!')).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test('messages both ways, with delivered and read ticks and the typing indicator', async () => {
  await send(alice.page, 'Hello Bob, this is Alice');
  const sent = bubble(alice.page, 'Hello Bob, this is Alice');
  await expect(sent.getByRole('img', { name: 'Delivered' })).toBeVisible({ timeout: 20_000 });

  // Bob's list shows the new chat, its preview and one unread message.
  await expect(chatRow(bob.page, 'alice')).toContainText('Hello Bob, this is Alice', { timeout: 20_000 });
  await expect(chatRow(bob.page, 'alice')).toContainText('1 unread');
  await expect(bob.page.getByTestId('unread-badge')).toContainText('1');
  await expect(bob.page).toHaveTitle('(1) Hearth');
  await openChat(bob.page, 'alice');
  await expect(bubble(bob.page, 'Hello Bob, this is Alice')).toBeVisible();

  // Bob read it: Alice sees the read ticks, and Bob's count is gone.
  await expect(sent.getByRole('img', { name: 'Read' })).toBeVisible({ timeout: 20_000 });
  await expect(bob.page).toHaveTitle('Hearth');

  // Bob types: Alice sees it; Bob sends: the indicator goes and the message arrives.
  await composer(bob.page).pressSequentially('Hi Al', { delay: 30 });
  await expect(alice.page.getByTestId('typing-indicator')).toHaveText(/bob is typing/, { timeout: 20_000 });
  await expect(chatRow(alice.page, 'bob')).toContainText('typing…');
  await composer(bob.page).pressSequentially('ice!', { delay: 30 });
  await composer(bob.page).press('Shift+Enter');
  await composer(bob.page).pressSequentially('Second line.');
  await composer(bob.page).press('Enter');
  const reply = bubble(alice.page, 'Hi Alice!');
  await expect(reply).toBeVisible({ timeout: 20_000 });
  await expect(reply.locator('.message__body')).toHaveText('Hi Alice!\nSecond line.');
  await expect(alice.page.getByTestId('typing-indicator')).toHaveCount(0);
  await expect(bubble(bob.page, 'Hi Alice!').getByRole('img', { name: /Delivered|Read/ })).toBeVisible({ timeout: 20_000 });
  await expectNoSeriousA11yViolations(alice.page);
});

test('search finds a message in all history and jumps to it', async () => {
  const { page } = alice;
  // Enough messages after the target that it is off screen when the chat opens.
  await send(page, 'The spare key is under the terracotta pot');
  for (let i = 1; i <= 30; i += 1) await send(page, `Filler message number ${i}`);
  await expect(bubble(page, 'Filler message number 30').getByRole('img', { name: /Delivered|Read/ })).toBeVisible({ timeout: 20_000 });
  await expect(bubble(page, 'The spare key is under the terracotta pot')).toHaveCount(0);

  const search = page.getByRole('searchbox', { name: 'Search chats and messages' });
  await search.fill('terracotta');
  const results = page.getByRole('list', { name: 'Messages' });
  const hit = results.getByRole('button').filter({ hasText: 'terracotta' });
  await expect(hit).toHaveCount(1);
  await expect(hit.locator('mark')).toHaveText(/terracotta/i);
  await expectNoSeriousA11yViolations(page);
  await hit.click();

  const target = bubble(page, 'The spare key is under the terracotta pot');
  await expect(target).toBeVisible();
  await expect(target).toHaveClass(/message--highlight/);
  await expect(target).toBeInViewport();
  await search.fill('');
  await expect(chatRow(page, 'bob')).toBeVisible();
});

test('the safety number is shown as 60 digits and a QR code, and can be marked verified', async () => {
  const { page } = alice;
  await openChat(page, 'bob');
  await page.getByRole('button', { name: 'Contact details' }).click();
  const details = page.getByRole('complementary', { name: 'Contact' });
  const digits = details.getByTestId('safety-number');
  await expect(digits.locator('span')).toHaveCount(12);
  const aliceNumber = ((await digits.textContent()) ?? '').replace(/\D/g, '');
  expect(aliceNumber).toMatch(/^\d{60}$/);
  await expect(details.getByRole('img', { name: 'QR code of the safety number with bob' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Bob sees the same 60 digits for Alice: that is what they compare.
  await bob.page.getByRole('button', { name: 'Contact details' }).click();
  const bobDigits = bob.page.getByRole('complementary', { name: 'Contact' }).getByTestId('safety-number');
  await expect(bobDigits.locator('span')).toHaveCount(12);
  expect(((await bobDigits.textContent()) ?? '').replace(/\D/g, '')).toBe(aliceNumber);
  await bob.page.keyboard.press('Escape');
  await expect(bob.page.getByRole('complementary', { name: 'Contact' })).toHaveCount(0);

  await details.getByRole('button', { name: 'Mark as verified' }).click();
  await expect(details.getByText('Verified', { exact: true })).toBeVisible();
  await expect(conversationHeader(page).getByRole('img', { name: 'Verified' })).toBeVisible();
  await details.getByRole('button', { name: 'Close' }).click();
  await expect(details).toHaveCount(0);
});

test('lock and unlock, and a wrong passphrase is refused', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Lock Hearth' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();
  await expect(page.getByText('Hello Bob, this is Alice')).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel('Passphrase').fill('not the passphrase at all');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toContainText('That passphrase is not right.', { timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();
  // A second miss starts the back-off: the button waits.
  await page.getByLabel('Passphrase').fill('still not the passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toContainText(/Try again in \d+ s\./, { timeout: 20_000 });
  await page.getByLabel('Passphrase').fill(STRONG_PASSPHRASE);
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeEnabled({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
  await openChat(page, 'bob');
  await expect(bubble(page, 'Filler message number 30')).toBeVisible();

  // Ctrl+L locks from anywhere.
  await page.keyboard.press('Control+l');
  await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();
  await page.getByLabel('Passphrase').fill(STRONG_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
});

test('keyboard: quick switcher, new chat, jump to a chat, Esc closes panels', async () => {
  const { page } = alice;
  await page.keyboard.press('Control+k');
  const switcher = page.getByRole('dialog', { name: 'Go to chat' });
  await expect(switcher).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await expect(switcher.getByRole('combobox', { name: 'Chat name' })).toBeFocused();
  await page.keyboard.type('bo');
  await expect(switcher.getByRole('option', { name: 'bob' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(switcher).toBeHidden();
  await expect(conversationHeader(page)).toContainText('bob');
  await expect(composer(page)).toBeVisible();

  await page.keyboard.press('Control+n');
  await expect(page.getByRole('dialog', { name: 'New chat' })).toBeVisible();
  await expect(page.getByLabel('Their username')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'New chat' })).toBeHidden();

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.keyboard.press('Control+1');
  await expect(conversationHeader(page)).toContainText('bob');

  // The emoji picker opens, moves with arrows, inserts at the caret, and Esc closes it.
  await composer(page).fill('Nice ');
  await page.getByRole('button', { name: 'Emoji' }).click();
  const picker = page.getByRole('group', { name: 'Emoji' });
  await expect(picker.getByRole('button', { name: '😀' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(composer(page)).toHaveValue('Nice 😃');
  await page.getByRole('button', { name: 'Emoji' }).click();
  await page.keyboard.press('Escape');
  await expect(picker).toBeHidden();
  await expect(page.getByRole('button', { name: 'Emoji' })).toBeFocused();

  // Drafts stay with their chat.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Chats' }).click();
  await openChat(page, 'bob');
  await expect(composer(page)).toHaveValue('Nice 😃');
  await composer(page).fill('');
});

test('settings: theme, notifications, auto-lock, relay, storage, about; kept across a lock', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Settings' }).click();
  const main = page.getByRole('main');

  await page.getByRole('button', { name: 'Appearance' }).click();
  await main.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectNoSeriousA11yViolations(page);
  await main.getByRole('radio', { name: 'Light' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  await page.getByRole('button', { name: 'Notifications' }).click();
  await main.getByRole('radio', { name: 'Name only' }).check();
  await expect(main.getByRole('radio', { name: 'Name only' })).toBeChecked();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Privacy and security' }).click();
  await main.getByLabel('Lock automatically after').selectOption({ label: '15 minutes idle' });
  await expect(main.getByLabel('Lock automatically after')).toHaveValue('15');
  await expect(main.getByTestId('protection-kind')).toHaveText('Your history is protected by a passphrase.');
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Connection' }).click();
  await expect(main.getByLabel('Relay address')).toHaveValue(relay.url);
  await expect(main.getByText('Connected to the relay')).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Storage' }).click();
  await expect(main.getByTestId('storage-total')).toHaveText(/^\d+(\.\d)? (B|KB|MB)$/);
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'About' }).click();
  await expect(main).toContainText('your browser (browser host)');
  await expectNoSeriousA11yViolations(page);

  // The settings survive a lock (they live in the vault).
  await lockAndUnlock(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Privacy and security' }).click();
  await expect(main.getByLabel('Lock automatically after')).toHaveValue('15');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('notifications in the background say only what the setting allows', async () => {
  const { page } = bob;
  await page.context().grantPermissions(['notifications'], { origin: bob.host.origin });
  // Record what the app asks the browser to show, and put the window in the background.
  await page.evaluate(() => {
    const g = globalThis as unknown as NotificationGlobals;
    const Real = g.Notification;
    g.shown = [];
    g.Notification = Object.assign(
      function (title: string, options?: { body?: string }) {
        g.shown.push({ title, body: options?.body ?? '' });
        return new Real(title, options);
      },
      { permission: Real.permission, requestPermission: Real.requestPermission.bind(Real) },
    ) as unknown as NotificationGlobals['Notification'];
    Object.defineProperty(g.document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    g.document.dispatchEvent(new g.Event('visibilitychange'));
  });
  const shown = () => page.evaluate(() => (globalThis as unknown as NotificationGlobals).shown);

  await openChat(alice.page, 'bob');
  await send(alice.page, 'The surprise party is on Friday');
  await expect.poll(shown, { timeout: 20_000 }).toEqual([{ title: 'alice', body: 'The surprise party is on Friday' }]);

  for (const [choice, expected] of [
    ['Name only', { title: 'alice', body: 'New message' }],
    ['No name or message', { title: 'Hearth', body: 'New message' }],
  ] as const) {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Notifications' }).click();
    await page.getByRole('main').getByRole('radio', { name: choice }).check();
    await expect(page.getByRole('main').getByRole('radio', { name: choice })).toBeChecked();
    const before = (await shown()).length;
    await send(alice.page, `Another secret (${choice})`);
    await expect.poll(async () => (await shown()).slice(before), { timeout: 20_000 }).toEqual([expected]);
  }
  await page.getByRole('button', { name: 'Chats' }).click();
  await page.evaluate(() => {
    const g = globalThis as unknown as NotificationGlobals;
    Object.defineProperty(g.document, 'visibilityState', { configurable: true, get: () => 'visible' });
    g.document.dispatchEvent(new g.Event('visibilitychange'));
  });
});

test('auto-lock locks after the chosen idle time', async () => {
  const { page } = alice;
  await page.clock.install();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Privacy and security' }).click();
  await page.getByRole('main').getByLabel('Lock automatically after').selectOption({ label: '1 minute idle' });
  // The select shows the stored value once the core has it; the idle timer starts from there.
  await expect(page.getByRole('main').getByLabel('Lock automatically after')).toHaveValue('1');
  await page.clock.fastForward(30_000);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.clock.fastForward(40_000);
  await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();

  await page.getByLabel('Passphrase').fill(STRONG_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Privacy and security' }).click();
  await page.getByRole('main').getByLabel('Lock automatically after').selectOption({ label: 'Never' });
  await expect(page.getByRole('main').getByLabel('Lock automatically after')).toHaveValue('never');
});

test('change the passphrase, show a new recovery key, and unlock with it', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Privacy and security' }).click();
  const main = page.getByRole('main');

  const change = main.locator('details').filter({ has: page.locator('summary', { hasText: 'Change passphrase' }) });
  await change.locator('summary').click();
  await change.getByLabel('Current passphrase').fill(STRONG_PASSPHRASE);
  await change.getByLabel('New passphrase').fill('hearth');
  await expect(change.getByText('Too weak to protect your history.')).toBeVisible();
  await change.getByLabel('New passphrase').fill(NEW_PASSPHRASE);
  await change.getByLabel('Type it again').fill(NEW_PASSPHRASE);
  await change.getByRole('button', { name: 'Change passphrase' }).click();
  await expect(change.getByRole('status')).toHaveText(/Your passphrase was changed\./, { timeout: 30_000 });

  const reveal = main.locator('details').filter({ has: page.locator('summary', { hasText: 'Show a new recovery key' }) });
  await reveal.locator('summary').click();
  await reveal.getByLabel('Current passphrase').fill(STRONG_PASSPHRASE);
  await reveal.getByRole('button', { name: 'Show' }).click();
  await expect(reveal.getByRole('alert')).toBeVisible({ timeout: 30_000 });
  await reveal.getByLabel('Current passphrase').fill(NEW_PASSPHRASE);
  await reveal.getByRole('button', { name: 'Show' }).click();
  const shown = reveal.getByTestId('recovery-key');
  await expect(shown).toHaveText(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){12}$/, { timeout: 60_000 });
  const recoveryKey = (await shown.textContent()) ?? '';
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Lock Hearth' }).click();
  await page.getByRole('button', { name: 'Use the recovery key' }).click();
  await page.getByLabel('Recovery key').fill('AAAA-BBBB');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toBeVisible({ timeout: 20_000 });
  await page.getByLabel('Recovery key').fill(recoveryKey);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible({ timeout: 30_000 });
});

test('close and reopen the host: the history is still there', async ({ browser }) => {
  const profileDir = alice.host.profileDir;
  await alice.page.context().close();
  await alice.host.stop({ keepProfile: true });
  alice = await person(browser, profileDir);
  // The new host does not own the folder; the old one is still in `hosts` and removes it at the end.
  const { page } = alice;
  await expect(page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();
  await page.getByLabel('Passphrase').fill(NEW_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(chatRow(page, 'bob')).toBeVisible({ timeout: 30_000 });
  await openChat(page, 'bob');
  await expect(bubble(page, 'Filler message number 30')).toBeVisible();
  await expect(bubble(page, 'Hi Alice!')).toHaveCount(0);
  // Older messages page in as the list scrolls up.
  await page.getByTestId('message-list').hover();
  for (let i = 0; i < 20 && (await bubble(page, 'Hi Alice!').count()) === 0; i += 1) await page.mouse.wheel(0, -1500);
  await expect(bubble(page, 'Hi Alice!')).toBeVisible();
  await expect(page.getByRole('separator', { name: 'Today' })).toBeVisible();
  await expect(conversationHeader(page).getByRole('img', { name: 'Verified' })).toBeVisible();
});

test('a verified contact whose key changed: banner, held sending, accept', async ({ browser }) => {
  // Bob reinstalls: a new profile (new identity key) under the same username.
  await bob.page.context().close();
  await bob.host.stop();
  await relay.halt();
  await forgetAccount(relay, 'bob');
  await relay.restart();
  bob = await person(browser);
  await onboard(bob.page, 'bob');
  await startChat(bob.page, 'alice');
  await send(bob.page, 'I reinstalled Hearth');

  const { page } = alice;
  // Alice was reading older messages: the new one waits below, and the unread count says so.
  await expect(chatRow(page, 'bob')).toContainText('1 unread', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Go to the newest message' }).click();
  await expect(bubble(page, 'I reinstalled Hearth')).toBeVisible();
  await expect(chatRow(page, 'bob')).not.toContainText('unread');
  const banner = page.getByRole('region', { name: 'Safety number changed' });
  await expect(banner).toContainText('whom you verified, changed');
  await expect(page.locator('.notice[data-kind="identity-changed"]')).toBeVisible();
  await expect(composer(page)).toBeDisabled();
  await expect(conversationHeader(page).getByRole('img', { name: 'Verified' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  await banner.getByRole('button', { name: 'Accept' }).click();
  await expect(banner).toHaveCount(0);
  await expect(composer(page)).toBeEnabled();
  await send(page, 'Welcome back, Bob');
  await expect(bubble(bob.page, 'Welcome back, Bob')).toBeVisible({ timeout: 30_000 });
});

test('dark theme: axe finds no serious problems on the main screens; no page broke the CSP or threw', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Appearance' }).click();
  await page.getByRole('main').getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Privacy and security' }).click();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Chats' }).click();
  await openChat(page, 'bob');
  await page.getByRole('button', { name: 'Contact details' }).click();
  await expectNoSeriousA11yViolations(page);
  await page.keyboard.press('Control+k');
  await expectNoSeriousA11yViolations(page);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Lock Hearth' }).click();
  await expectNoSeriousA11yViolations(page);
  // The virtualized list positions rows from script (CSSOM), which style-src 'self' allows: no violation anywhere.
  expect(everyone).toHaveLength(4);
  for (const person of everyone) {
    expect(person.watched.violations).toEqual([]);
    expect(person.watched.errors).toEqual([]);
  }
});
