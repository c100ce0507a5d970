import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/commands';
import { startRelay, type Relay } from '../../../relay';

/** `hearth timer` and the disappearing fields of `history --json`, against an in-process relay. */

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  return { code, out, err };
}

let relay: Relay;
let dir: string;

beforeAll(async () => {
  relay = await startRelay({ memory: true, port: 0, logLevel: 'error' });
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-cli-timer-'));
});

afterAll(async () => {
  await relay.close();
  await rm(dir, { recursive: true, force: true });
});

describe('hearth timer', () => {
  it('sets the timer for both sides; history shows the notice, each message’s timer and when it disappears', async () => {
    const a = ['--profile', path.join(dir, 'tia'), '--keyfile', path.join(dir, 'tia.key')];
    const b = ['--profile', path.join(dir, 'tob'), '--keyfile', path.join(dir, 'tob.key')];
    expect((await cli([...a, 'init', '--username', 'tia', '--relay', relay.url])).code).toBe(0);
    expect((await cli([...b, 'init', '--username', 'tob', '--relay', relay.url])).code).toBe(0);

    expect(await cli([...a, 'timer', 'tob', '5m', '--json'])).toMatchObject({ code: 0, out: [JSON.stringify({ conversationId: 'direct:tob', expireTimerMs: 300_000 })] });
    expect(await cli([...a, 'timer', 'tob', '10m'])).toMatchObject({ code: 1, err: [expect.stringMatching(/off, 30s, 5m, 1h, 1d, 1w/)] });
    expect((await cli([...a, 'send', 'tob', 'gone in five'])).code).toBe(0);
    const sent = JSON.parse((await cli([...a, 'history', 'tob', '--json'])).out[0] ?? '') as Array<Record<string, unknown>>;
    expect(sent).toEqual([
      expect.objectContaining({ kind: 'timer-changed', notice: { type: 'timer', actorId: null, expireTimerMs: 300_000 }, expiresAt: null }),
      expect.objectContaining({ kind: 'text', body: 'gone in five', expireTimerMs: 300_000, expiresAt: (sent[1]?.sentAt as number) + 300_000 }),
    ]);

    expect((await cli([...b, 'sync'])).code).toBe(0);
    const received = JSON.parse((await cli([...b, 'history', 'tia', '--json'])).out[0] ?? '') as unknown[];
    // Tob has not read it yet: its clock has not started.
    expect(received).toEqual([
      expect.objectContaining({ kind: 'timer-changed', notice: { type: 'timer', actorId: 'tia', expireTimerMs: 300_000 } }),
      expect.objectContaining({ body: 'gone in five', expireTimerMs: 300_000, expiresAt: null }),
    ]);
    expect((await cli([...b, 'history', 'tia'])).out[0]).toMatch(/\(tia set disappearing messages to 5m\)$/);

    expect(await cli([...b, 'timer', 'tia', 'off'])).toMatchObject({ code: 0, out: ['Disappearing messages with tia: off.'] });
    expect((await cli([...a, 'sync'])).code).toBe(0);
    expect((await cli([...a, 'history', 'tob'])).out.at(-1)).toMatch(/\(tob set disappearing messages to off\)$/);
  }, 60_000);
});
