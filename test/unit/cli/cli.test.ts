import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../../main/cli/args';
import { runCli } from '../../../main/cli/commands';
import { startRelay, type Relay } from '../../../relay';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Runs one command line in-process, capturing its output lines and exit code. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out, err };
}

let relay: Relay;
let dir: string;

beforeAll(async () => {
  relay = await startRelay({ memory: true, port: 0, logLevel: 'error' });
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-cli-'));
});

afterAll(async () => {
  await relay.close();
  await rm(dir, { recursive: true, force: true });
});

describe('hearth command line', () => {
  it('parses one set of options for every command', () => {
    const args = parseCli(['--profile', 'p', 'history', 'bob', '--json', '--limit', '5', '--keyfile', 'k']);
    expect(args).toMatchObject({ command: ['history', 'bob'], profile: 'p', keyfile: 'k', json: true, limit: 5 });
    expect(() => parseCli(['--passphrase-env', 'A', '--keyfile', 'k', 'status'])).toThrow(UsageError);
    expect(() => parseCli(['--limit', 'x', 'status'])).toThrow(UsageError);
    expect(() => parseCli(['--nope'])).toThrow(UsageError);
  });

  it('explains usage mistakes in one line and exits 1', async () => {
    for (const args of [['status'], ['--profile', path.join(dir, 'none'), 'status'], ['--profile', dir, 'frobnicate', '--keyfile', 'x']]) {
      const result = await cli(args);
      expect(result.code).toBe(1);
      expect(result.err).toHaveLength(1);
      expect(result.err[0]).toMatch(/^hearth: /);
    }
  });

  it('creates passphrase profiles, refuses a wrong passphrase with exit 2, and reports status as JSON', async () => {
    const profile = path.join(dir, 'pat');
    const init = await cli(['--profile', profile, 'init', '--username', 'pat', '--relay', relay.url, '--passphrase-env', 'PASS'], { PASS: 'correct horse' });
    expect(init.code).toBe(0);
    expect(init.out.join('\n')).toMatch(/Recovery key/);

    const wrong = await cli(['--profile', profile, '--passphrase-env', 'PASS', 'status', '--json'], { PASS: 'battery staple' });
    expect(wrong).toEqual({ code: 2, out: [], err: ['hearth: wrong passphrase or key file for this profile.'] });

    const status = await cli(['--profile', profile, '--passphrase-env', 'PASS', 'status', '--json'], { PASS: 'correct horse' });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out[0] ?? '')).toMatchObject({ username: 'pat', deviceId: 1, registered: true, vaultState: 'unlocked', messages: 0, outboxPending: 0 });
  }, 60_000);

  it('points a damaged profile to salvage, which opens what is intact and says so', async () => {
    const profile = path.join(dir, 'sal');
    const keyfile = path.join(dir, 'sal.key');
    expect((await cli(['--profile', profile, 'init', '--username', 'sal', '--relay', relay.url, '--keyfile', keyfile])).code).toBe(0);
    const journal = path.join(profile, 'vault.journal');
    const bytes = await readFile(journal);
    bytes[40] = (bytes[40] as number) ^ 2;
    await writeFile(journal, bytes);

    const refused = await cli(['--profile', profile, '--keyfile', keyfile, 'status', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([expect.stringMatching(/^hearth: .*journal.*\(hearth salvage opens what is intact\)$/)]);

    const salvaged = await cli(['--profile', profile, '--keyfile', keyfile, 'salvage', '--json']);
    expect(salvaged.code).toBe(0);
    const report = JSON.parse(salvaged.out[0] ?? '') as { salvaged: boolean; keptCommits: number; setAside: string[] };
    expect(report).toMatchObject({ salvaged: true, keptCommits: 0 });
    expect(await readdir(profile)).toContain(report.setAside[0]);

    const status = await cli(['--profile', profile, '--keyfile', keyfile, 'status', '--json']);
    expect(JSON.parse(status.out[0] ?? '')).toMatchObject({ username: 'sal', registered: true });
    expect((await cli(['--profile', profile, '--keyfile', keyfile, 'salvage'])).out).toEqual(['Nothing was damaged; the profile opens as usual.']);
  }, 60_000);

  it('sends, syncs, shows history and search, and prints safety numbers', async () => {
    const a = ['--profile', path.join(dir, 'ann'), '--keyfile', path.join(dir, 'ann.key')];
    const b = ['--profile', path.join(dir, 'ben'), '--keyfile', path.join(dir, 'ben.key')];
    expect((await cli([...a, 'init', '--username', 'ann', '--relay', relay.url])).code).toBe(0);
    expect((await cli([...b, 'init', '--username', 'ben', '--relay', relay.url])).code).toBe(0);
    expect((await cli([...a, 'contacts', 'add', 'ben'])).code).toBe(0);
    expect(await cli([...a, 'contacts', 'add', 'nobody'])).toMatchObject({ code: 1, err: [expect.stringMatching(/nobody/)] });
    expect((await cli([...a, 'send', 'ben', 'hello', 'from', 'ann'])).code).toBe(0);
    expect(await cli([...b, 'sync', '--json'])).toMatchObject({ code: 0, out: ['{"received":1}'] });

    const history = await cli([...b, 'history', 'ann', '--json']);
    expect(JSON.parse(history.out[0] ?? '')).toEqual([
      expect.objectContaining({ kind: 'text', direction: 'incoming', author: 'ann', body: 'hello from ann', status: 'received' }),
    ]);
    // Ben reacts, then changes his reaction: Ann ends up with his one, latest reaction.
    const hello = (JSON.parse(history.out[0] ?? '') as Array<{ id: string }>)[0]?.id ?? '';
    expect(await cli([...b, 'react', 'ann', hello, '👍', '--json'])).toMatchObject({ code: 0, out: [JSON.stringify({ id: hello, reactions: [{ by: 'ben', emoji: '👍' }] })] });
    expect((await cli([...b, 'react', 'ann', hello, '❤️'])).code).toBe(0);
    expect(await cli([...b, 'react', 'nobody', hello, '❤️'])).toMatchObject({ code: 1 });
    expect((await cli([...a, 'sync'])).code).toBe(0);
    const reacted = await cli([...a, 'history', 'ben', '--json']);
    expect(JSON.parse(reacted.out[0] ?? '')).toEqual([expect.objectContaining({ id: hello, body: 'hello from ann', reactions: [{ by: 'ben', emoji: '❤️' }] })]);

    // Ben replies quoting it; Ann edits hers, then deletes it for everyone; Ben deletes his reply for himself.
    expect((await cli([...b, 'send', 'ann', 'hi ann', '--reply-to', hello])).code).toBe(0);
    expect(await cli([...a, 'edit', 'ben', hello, 'hello', 'again', '--json'])).toMatchObject({ code: 0, out: [JSON.stringify({ id: hello, body: 'hello again', edited: true })] });
    expect(await cli([...b, 'edit', 'ann', hello, 'not mine'])).toMatchObject({ code: 1 });
    expect((await cli([...b, 'sync'])).code).toBe(0);
    const edited = JSON.parse((await cli([...b, 'history', 'ann', '--json'])).out[0] ?? '') as Array<{ id: string; body: string }>;
    expect(edited).toEqual([
      expect.objectContaining({ id: hello, body: 'hello again', edited: true, deleted: false }),
      expect.objectContaining({ body: 'hi ann', replyTo: hello }),
    ]);
    const replyId = edited[1]?.id ?? '';
    expect((await cli([...b, 'search', 'again', '--json'])).out).toEqual([expect.stringContaining(hello)]);
    expect((await cli([...a, 'delete', 'ben', hello, '--for-everyone'])).code).toBe(0);
    expect((await cli([...b, 'sync'])).code).toBe(0);
    expect((await cli([...b, 'delete', 'ann', replyId])).code).toBe(0);
    expect(JSON.parse((await cli([...b, 'history', 'ann', '--json'])).out[0] ?? '')).toEqual([expect.objectContaining({ id: hello, body: null, deleted: true })]);
    expect((await cli([...b, 'history', 'ann'])).out).toEqual([expect.stringMatching(/ann: \(deleted\)$/)]);
    expect((await cli([...b, 'search', 'again', '--json'])).out).toEqual(['[]']);
    // Put a message back for the checks below.
    expect((await cli([...a, 'send', 'ben', 'hello', 'from', 'ann'])).code).toBe(0);
    expect((await cli([...b, 'sync'])).code).toBe(0);

    const search = await cli([...b, 'search', 'hello', '--json']);
    expect(JSON.parse(search.out[0] ?? '')).toEqual([expect.objectContaining({ conversationId: 'direct:ann', snippet: '[hello] from ann' })]);

    const fromA = await cli([...a, 'safety-number', 'ben']);
    const fromB = await cli([...b, 'safety-number', 'ann']);
    expect(fromA.out.slice(0, 3)).toEqual(fromB.out.slice(0, 3));
    expect(fromA.out.slice(0, 3).join(' ')).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect((await cli([...a, 'verify', 'ben'])).out).toEqual(['ben is verified.']);
    expect((await cli([...a, 'history', 'ben', '--limit', '1'])).out[0]).toMatch(/ann: hello from ann \[(sent|delivered)\]$/);
  }, 60_000);

  it('runs as the package bin', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/hearth.js'), '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: hearth --profile DIR COMMAND/);
  });
});
