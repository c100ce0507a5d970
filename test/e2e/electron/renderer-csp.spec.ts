import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, expect, test, type Browser } from '@playwright/test';
import { dispatchCall, HearthError } from '../../../shared/api';
import { createCore } from '../../../main/core/core';
import { APP_ORIGIN } from '../../../main/app/app-origin';
import { createRendererHandler } from '../../../main/app/renderer-protocol';
import { contentSecurityPolicy } from '../../../main/app/security/csp';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../playwright.config';

/*
 * The built renderer under the shell's production CSP, in Chromium, without
 * Electron: the app:// handler's responses are relayed over a loopback HTTP
 * server and window.hearth is a bridge to the real core. A CSP that blocks
 * the renderer's own scripts or styles would leave Electron's window blank;
 * this catches it on machines that have no Electron binary.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const RENDERER = join(ROOT, 'out/renderer');
const PROFILE_DIR = '/profiles/csp-smoke';

let server: Server;
let origin: string;
let browser: Browser;

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER, 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` first.');
  const handle = createRendererHandler({ rendererRoot: RENDERER, contentSecurityPolicy: contentSecurityPolicy({ kind: 'production' }) });
  server = createServer((request, response) => {
    void handle(new Request(`${APP_ORIGIN}${request.url ?? '/'}`, { method: request.method })).then(async (answer) => {
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

test.afterAll(async () => {
  await browser?.close();
  await new Promise((closed) => server?.close(closed));
});

test('the built renderer runs under the production CSP and shows the first-run screen', async () => {
  const core = createCore({ profileDir: PROFILE_DIR, host: 'electron', keychainAvailable: true, defaultRelayUrl: 'ws://127.0.0.1:7443' });
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });

  // The preload's part: window.hearth, answering from the real core the way the IPC handler does.
  await page.exposeFunction('__hearthCall', async (method: unknown, args: unknown) => {
    try {
      return { ok: true, result: await dispatchCall(core.handlers, method, args) };
    } catch (error) {
      return { ok: false, error: HearthError.from(error).toJSON() };
    }
  });
  await page.addInitScript(() => {
    const g = globalThis as unknown as { __hearthCall(method: string, args: unknown): Promise<{ ok: boolean; result?: unknown; error?: unknown }>; hearth: unknown };
    g.hearth = Object.freeze({
      invoke: async (method: string, args: unknown) => {
        const reply = await g.__hearthCall(method, args);
        if (!reply.ok) throw reply.error;
        return reply.result;
      },
      subscribe: () => () => undefined,
    });
  });

  const response = await page.goto(`${origin}/`);
  expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
  await expect(page.getByRole('heading').first()).toBeVisible();
  await expect(page.getByText(PROFILE_DIR)).toBeVisible();
  expect(violations).toEqual([]);
  await page.close();
  await core.close();
});
