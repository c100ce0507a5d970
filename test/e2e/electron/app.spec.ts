import { expect, test } from '@playwright/test';
import { findAppBinary, launchApp, SKIP_REASON, type RunningApp } from './launch';

/*
 * The Electron shell end to end: the window opens on the first-run screen,
 * window.hearth reaches the core, and the security settings hold in the
 * running page. `npm run test:packaged -- PATH` runs the same file against
 * a packaged binary.
 */

const binary = findAppBinary();
if (!binary) console.log(SKIP_REASON);

/** What the page sees as window.hearth (the test runs in Node, so the page's globals are described here). */
interface PageGlobals {
  hearth?: { invoke(method: string, args: unknown): Promise<unknown>; subscribe(event: string, listener: (payload: unknown) => void): () => void };
  location: { href: string };
  open(url: string): unknown;
}

test.describe('Electron app', () => {
  test.skip(!binary, SKIP_REASON);
  test.describe.configure({ mode: 'serial' });

  let app: RunningApp;
  test.beforeAll(async () => {
    if (!binary) return;
    app = await launchApp(binary);
  });
  test.afterAll(async () => {
    await app?.close();
  });

  test('opens one window titled Hearth on the first-run screen', async () => {
    await expect(app.page).toHaveTitle(/Hearth/);
    await expect(app.page.getByRole('heading').first()).toBeVisible();
    // The profile folder comes from the core, so seeing it proves the whole path: renderer → preload → IPC → worker.
    await expect(app.page.getByText(app.profileDir)).toBeVisible();
  });

  test('exposes exactly the contract bridge as window.hearth', async () => {
    const shape = await app.page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return { type: typeof g.hearth, keys: g.hearth ? Object.keys(g.hearth).sort() : [] };
    });
    expect(shape).toEqual({ type: 'object', keys: ['invoke', 'subscribe'] });

    const info = await app.page.evaluate(() => (globalThis as unknown as PageGlobals).hearth?.invoke('app.getInfo', {}));
    expect(info).toMatchObject({ name: 'Hearth', host: 'electron', profileDir: app.profileDir });

    const refused = await app.page.evaluate(() =>
      (globalThis as unknown as PageGlobals).hearth?.invoke('app.noSuchMethod', {}).then(
        () => 'resolved',
        (error: unknown) => error,
      ),
    );
    expect(refused).toMatchObject({ kind: 'unknown-method' });

    const malformed = await app.page.evaluate(() =>
      (globalThis as unknown as PageGlobals).hearth?.invoke('app.getInfo', { extra: 1 }).then(
        () => 'resolved',
        (error: unknown) => error,
      ),
    );
    expect(malformed).toMatchObject({ kind: 'invalid-arguments' });
  });

  test('gives the page no Node.js', async () => {
    const globals = await app.page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return { require: typeof g.require, process: typeof g.process, module: typeof g.module, Buffer: typeof g.Buffer };
    });
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined' });
  });

  test('serves the renderer from app://hearth with the strict CSP', async () => {
    expect(app.page.url()).toMatch(/^app:\/\/hearth\//);
    const policy = await app.page.evaluate(() => fetch('app://hearth/index.html').then((response) => response.headers.get('content-security-policy')));
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
  });

  test('refuses navigation away from the app and new windows', async () => {
    const before = app.page.url();
    const opened = await app.page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null);
    expect(opened).toBe(true);
    await app.page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    // A refused navigation leaves the document as it was; give a wrongly allowed one time to commit.
    await app.page.waitForTimeout(500);
    expect(app.page.url()).toBe(before);
    await expect(app.page.getByText(app.profileDir)).toBeVisible();
  });

  test('runs the window with the hardened webPreferences', async () => {
    const electron = app.electron;
    test.skip(!electron, 'main-process check needs the Node inspector, which the packaged build disables with a fuse');
    if (!electron) return;
    const preferences = await electron.evaluate(({ BrowserWindow }) => {
      const [window] = BrowserWindow.getAllWindows();
      // getLastWebPreferences is Electron's own (untyped) record of what the renderer was started with.
      const contents = window?.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> | null } | undefined;
      const prefs = contents?.getLastWebPreferences?.() ?? null;
      return {
        windows: BrowserWindow.getAllWindows().length,
        contextIsolation: prefs?.contextIsolation,
        sandbox: prefs?.sandbox,
        nodeIntegration: prefs?.nodeIntegration,
        webSecurity: prefs?.webSecurity,
        webviewTag: prefs?.webviewTag,
      };
    });
    expect(preferences).toEqual({ windows: 1, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });
});
