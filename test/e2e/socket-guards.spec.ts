import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { WebSocket } from 'ws';
import { startHostProcess, type HostProcess } from './support/host-process';
import type { PageGlobals } from './support/page-globals';

let host: HostProcess;
let foreign: Server;
let foreignOrigin: string;

test.beforeAll(async () => {
  host = await startHostProcess();
  // Another web origin on this machine: a different port is a different origin.
  foreign = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>Somewhere else</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  const address = foreign.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  foreignOrigin = `http://127.0.0.1:${address.port}`;
});

test.afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => foreign?.close(resolve));
});

/** Opens a WebSocket from inside the page and reports whether it opened. */
function tryOpen(page: import('@playwright/test').Page, url: string, token: string): Promise<'open' | 'refused'> {
  return page.evaluate(
    ({ url, token }) =>
      new Promise<'open' | 'refused'>((resolve) => {
        const ws = new (globalThis as unknown as PageGlobals).WebSocket(url, ['hearth.v1', `hearth.token.${token}`]);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onerror = () => resolve('refused');
      }),
    { url, token },
  );
}

test('from the host\'s own page, only the right token opens the api socket', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
  const api = `ws://127.0.0.1:${host.port}/api`;
  expect(await tryOpen(page, api, host.token)).toBe('open');
  expect(await tryOpen(page, api, 'A'.repeat(43))).toBe('refused');
  expect(await tryOpen(page, api, host.token.slice(0, -1))).toBe('refused');
});

test('a page from another origin cannot open the api socket, even with the right token', async ({ page }) => {
  await page.goto(`${foreignOrigin}/`);
  expect(await tryOpen(page, `ws://127.0.0.1:${host.port}/api`, host.token)).toBe('refused');
});

test('a non-browser client with a forged Origin header is refused with 403', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, ['hearth.v1', `hearth.token.${host.token}`], { origin: foreignOrigin });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => reject(new Error('opened')));
    ws.once('error', reject);
  });
  expect(status).toBe(403);
});

test('the page runs under the strict CSP: injected inline scripts and style attributes do nothing', async ({ page }) => {
  const response = await page.goto(host.url);
  expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
  await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
  const outcome = await page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    const script = page.document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    page.document.body.append(script);
    const probe = page.document.createElement('div');
    probe.setAttribute('style', 'width: 123px; position: absolute');
    page.document.body.append(probe);
    return { inlineRan: page.__inlineRan === true, width: page.getComputedStyle(probe).width };
  });
  expect(outcome.inlineRan).toBe(false);
  expect(outcome.width).not.toBe('123px');
});
