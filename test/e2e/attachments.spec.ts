import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config';
import { startHostProcess, type HostProcess } from './support/host-process';
import { bubble, chatRow, composer, conversationHeader, onboard, openChat, openPerson, send, startChat, STRONG_PASSPHRASE, type Person } from './support/messenger-page';
import { expectNoSeriousA11yViolations } from './support/page-guards';
import { samplePdf, samplePng, sampleWav } from './support/sample-files';
import { startRelayProcess, type RelayProcess } from './support/relay-process';

/*
 * Attachments end to end: Alice and Bob on their own browser hosts, through
 * a real relay. Alice attaches with the file picker, by dropping files on
 * the chat and by pasting; Bob sees thumbnails, then the images, opens the
 * viewer, saves files (the saved bytes are the sent bytes) and plays audio.
 */

// Generous: every step crosses two hosts and a relay, and these machines are shared.
test.describe.configure({ mode: 'serial', timeout: 120_000 });
// A fake microphone (a tone) that needs no prompt, for recording a voice note.
test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] } });

/** The page globals the drop and paste helpers touch (the specs compile without the DOM library). */
interface TransferGlobals {
  atob(text: string): string;
  DataTransfer: new () => { items: { add(file: unknown): unknown } };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
}
interface PageTarget {
  dispatchEvent(event: unknown): boolean;
}
interface AudioElement {
  readonly duration: number;
  readonly readyState: number;
  readonly src: string;
}

const SUNSET = { name: 'sunset.png', mimeType: 'image/png', buffer: samplePng(640, 480, 1) };
const DROPPED = { name: 'dropped.png', mimeType: 'image/png', buffer: samplePng(200, 300, 2) };
const PASTED = { name: 'pasted.png', mimeType: 'image/png', buffer: samplePng(300, 200, 3) };
const REPORT = { name: 'report.pdf', mimeType: 'application/pdf', buffer: samplePdf(40) };
const TONE = { name: 'tone.wav', mimeType: 'audio/wav', buffer: sampleWav(1500) };
const HARBOUR = { name: 'harbour.png', mimeType: 'image/png', buffer: samplePng(320, 240, 4) };
type Sample = typeof SUNSET;

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

/** The relay's stored attachment ciphertexts (complete ones only). */
async function relayBlobs(): Promise<string[]> {
  const dir = path.join(relay.dataDir, 'attachments');
  return (await readdir(dir)).filter((name) => !name.endsWith('.part')).map((name) => path.join(dir, name));
}

/** A DataTransfer in the page holding `file`, as a drag from the desktop or the clipboard carries it. */
function transferOf(page: Page, file: Sample) {
  return page.evaluateHandle(({ name, type, base64 }) => {
    const g = globalThis as unknown as TransferGlobals;
    const bytes = Uint8Array.from(g.atob(base64), (c) => c.charCodeAt(0));
    const transfer = new g.DataTransfer();
    transfer.items.add(new g.File([bytes], name, { type }));
    return transfer;
  }, { name: file.name, type: file.mimeType, base64: file.buffer.toString('base64') });
}

/** Opens the direct chat with `name` (chatRow would also match a group whose preview mentions them). */
async function openDirectChat(page: Page, name: string): Promise<void> {
  await page.getByRole('list', { name: 'Chats' }).getByRole('button', { name: new RegExp(`^${name} `) }).click();
  await expect(conversationHeader(page)).toContainText(name);
}

function pickedFiles(page: Page) {
  return page.getByRole('list', { name: /files to send$/ });
}

/** Saves through the button and returns the bytes the browser wrote. */
async function savedBytes(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFile((await download.path())!);
}

test.beforeAll(async ({ browser }) => {
  relay = await startRelayProcess();
  alice = await person(browser);
  bob = await person(browser);
  await onboard(alice.page, 'alice');
  await onboard(bob.page, 'bob');
  await startChat(alice.page, 'bob');
  await send(alice.page, 'Photos from the trip coming up');
  await expect(bob.page.getByRole('list', { name: 'Chats' }).getByRole('button').filter({ hasText: 'alice' })).toBeVisible({ timeout: 20_000 });
  await openChat(bob.page, 'alice');
});

test.afterAll(async () => {
  for (const host of hosts) await host.stop();
  await relay?.stop();
});

test('an image picked with the file picker: Bob sees its thumbnail, then the image, opens it and saves it', async () => {
  const { page } = alice;
  await page.getByTestId('attach-input').setInputFiles(SUNSET);
  const chip = pickedFiles(page).getByRole('listitem');
  await expect(chip).toHaveCount(1);
  await expect(chip).toContainText('sunset.png');
  await expect(chip.locator('img')).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await composer(page).fill('The sunset on the last evening');
  await composer(page).press('Enter');
  await expect(pickedFiles(page)).toHaveCount(0);
  await expect(composer(page)).toHaveValue('');
  // Alice's own bubble shows the picture from the start.
  await expect(bubble(page, 'The sunset on the last evening').locator('img[alt="sunset.png"]')).toBeVisible();

  const received = bubble(bob.page, 'The sunset on the last evening');
  const picture = received.locator('img[alt="sunset.png"]');
  await expect(picture).toBeVisible({ timeout: 30_000 });
  // Then the full image, read from Bob's vault into a Blob URL.
  await expect(picture).toHaveAttribute('data-full', 'true', { timeout: 30_000 });
  await expect(picture).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(640);

  const open = received.getByRole('button', { name: 'Open image sunset.png' });
  await open.click();
  const viewer = bob.page.getByRole('dialog', { name: 'sunset.png' });
  await expect(viewer).toBeVisible();
  await expect(viewer.locator('img[alt="sunset.png"]')).toHaveAttribute('data-full', 'true');
  await expectNoSeriousA11yViolations(bob.page);
  const saved = await savedBytes(bob.page, () => viewer.getByRole('button', { name: 'Save', exact: true }).click());
  expect(saved.equals(SUNSET.buffer)).toBe(true);
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(open).toBeFocused();
});

test('files dropped on the chat and pasted into the composer go as one message; the viewer steps through the images', async () => {
  const { page } = alice;
  const chat = page.locator('.conversation__main');
  const dropped = await transferOf(page, DROPPED);
  await chat.dispatchEvent('dragenter', { dataTransfer: dropped });
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await chat.dispatchEvent('dragover', { dataTransfer: dropped });
  await chat.dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByTestId('drop-zone')).toHaveCount(0);
  await expect(pickedFiles(page).getByRole('listitem')).toHaveCount(1);

  const pasted = await transferOf(page, PASTED);
  await composer(page).evaluate((box, clipboardData) => {
    const g = globalThis as unknown as TransferGlobals;
    (box as unknown as PageTarget).dispatchEvent(new g.ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  }, pasted);
  await expect(pickedFiles(page).getByRole('listitem')).toHaveCount(2);
  await expect(pickedFiles(page)).toContainText('pasted.png');
  // A chip can be taken back before sending.
  await page.getByTestId('attach-input').setInputFiles(REPORT);
  await expect(pickedFiles(page).getByRole('listitem')).toHaveCount(3);
  await pickedFiles(page).getByRole('button', { name: 'Remove report.pdf' }).click();
  await expect(pickedFiles(page).getByRole('listitem')).toHaveCount(2);
  await composer(page).fill('Two more');
  await composer(page).press('Enter');

  const received = bubble(bob.page, 'Two more');
  await expect(received.locator('img[alt="pasted.png"]')).toHaveAttribute('data-full', 'true', { timeout: 30_000 });
  await received.getByRole('button', { name: 'Open image pasted.png' }).click();
  await expect(bob.page.getByRole('dialog', { name: 'pasted.png' })).toContainText('Image 3 of 3');
  await bob.page.keyboard.press('ArrowLeft');
  await expect(bob.page.getByRole('dialog', { name: 'dropped.png' })).toContainText('Image 2 of 3');
  await bob.page.keyboard.press('ArrowLeft');
  await expect(bob.page.getByRole('dialog', { name: 'sunset.png' })).toBeVisible();
  await bob.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(bob.page.getByRole('dialog')).toHaveCount(0);
});

test('a document arrives as a file card that saves the same bytes, and audio plays', async () => {
  const { page } = alice;
  await page.getByTestId('attach-input').setInputFiles([REPORT, TONE]);
  await expect(pickedFiles(page).getByRole('listitem')).toHaveCount(2);
  await composer(page).fill('The report, and the tone');
  await composer(page).press('Enter');

  const received = bubble(bob.page, 'The report, and the tone');
  const card = received.getByTestId('file-card');
  await expect(card).toContainText('report.pdf', { timeout: 30_000 });
  await expect(card).toContainText(/\d(\.\d)? KB/);
  const save = card.getByRole('button', { name: 'Save report.pdf as…' });
  await expect(save).toBeEnabled({ timeout: 30_000 });
  const saved = await savedBytes(bob.page, () => save.click());
  expect(saved.equals(REPORT.buffer)).toBe(true);

  // The player's source is a Blob URL, which the CSP's media-src allows: the browser reads its length.
  const player = received.locator('audio');
  await expect(player).toHaveAttribute('src', /^blob:/, { timeout: 30_000 });
  await expect.poll(() => player.evaluate((audio) => (audio as unknown as AudioElement).duration)).toBeCloseTo(1.5, 1);
  await expectNoSeriousA11yViolations(bob.page);
});

test('a voice note recorded in the composer plays on the other side', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'Record a voice note' }).click();
  const stop = page.getByRole('button', { name: 'Stop recording' });
  await expect(stop).toBeVisible();
  await expect(stop).toContainText(/Recording… 0:0[1-9]/);
  await stop.click();
  const chip = pickedFiles(page).getByRole('listitem');
  await expect(chip).toHaveCount(1);
  await expect(chip).toContainText('Voice note');
  await composer(page).press('Enter');

  const note = bob.page.getByTestId('message-list').locator('.message-attachment--audio').filter({ hasText: 'Voice note' });
  await expect(note).toContainText(/0:0[1-9]/, { timeout: 30_000 });
  const player = note.locator('audio');
  await expect(player).toHaveAttribute('src', /^blob:/, { timeout: 30_000 });
  // The recording decodes: the browser reaches its metadata (WebM from MediaRecorder may not state a length).
  await expect.poll(() => player.evaluate((audio) => (audio as unknown as AudioElement).readyState)).toBeGreaterThanOrEqual(1);
});

test('files over the limits are refused with the reason before anything is sent', async () => {
  const { page } = alice;
  // A sparse file: 100 MB + 1 byte on paper, nothing on disk, and the browser reads only its size.
  const refusals = page.locator('.picked-files__refusals');
  const dir = await mkdtemp(path.join(tmpdir(), 'hearth-e2e-huge-'));
  const huge = path.join(dir, 'huge.bin');
  await writeFile(huge, '');
  await truncate(huge, 100 * 1024 * 1024 + 1);
  try {
    const small = Array.from({ length: 11 }, (_, i) => ({ name: `note-${i + 1}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`note ${i + 1}`) }));
    await page.getByTestId('attach-input').setInputFiles(huge);
    await expect(refusals).toHaveText(/"huge\.bin" is larger than 100 MB, the most one attachment can be\./);
    await expect(pickedFiles(page)).toHaveCount(0);
    await page.getByTestId('attach-input').setInputFiles([{ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) }, ...small]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await expect(refusals).toContainText('"empty.txt" is empty.');
  await expect(refusals).toContainText('A message can carry at most 10 files.');
  await expect(pickedFiles(page).getByRole('listitem')).toHaveCount(10);
  await expect(pickedFiles(page)).not.toContainText('note-11.txt');
  await refusals.getByRole('button', { name: 'Dismiss' }).click();
  await expect(refusals).toHaveCount(0);
  for (let i = 10; i >= 1; i -= 1) await pickedFiles(page).getByRole('button', { name: `Remove note-${i}.txt` }).click();
  await expect(pickedFiles(page)).toHaveCount(0);
});

test('an image sent to a group reaches the other member', async () => {
  const { page } = alice;
  await page.getByRole('button', { name: 'New group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Group name').fill('Photo club');
  await dialog.getByRole('checkbox', { name: /bob/ }).check();
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await expect(conversationHeader(page)).toContainText('Photo club');
  await page.getByTestId('attach-input').setInputFiles(DROPPED);
  await composer(page).fill('For the club');
  await composer(page).press('Enter');

  await expect(chatRow(bob.page, 'Photo club')).toBeVisible({ timeout: 20_000 });
  await openChat(bob.page, 'Photo club');
  const received = bubble(bob.page, 'For the club');
  await expect(received.locator('img[alt="dropped.png"]')).toHaveAttribute('data-full', 'true', { timeout: 30_000 });
  await expect(received.locator('.message__author')).toHaveText(/alice$/);
  // Back to the direct chats for what follows.
  await openDirectChat(alice.page, 'bob');
  await openDirectChat(bob.page, 'alice');
});

test('a file damaged on the relay shows why it failed and keeps only its thumbnail; Retry fetches it once it is whole', async ({ browser }) => {
  // Bob is away while Alice sends, so the ciphertext waits on the relay.
  const bobProfile = bob.host.profileDir;
  await bob.page.context().close();
  await bob.host.stop({ keepProfile: true });
  const before = new Set(await relayBlobs());
  await alice.page.getByTestId('attach-input').setInputFiles(HARBOUR);
  await composer(alice.page).fill('Damaged on the way');
  await composer(alice.page).press('Enter');
  await expect(bubble(alice.page, 'Damaged on the way').locator('.message-attachment')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  let stored: string[] = [];
  await expect.poll(async () => (stored = (await relayBlobs()).filter((file) => !before.has(file))).length).toBe(1);
  const original = await readFile(stored[0]!);
  const damaged = Buffer.from(original);
  damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
  await writeFile(stored[0]!, damaged);

  bob = await person(browser, bobProfile);
  await expect(bob.page.getByRole('heading', { level: 1, name: 'Hearth is locked' })).toBeVisible();
  await bob.page.getByLabel('Passphrase').fill(STRONG_PASSPHRASE);
  await bob.page.getByRole('button', { name: 'Unlock' }).click();
  await openDirectChat(bob.page, 'alice');
  const received = bubble(bob.page, 'Damaged on the way');
  await expect(received).toContainText('The file did not match its fingerprint', { timeout: 30_000 });
  // Nothing of the damaged file is shown: only the thumbnail that came inside the (authenticated) message.
  await expect(received.locator('img[alt="harbour.png"]')).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
  await expectNoSeriousA11yViolations(bob.page);
  // A refused download does not count as fetched, so the relay still has the blob: once it is whole again, Retry brings the image.
  await writeFile(stored[0]!, original);
  await received.getByRole('button', { name: 'Retry harbour.png' }).click();
  await expect(received.locator('img[alt="harbour.png"]')).toHaveAttribute('data-full', 'true', { timeout: 30_000 });
  await expect(received.locator('.message-attachment')).toHaveAttribute('data-state', 'ready');
  await expect(received).not.toContainText('The file did not match its fingerprint');
});

test('no page broke the CSP or threw', () => {
  expect(everyone).toHaveLength(3);
  for (const person of everyone) {
    expect(person.watched.violations).toEqual([]);
    expect(person.watched.errors).toEqual([]);
  }
});
