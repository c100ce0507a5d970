import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Page } from '@playwright/test';
import { writeNewKeyFile } from '../main/core/vault';
import { startRelay } from '../relay';
import { seedProfile } from './seed-profile';

/**
 * `npm run bench -- ui --out FILE [--messages N] [--others N] [--scroll N]`
 *
 * The messenger UI in Debian's Chromium through the browser host, on a
 * profile seeded with one long conversation (100,000 messages) and 200
 * others, opened with a raw key file (the passphrase KDF is deliberately
 * slow and is not what this measures). Run `npx electron-vite build` first.
 *   unlock_to_list_ms     Unlock clicked (on a settled lock screen) → chat list painted
 *   open_conversation_ms  chat clicked → its newest messages painted (median of 5; first open separately)
 *   scroll_fps            frame rate while scrolling up through `--scroll` messages (p50 and p5 of frames)
 *   search_to_results_ms  a word typed into search → highlighted hits painted (median of 5, debounce included)
 *   dom_nodes_in_list     the most elements in the message list at any time while scrolling
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';
const RARE_WORD = 'zeppelin';

/** The page's globals used inside page.evaluate (this file compiles without the DOM library). */
interface El {
  readonly textContent: string | null;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  click(): void;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): { readonly length: number; [index: number]: El };
  getBoundingClientRect(): { top: number; bottom: number };
  dispatchEvent(event: unknown): boolean;
  value: string;
}
interface PageGlobals {
  document: { querySelector(selector: string): El | null; querySelectorAll(selector: string): { readonly length: number; [index: number]: El } };
  performance: { now(): number };
  requestAnimationFrame(callback: (time: number) => void): number;
  Event: new (type: string, init?: { bubbles?: boolean }) => unknown;
  HTMLInputElement: { prototype: object };
  Object: typeof Object;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor((p / 100) * sorted.length)))] ?? NaN;
}

/** A page that stops painting never resolves its evaluate; fail with a reason instead of waiting forever. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}.`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function startHost(profileDir: string, relayUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'out/main/host.js')], { cwd: ROOT, env: { ...process.env, HEARTH_PORT: '0', HEARTH_PROFILE_DIR: profileDir, HEARTH_RELAY_URL: relayUrl }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The browser host did not start in time.')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('Hearth UI: ')) return;
      clearTimeout(timer);
      resolve(line.slice('Hearth UI: '.length));
    });
    child.once('exit', (code) => reject(new Error(`The browser host exited (${code}).`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Clicks `selector` in the page and resolves with the ms until `doneSelector` exists (containing `text`, if given) and a frame has painted. */
function clickUntilPainted(page: Page, selector: string, doneSelector: string, text: string | null): Promise<number> {
  return page.evaluate(
    ({ selector, doneSelector, text }) =>
      new Promise<number>((resolve, reject) => {
        const g = globalThis as unknown as PageGlobals;
        const target = g.document.querySelector(selector);
        if (!target) return reject(new Error(`No ${selector}`));
        const found = () => {
          const all = g.document.querySelectorAll(doneSelector);
          for (let i = 0; i < all.length; i += 1) if (text === null || all[i]!.textContent?.includes(text)) return true;
          return false;
        };
        const start = g.performance.now();
        target.click();
        const check = () => {
          // Found in this frame's DOM: the next frame callback runs after it was painted.
          if (found()) g.requestAnimationFrame(() => resolve(g.performance.now() - start));
          else if (g.performance.now() - start > 30_000) reject(new Error(`Timed out waiting for ${doneSelector}`));
          else g.requestAnimationFrame(check);
        };
        g.requestAnimationFrame(check);
      }),
    { selector, doneSelector, text },
  );
}

export async function run(options: Record<string, string>): Promise<object> {
  if (!existsSync(path.join(ROOT, 'out/main/host.js'))) throw new Error('out/main/host.js is missing: run `npx electron-vite build` first.');
  const bigMessages = Number(options.messages ?? 100_000);
  const others = Number(options.others ?? 200);
  const scrollMessages = Number(options.scroll ?? 5_000);
  const work = mkdtempSync(path.join(tmpdir(), 'hearth-bench-ui-'));
  const relay = await startRelay({ host: '127.0.0.1', port: 0, memory: true, logLevel: 'warn' });
  let host: { url: string; stop: () => Promise<void> } | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    const profileDir = path.join(work, 'profile');
    const keyFile = path.join(work, 'vault.key');
    writeNewKeyFile(keyFile);
    const seedStart = Date.now();
    const seeded = await seedProfile({ dir: profileDir, keyFile, relayUrl: relay.url, username: 'bench.user', bigMessages, otherConversations: others, smallMessages: 5, rareWord: RARE_WORD, rareEvery: 997 });
    const seedSeconds = (Date.now() - seedStart) / 1000;
    host = await startHost(profileDir, relay.url);

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    // tsx keeps function names with an `__name` helper that the page does not have; give it a no-op.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(host.url);
    await page.getByLabel('Path to the key file').fill(keyFile);
    // Measure the unlock, not the host's start-up: the core worker loads its WebAssembly and native
    // modules in the background when it starts, while a person would still be typing.
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1500);
    const bigRow = `[aria-label="Chats"] li:first-child button`;
    const unlockMs = await clickUntilPainted(page, 'form button[type="submit"]', `ul[aria-label="Chats"] .chat-row__title`, null);

    // Open: first time (page compiled cold, statements warm in the core), then alternate with another chat.
    const newest = seeded.newestBody.slice(0, 40);
    const openFirst = await clickUntilPainted(page, `ul${bigRow}`, '[data-testid="message-list"] .message__body', newest);
    const opens: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await clickUntilPainted(page, 'ul[aria-label="Chats"] li:nth-child(2) button', '.conversation__title', 'Friend 0');
      opens.push(await clickUntilPainted(page, `ul${bigRow}`, '[data-testid="message-list"] .message__body', newest));
    }

    // Scroll up through `scrollMessages` messages, one step per frame, as a fast wheel or a dragged scrollbar does.
    const scroll = await withTimeout(page.evaluate(
      ({ scrollMessages, newestIndex }) =>
        new Promise<{ frames: number[]; maxNodes: number; reached: number; seconds: number }>((resolve) => {
          const g = globalThis as unknown as PageGlobals;
          const list = g.document.querySelector('[data-testid="message-list"]')!;
          const frames: number[] = [];
          let maxNodes = 0;
          let last = 0;
          const start = g.performance.now();
          const topIndex = () => {
            const bodies = list.querySelectorAll('.message__body');
            let best = Infinity;
            for (let i = 0; i < bodies.length; i += 1) {
              const rect = bodies[i]!.getBoundingClientRect();
              if (rect.bottom < list.getBoundingClientRect().top) continue;
              const n = Number(/^#(\d+)/.exec(bodies[i]!.textContent ?? '')?.[1]);
              if (Number.isFinite(n)) best = Math.min(best, n);
            }
            return best;
          };
          const step = (time: number) => {
            if (last) frames.push(time - last);
            last = time;
            if (frames.length % 10 === 0) maxNodes = Math.max(maxNodes, list.querySelectorAll('*').length);
            const reached = newestIndex - topIndex();
            if ((Number.isFinite(reached) && reached >= scrollMessages) || g.performance.now() - start > 120_000) {
              resolve({ frames, maxNodes, reached, seconds: (g.performance.now() - start) / 1000 });
              return;
            }
            list.scrollTop = Math.max(0, list.scrollTop - 300);
            g.requestAnimationFrame(step);
          };
          g.requestAnimationFrame(step);
        }),
      { scrollMessages, newestIndex: bigMessages - 1 },
    ), 180_000, 'the page stopped producing frames while scrolling');
    const fps = scroll.frames.map((ms) => 1000 / ms);

    // Search: type a word found in every 997th message of the long chat.
    const searches: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await page.getByRole('searchbox').fill('');
      await page.waitForSelector('ul[aria-label="Chats"]');
      searches.push(
        await page.evaluate(
          (word) =>
            new Promise<number>((resolve) => {
              const g = globalThis as unknown as PageGlobals;
              const input = g.document.querySelector('input[type="search"]')!;
              const setValue = g.Object.getOwnPropertyDescriptor(g.HTMLInputElement.prototype, 'value')!.set!;
              const start = g.performance.now();
              setValue.call(input, word);
              input.dispatchEvent(new g.Event('input', { bubbles: true }));
              const check = () => {
                if (g.document.querySelectorAll('ul[aria-label="Messages"] mark').length > 0) g.requestAnimationFrame(() => resolve(g.performance.now() - start));
                else g.requestAnimationFrame(check);
              };
              g.requestAnimationFrame(check);
            }),
          RARE_WORD,
        ),
      );
    }

    const figures = {
      unlock_to_list_ms: round(unlockMs),
      open_conversation_ms: round(median(opens)),
      open_conversation_first_ms: round(openFirst),
      scroll_fps: { p50: round(percentile(fps, 50)), p5: round(percentile(fps, 5)), frames: scroll.frames.length, messages_scrolled: scroll.reached, seconds: round(scroll.seconds) },
      search_to_results_ms: round(median(searches)),
      dom_nodes_in_list: scroll.maxNodes,
    };
    const targets = { unlock_to_list_ms: 1000, open_conversation_ms: 150, scroll_fps_p50: 55, dom_nodes_in_list: 2000 };
    return {
      ...figures,
      targets,
      met: {
        unlock_to_list_ms: figures.unlock_to_list_ms <= targets.unlock_to_list_ms,
        open_conversation_ms: figures.open_conversation_ms <= targets.open_conversation_ms,
        scroll_fps_p50: figures.scroll_fps.p50 >= targets.scroll_fps_p50,
        dom_nodes_in_list: figures.dom_nodes_in_list <= targets.dom_nodes_in_list,
      },
      profile: { big_conversation_messages: bigMessages, other_conversations: others, total_messages: seeded.totalMessages, seed_seconds: round(seedSeconds) },
      environment: { chromium: browser.version(), node: process.version, viewport: '1280x800', note: 'headless Chromium, --disable-gpu' },
    };
  } finally {
    await browser.close();
    await host?.stop();
    await relay.close();
    rmSync(work, { recursive: true, force: true });
  }
}
