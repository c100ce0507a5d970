import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/commands';
import { startRelay, type Relay } from '../../../relay';

/** `hearth group ...` and `send` to a group, in-process against an in-memory relay. */

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
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-cli-groups-'));
});

afterAll(async () => {
  await relay.close();
  await rm(dir, { recursive: true, force: true });
});

const as = (name: string) => ['--profile', path.join(dir, name), '--keyfile', path.join(dir, `${name}.key`)];

describe('hearth group', () => {
  it('creates a group, sends to it by name, changes it, and lists it', async () => {
    for (const name of ['gcann', 'gcben', 'gccat']) expect((await cli([...as(name), 'init', '--username', name, '--relay', relay.url])).code).toBe(0);
    const created = await cli([...as('gcann'), 'group', 'create', 'Garden crew', 'gcben', 'gccat', '--json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out[0] ?? '')).toMatchObject({ name: 'Garden crew', members: ['gcben', 'gccat'], isMember: true });
    const again = await cli([...as('gcann'), 'group', 'create', 'Garden crew', 'gcben']);
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/already have a group named/);

    expect((await cli([...as('gcann'), 'send', 'Garden crew', 'water', 'the', 'tomatoes'])).code).toBe(0);
    for (const who of ['gcben', 'gccat']) {
      expect((await cli([...as(who), 'sync'])).code).toBe(0);
      const list = await cli([...as(who), 'group', 'list', '--json']);
      expect(JSON.parse(list.out[0] ?? '')).toEqual([expect.objectContaining({ name: 'Garden crew', isMember: true })]);
      const history = await cli([...as(who), 'history', 'Garden crew', '--json']);
      const messages = JSON.parse(history.out[0] ?? '') as Array<{ kind: string; body: string | null; author: string }>;
      expect(messages.filter((m) => m.kind === 'text')).toEqual([expect.objectContaining({ body: 'water the tomatoes', author: 'gcann' })]);
      expect(messages.filter((m) => m.kind === 'group-update')).toHaveLength(1);
    }

    expect((await cli([...as('gcben'), 'group', 'remove', 'Garden crew', 'gccat'])).code).toBe(0);
    expect((await cli([...as('gccat'), 'sync'])).code).toBe(0);
    const left = await cli([...as('gccat'), 'group', 'list', '--json']);
    expect(JSON.parse(left.out[0] ?? '')).toEqual([expect.objectContaining({ name: 'Garden crew', isMember: false })]);
    const refused = await cli([...as('gccat'), 'send', 'Garden crew', 'hello?']);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/no longer a member/);

    expect((await cli([...as('gcann'), 'sync'])).code).toBe(0);
    const text = await cli([...as('gcann'), 'history', 'Garden crew']);
    expect(text.out.join('\n')).toMatch(/gcben removed gccat/);
    expect((await cli([...as('gcann'), 'group', 'leave', 'Garden crew'])).code).toBe(0);
    const mine = await cli([...as('gcann'), 'group', 'list']);
    expect(mine.out).toEqual(['Garden crew: gcben (you left)']);
    const missing = await cli([...as('gcann'), 'group', 'add', 'No such group', 'gcben']);
    expect(missing.code).toBe(1);
  }, 60_000);
});
