import { expect, test, type Browser, type Page } from '@playwright/test';
import { startHostProcess, type HostProcess } from './support/host-process';
import { bubble, chatRow, composer, conversationHeader, onboard, openChat, openPerson, send, startChat, type Person } from './support/messenger-page';
import { expectNoSeriousA11yViolations } from './support/page-guards';
import { startRelayProcess, type RelayProcess } from './support/relay-process';

/*
 * Issue 7 in the UI: three people on three browser hosts and a real relay.
 * Alice makes a group with Bob and Carol; they talk, react, reply, edit,
 * delete for everyone and set a disappearing timer, and each step is checked
 * on the other side too. Bob's page is dark, so axe sees the new dialogs and
 * panels in both themes. The tests run in order and build on each other.
 */

test.describe.configure({ mode: 'serial' });

const GROUP = 'Climbing club';

let relay: RelayProcess;
let alice: Person;
let bob: Person;
let carol: Person;
const hosts: HostProcess[] = [];
const everyone: Person[] = [];

async function person(browser: Browser): Promise<Person> {
  const host = await startHostProcess({ env: { HEARTH_RELAY_URL: relay.url } });
  hosts.push(host);
  const opened = await openPerson(browser, host);
  everyone.push(opened);
  return opened;
}

/** The bar of actions beside a bubble (it shows on hover and focus). */
async function actionsOf(page: Page, text: string) {
  const target = bubble(page, text);
  await target.locator('.message__bubble').hover();
  return target.getByRole('toolbar', { name: 'Message actions' });
}

async function chooseFromMenu(page: Page, text: string, item: string): Promise<void> {
  const bar = await actionsOf(page, text);
  await bar.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menu', { name: 'More actions' }).getByRole('menuitem', { name: item }).click();
}

test.beforeAll(async ({ browser }) => {
  relay = await startRelayProcess();
  [alice, bob, carol] = await Promise.all([person(browser), person(browser), person(browser)]);
  await bob.page.emulateMedia({ colorScheme: 'dark' });
});

test.afterAll(async () => {
  for (const host of hosts) await host.stop();
  await relay?.stop();
});

test('create a group (name, search, pick), add a member from the details; everyone sees it', async () => {
  await Promise.all([onboard(alice.page, 'alice'), onboard(bob.page, 'bob'), onboard(carol.page, 'carol')]);
  const { page } = alice;
  await startChat(page, 'bob');
  await startChat(page, 'carol');

  await page.getByRole('button', { name: 'New group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await expect(dialog.getByLabel('Group name')).toBeFocused();
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Give the group a name.');
  await dialog.getByLabel('Group name').fill(GROUP);
  await dialog.getByLabel('Search contacts').fill('bo');
  await expect(dialog.getByRole('checkbox')).toHaveCount(1);
  await dialog.getByRole('checkbox', { name: /bob/ }).check();
  await dialog.getByLabel('Search contacts').fill('');
  await expect(dialog.getByRole('checkbox')).toHaveCount(2);
  await expect(dialog.getByText('1 selected')).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });

  await expect(conversationHeader(page)).toContainText(GROUP);
  await expect(conversationHeader(page)).toContainText('2 members');
  await expect(page.getByTestId('notice').first()).toContainText(`You created the group "${GROUP}".`);

  // Carol joins from the details panel: the picker offers only who is not in the group yet.
  await page.getByRole('button', { name: 'Group details' }).click();
  const details = page.getByRole('complementary', { name: 'Group details' });
  await details.getByRole('button', { name: 'Add members' }).click();
  const add = page.getByRole('dialog', { name: 'Add members' });
  await expect(add.getByRole('checkbox')).toHaveCount(1);
  await add.getByRole('checkbox', { name: /carol/ }).check();
  await expectNoSeriousA11yViolations(page);
  await add.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(add).toBeHidden();
  await expect(conversationHeader(page)).toContainText('3 members');
  await expect(page.getByTestId('notice').filter({ hasText: 'You added carol.' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(details).toBeHidden();
  await expect(chatRow(bob.page, GROUP)).toBeVisible({ timeout: 20_000 });
  await expect(chatRow(carol.page, GROUP)).toBeVisible({ timeout: 20_000 });
});

test('send in the group: author names on incoming messages, previews in the list', async () => {
  await send(alice.page, 'Who is in for Sunday?');
  await openChat(bob.page, GROUP);
  await openChat(carol.page, GROUP);
  const incoming = bubble(bob.page, 'Who is in for Sunday?');
  await expect(incoming).toBeVisible({ timeout: 20_000 });
  await expect(incoming.locator('.message__author')).toHaveText(/alice$/);
  await expect(bubble(carol.page, 'Who is in for Sunday?')).toBeVisible({ timeout: 20_000 });
  await send(carol.page, 'Count me in');
  await expect(chatRow(alice.page, GROUP)).toContainText('carol: Count me in', { timeout: 20_000 });
  await expect(bubble(bob.page, 'Count me in').locator('.message__author')).toHaveText(/carol$/);
});

test('react: one per person, changeable, removable, named for screen readers', async () => {
  const { page } = bob;
  let bar = await actionsOf(page, 'Who is in for Sunday?');
  await bar.getByRole('button', { name: 'React' }).click();
  const picker = page.getByRole('group', { name: 'React' });
  await expect(picker.getByRole('button', { name: '👍' })).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  await picker.getByRole('button', { name: '👍' }).click();
  await expect(bubble(page, 'Who is in for Sunday?').getByRole('button', { name: 'Reacted 👍 by you. Activate to remove your reaction.' })).toBeVisible();

  // Carol reacts the same: Alice sees one chip with both names.
  bar = await actionsOf(carol.page, 'Who is in for Sunday?');
  await bar.getByRole('button', { name: 'React' }).click();
  await carol.page.getByRole('group', { name: 'React' }).getByRole('button', { name: '👍' }).click();
  await expect(bubble(alice.page, 'Who is in for Sunday?').getByRole('button', { name: /^Reacted 👍 by (bob and carol|carol and bob)$/ })).toBeVisible({ timeout: 20_000 });

  // Bob picks another: it replaces his; then he clicks his chip: it is gone.
  bar = await actionsOf(page, 'Who is in for Sunday?');
  await bar.getByRole('button', { name: 'React' }).click();
  await page.getByRole('group', { name: 'React' }).getByRole('button', { name: '❤️' }).click();
  await expect(bubble(alice.page, 'Who is in for Sunday?').getByRole('button', { name: 'Reacted ❤️ by bob' })).toBeVisible({ timeout: 20_000 });
  await expect(bubble(alice.page, 'Who is in for Sunday?').getByRole('button', { name: 'Reacted 👍 by carol' })).toBeVisible();
  await bubble(page, 'Who is in for Sunday?').getByRole('button', { name: /Reacted ❤️ by you/ }).click();
  await expect(bubble(alice.page, 'Who is in for Sunday?').getByRole('button', { name: /❤️/ })).toHaveCount(0, { timeout: 20_000 });
});

test('reply: quote above the composer, quote in the message, jump to the original', async () => {
  const { page } = bob;
  const bar = await actionsOf(page, 'Who is in for Sunday?');
  await bar.getByRole('button', { name: 'Reply' }).click();
  await expect(page.getByTestId('composer-mode')).toContainText('Replying to alice');
  await expect(composer(page)).toBeFocused();
  // Esc cancels the reply; the keyboard path (More actions → Reply) brings it back.
  await composer(page).press('Escape');
  await expect(page.getByTestId('composer-mode')).toHaveCount(0);
  await chooseFromMenu(page, 'Who is in for Sunday?', 'Reply');
  await expect(page.getByTestId('composer-mode')).toContainText('Who is in for Sunday?');
  await send(page, 'Me too, if it is dry');
  await expect(page.getByTestId('composer-mode')).toHaveCount(0);

  const reply = bubble(alice.page, 'Me too, if it is dry');
  await expect(reply).toBeVisible({ timeout: 20_000 });
  const quote = reply.getByRole('button', { name: 'Reply to You: Who is in for Sunday?. Go to the original message' });
  await expect(quote).toBeVisible();
  await quote.click();
  await expect(bubble(alice.page, 'Who is in for Sunday?')).toHaveClass(/message--highlight/);
});

test('edit: composer in edit mode, "edited" on both sides, the version history', async () => {
  const { page } = alice;
  await send(page, 'Meet at the crag at 9');
  await expect(bubble(bob.page, 'Meet at the crag at 9')).toBeVisible({ timeout: 20_000 });
  await expect(bubble(page, 'Meet at the crag at 9').getByRole('img', { name: /Sent|Delivered|Read/ })).toBeVisible({ timeout: 20_000 });

  // Up in the empty composer edits the last message, as in Signal; Esc gives the draft back.
  await composer(page).fill('');
  await composer(page).press('ArrowUp');
  await expect(page.getByTestId('composer-mode')).toContainText('Editing message');
  await expect(composer(page)).toHaveValue('Meet at the crag at 9');
  await composer(page).press('Escape');
  await expect(composer(page)).toHaveValue('');

  await chooseFromMenu(page, 'Meet at the crag at 9', 'Edit');
  await composer(page).fill('Meet at the crag at 10');
  await composer(page).press('Enter');
  const mine = bubble(page, 'Meet at the crag at 10');
  await expect(mine.getByRole('button', { name: 'Edited. Show the versions' })).toBeVisible();
  await expect(composer(page)).toHaveValue('');

  const theirs = bubble(bob.page, 'Meet at the crag at 10');
  await expect(theirs).toBeVisible({ timeout: 20_000 });
  await theirs.getByRole('button', { name: 'Edited. Show the versions' }).click();
  const history = bob.page.getByRole('dialog', { name: 'Edit history' });
  await expect(history.getByTestId('edit-history').locator('li')).toHaveCount(2);
  await expect(history.getByTestId('edit-history').locator('li').first()).toContainText('Current version');
  await expect(history.getByTestId('edit-history').locator('li').first()).toContainText('Meet at the crag at 10');
  await expect(history.getByTestId('edit-history').locator('li').last()).toContainText('Meet at the crag at 9');
  await expectNoSeriousA11yViolations(bob.page);
  await bob.page.keyboard.press('Escape');
  await expect(history).toBeHidden();
});

test('delete for everyone: a confirm dialog, a tombstone on every side; delete for me', async () => {
  const { page } = alice;
  await send(page, 'Wrong chat, sorry');
  await expect(bubble(bob.page, 'Wrong chat, sorry')).toBeVisible({ timeout: 20_000 });
  await expect(bubble(page, 'Wrong chat, sorry').getByRole('img', { name: /Sent|Delivered|Read/ })).toBeVisible({ timeout: 20_000 });
  await chooseFromMenu(page, 'Wrong chat, sorry', 'Delete');
  const dialog = page.getByRole('dialog', { name: 'Delete message?' });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(dialog).toBeHidden();
  const tombstone = (p: Page) => p.getByTestId('message-list').locator('.message--deleted');
  await expect(tombstone(page)).toContainText('This message was deleted');
  await expect(tombstone(bob.page)).toContainText('This message was deleted', { timeout: 20_000 });
  await expect(tombstone(carol.page)).toContainText('This message was deleted', { timeout: 20_000 });
  await expect(bubble(bob.page, 'Wrong chat, sorry')).toHaveCount(0);

  // Someone else's message offers only "for me", and it leaves only this view.
  await chooseFromMenu(bob.page, 'Count me in', 'Delete');
  const mine = bob.page.getByRole('dialog', { name: 'Delete message?' });
  await expect(mine.getByRole('button', { name: 'Delete for everyone' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(bob.page);
  await mine.getByRole('button', { name: 'Delete for me' }).click();
  await expect(bubble(bob.page, 'Count me in')).toHaveCount(0);
  await expect(bubble(alice.page, 'Count me in')).toBeVisible();
});

test('disappearing messages: the timer in the details, notices on both sides, a message disappears', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Group details' }).click();
  const details = page.getByRole('complementary', { name: 'Group details' });
  await expect(details.getByRole('listitem')).toHaveCount(3);
  await expectNoSeriousA11yViolations(page);
  await details.getByRole('combobox', { name: 'Disappearing messages' }).selectOption({ label: '30 seconds' });
  await expect(conversationHeader(page).getByRole('img', { name: 'Disappearing messages: 30 seconds' })).toBeVisible();
  await expect(page.getByTestId('notice').filter({ hasText: 'You set disappearing messages to 30 seconds.' })).toBeVisible();
  await expect(bob.page.getByTestId('notice').filter({ hasText: 'alice set disappearing messages to 30 seconds.' })).toBeVisible({ timeout: 20_000 });
  await expect(conversationHeader(bob.page).getByRole('img', { name: 'Disappearing messages: 30 seconds' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(details).toBeHidden();

  await send(page, 'This one will vanish');
  await expect(bubble(page, 'This one will vanish').getByRole('img', { name: /^Disappears in \d+ s$/ })).toBeVisible();
  await expect(bubble(bob.page, 'This one will vanish')).toBeVisible({ timeout: 20_000 });
  // Gone on both sides when the 30 s run out (the clock starts at sending, or at reading for its recipient).
  await expect(bubble(page, 'This one will vanish')).toHaveCount(0, { timeout: 45_000 });
  await expect(bubble(bob.page, 'This one will vanish')).toHaveCount(0, { timeout: 45_000 });
});

test('group details: rename, remove a member, leave; a former member cannot send', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Group details' }).click();
  const details = page.getByRole('complementary', { name: 'Group details' });
  await details.getByRole('button', { name: 'Rename' }).click();
  await details.getByLabel('Group name').fill('Crag crew');
  await details.getByRole('button', { name: 'Save name' }).click();
  await expect(conversationHeader(page)).toContainText('Crag crew');
  await expect(chatRow(bob.page, 'Crag crew')).toBeVisible({ timeout: 20_000 });

  await details.getByRole('button', { name: 'Remove carol' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove carol?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(conversationHeader(page)).toContainText('2 members');
  await expect(carol.page.getByText('You are no longer a member of this group.').first()).toBeVisible({ timeout: 20_000 });
  await expect(composer(carol.page)).toHaveCount(0);


  // Bob leaves: confirm in the dark theme, then his composer is gone.
  await bob.page.getByRole('button', { name: 'Group details' }).click();
  await bob.page.getByRole('complementary', { name: 'Group details' }).getByRole('button', { name: 'Leave group' }).click();
  const leave = bob.page.getByRole('dialog', { name: 'Leave "Crag crew"?' });
  await expectNoSeriousA11yViolations(bob.page);
  await leave.getByRole('button', { name: 'Leave group' }).click();
  await expect(composer(bob.page)).toHaveCount(0);
  await expect(page.getByTestId('notice').filter({ hasText: 'bob left the group.' })).toBeVisible({ timeout: 20_000 });
  await page.keyboard.press('Escape');
  await expect(details).toBeHidden();
});

test('direct chat details: the timer and the sealed-sender line; no page broke the CSP or threw', async () => {
  const { page } = alice;
  // The group's row mentions bob too ("bob left the group."): pick the chat by its title.
  await page.getByRole('list', { name: 'Chats' }).locator('.chat-row__title', { hasText: /^bob$/ }).click();
  await expect(conversationHeader(page)).toContainText('@bob');
  await send(page, 'See you Sunday');
  await page.getByRole('button', { name: 'Contact details' }).click();
  const details = page.getByRole('complementary', { name: 'Contact' });
  await expect(details.getByTestId('sealed-sender')).toHaveText(/sealed-sender envelopes: the relay delivers them without learning that they come from you/, { timeout: 20_000 });
  await expect(details.getByRole('combobox', { name: 'Disappearing messages' })).toHaveValue('off');
  await expectNoSeriousA11yViolations(page);
  for (const someone of everyone) {
    expect(someone.watched.violations).toEqual([]);
    expect(someone.watched.errors).toEqual([]);
  }
});
