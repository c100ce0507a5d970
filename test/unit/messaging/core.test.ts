import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCall, type EventName } from '../../../shared/api';
import { createCore, type Core } from '../../../main/core';
import { startRelay, type Relay } from '../../../relay';

/** The composition root answers the contract from a real profile: create, lock, unlock, message. */
let relay: Relay;
let root: string;
const cores: Core[] = [];

function core(name: string): { core: Core; events: Array<{ event: EventName; payload: unknown }> } {
  const created = createCore({
    profileDir: path.join(root, name),
    host: 'browser',
    keychainAvailable: false,
    defaultRelayUrl: relay.url,
    passphraseKdf: { name: 'pbkdf2-sha512', iterations: 1000 },
    client: { connection: { initialBackoffMs: 20 } },
  });
  const events: Array<{ event: EventName; payload: unknown }> = [];
  created.onEvent((event, payload) => events.push({ event, payload }));
  cores.push(created);
  return { core: created, events };
}

const call = (c: Core, method: string, args: unknown = {}) => dispatchCall(c.handlers, method, args);

beforeAll(async () => {
  relay = await startRelay({ memory: true, port: 0, logLevel: 'error' });
  root = await mkdtemp(path.join(tmpdir(), 'hearth-core-'));
});

afterAll(async () => {
  await Promise.allSettled(cores.map((c) => c.close()));
  await relay.close();
  await rm(root, { recursive: true, force: true });
});

async function eventually(check: () => unknown | Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('core contract', () => {
  it('goes from uninitialized to unlocked, locks, refuses a wrong passphrase and unlocks again', async () => {
    const { core: c, events } = core('olga');
    expect(await call(c, 'vault.getState')).toEqual({ state: 'uninitialized' });
    await expect(call(c, 'contacts.list')).rejects.toMatchObject({ kind: 'locked' });
    const created = (await call(c, 'account.create', { username: 'olga', relayUrl: relay.url, protection: { kind: 'passphrase', passphrase: 'pass phrase' } })) as { recoveryKey: string; account: { username: string } };
    expect(created.account.username).toBe('olga');
    expect(created.recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);
    expect(((await call(c, 'app.getInfo')) as { vaultState: string }).vaultState).toBe('unlocked');
    expect(await call(c, 'vault.getProtection')).toEqual({ kind: 'passphrase' });

    expect(await call(c, 'vault.lock')).toEqual({ state: 'locked' });
    await expect(call(c, 'vault.unlock', { with: { kind: 'passphrase', passphrase: 'wrong' } })).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(await call(c, 'vault.unlock', { with: { kind: 'passphrase', passphrase: 'pass phrase' } })).toEqual({ state: 'unlocked' });
    expect(events.filter((e) => e.event === 'app.onDidChangeVaultState').map((e) => (e.payload as { state: string }).state)).toEqual(['unlocked', 'locked', 'unlocked']);
    await eventually(async () => expect(((await call(c, 'connection.getState')) as { state: string }).state).toBe('online'));

    const settings = (await call(c, 'settings.update', { theme: 'dark', autoLockMinutes: 5 })) as { theme: string; relayUrl: string };
    expect(settings).toMatchObject({ theme: 'dark', relayUrl: relay.url });
    expect(await call(c, 'settings.get')).toMatchObject({ theme: 'dark', autoLockMinutes: 5, sendReadReceipts: true });
    expect(((await call(c, 'storage.getUsage')) as { totalBytes: number }).totalBytes).toBeGreaterThan(0);
  });

  it('reports a damaged journal as kind damaged, changing nothing, and salvage unlocks with what is intact', async () => {
    const { core: c } = core('rosa');
    const unlock = { with: { kind: 'passphrase', passphrase: 'pass phrase' } };
    await call(c, 'account.create', { username: 'rosa', relayUrl: relay.url, protection: { kind: 'passphrase', passphrase: 'pass phrase' } });
    await call(c, 'settings.update', { autoLockMinutes: 7 });
    expect(await call(c, 'vault.lock')).toEqual({ state: 'locked' });

    const dir = path.join(root, 'rosa');
    const journal = path.join(dir, 'vault.journal');
    const bytes = await readFile(journal);
    bytes[30] = (bytes[30] as number) ^ 1;
    await writeFile(journal, bytes);
    const before = await readdir(dir);
    await expect(call(c, 'vault.unlock', unlock)).rejects.toMatchObject({ kind: 'damaged', message: expect.stringMatching(/journal/) as unknown });
    expect(await readdir(dir)).toEqual(before);
    expect(await call(c, 'vault.getState')).toEqual({ state: 'locked' });

    const salvaged = (await call(c, 'vault.salvage', unlock)) as { state: string; report: { keptCommits: number; setAside: string[] } };
    expect(salvaged.state).toBe('unlocked');
    expect(salvaged.report.keptCommits).toBe(0);
    expect(salvaged.report.setAside).toHaveLength(1);
    expect(await readdir(dir)).toContain(salvaged.report.setAside[0]);
    expect(await call(c, 'settings.get')).toMatchObject({ autoLockMinutes: 7 });
    // Once salvaged, it locks and unlocks as usual; salvage on a sound vault reports nothing.
    await call(c, 'vault.lock');
    expect(await call(c, 'vault.salvage', unlock)).toEqual({ state: 'unlocked', report: null });
  });

  it('carries a conversation through the contract, with events', async () => {
    const { core: a } = core('pia');
    const { core: b, events } = core('quin');
    for (const [c, name] of [[a, 'pia'], [b, 'quin']] as const) {
      await call(c, 'account.create', { username: name, relayUrl: relay.url, protection: { kind: 'keyfile', path: path.join(root, `${name}.key`) } });
    }
    const contact = (await call(a, 'contacts.add', { username: 'quin' })) as { conversationId: string };
    await expect(call(a, 'contacts.add', { username: 'nobody_here' })).rejects.toMatchObject({ kind: 'not-found' });
    const sent = (await call(a, 'messages.send', { conversationId: contact.conversationId, body: 'through the contract' })) as { id: string };
    await eventually(() => expect(events.some((e) => e.event === 'messages.onDidAdd')).toBe(true));
    const list = (await call(b, 'conversations.list')) as { conversations: Array<{ id: string; unreadCount: number; lastMessage: { body: string } }> };
    expect(list.conversations).toEqual([expect.objectContaining({ id: 'direct:pia', unreadCount: 1, lastMessage: expect.objectContaining({ id: sent.id, body: 'through the contract' }) })]);
    expect(await call(b, 'app.getUnreadCount')).toEqual({ total: 1 });
    expect(await call(b, 'conversations.markRead', { conversationId: 'direct:pia' })).toEqual({ unreadCount: 0 });
    await eventually(async () => expect(((await call(a, 'messages.get', { messageId: sent.id })) as { status: string }).status).toBe('read'));
    const page = (await call(b, 'messages.page', { conversationId: 'direct:pia', limit: 10 })) as { messages: unknown[]; hasMore: boolean };
    expect(page).toMatchObject({ hasMore: false, messages: [expect.objectContaining({ id: sent.id, kind: 'text', direction: 'incoming', authorId: 'pia' })] });
    expect(((await call(b, 'search.messages', { query: 'contract' })) as { hits: Array<{ messageId: string }> }).hits.map((h) => h.messageId)).toEqual([sent.id]);
    const safety = (await call(a, 'contacts.getSafetyNumber', { contactId: 'quin' })) as { digits: string; qrPayload: string };
    expect(await call(b, 'contacts.compareSafetyNumber', { contactId: 'pia', scanned: safety.qrPayload })).toEqual({ match: true });
  });
});
