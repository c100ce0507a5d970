import { cp, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../../shared/api';
import { bodies, dm, eventually, useRelayAndProfiles, type TestProfile } from './harness';

/**
 * One-to-one messaging end to end: real relay process, real clients (vault,
 * libsignal, WebSocket), as issue 5 lists. Every message body carries CANARY;
 * the last test checks that no profile folder, relay data or relay log holds it.
 */
const CANARY = 'canary-7f3e9b2c41d8';

const fixture = useRelayAndProfiles('hearth-messaging-');
const profile = (name: string) => fixture.profile(name);

function record(p: TestProfile): Array<{ event: EventName; payload: unknown }> {
  const seen: Array<{ event: EventName; payload: unknown }> = [];
  p.client.events.on((event, payload) => seen.push({ event, payload }));
  return seen;
}

describe('one-to-one messaging', () => {
  it('first contact, both ways, with delivery and read receipts, typing and matching safety numbers', async () => {
    const alice = await profile('alice');
    const bob = await profile('bob');
    const bobEvents = record(bob);

    const contact = await alice.client.addContact('bob');
    expect(contact).toMatchObject({ username: 'bob', conversationId: dm('bob'), verified: false, sendingHeld: false });
    const first = await alice.client.send(dm('bob'), `hello bob ${CANARY}`);
    expect(first.status).toBe('pending');

    await eventually(() => expect(bodies(bob.client, 'alice')).toEqual([`hello bob ${CANARY}`]));
    await eventually(() => expect(bobEvents.some((e) => e.event === 'messages.onDidAdd' && (e.payload as { message: { body: string } }).message.body === `hello bob ${CANARY}`)).toBe(true));
    await eventually(() => expect(alice.client.getMessage(first.id).status).toBe('delivered'));
    expect(bob.client.getConversation(dm('alice')).unreadCount).toBe(1);

    await bob.client.markRead(dm('alice'));
    expect(bob.client.getConversation(dm('alice')).unreadCount).toBe(0);
    await eventually(() => expect(alice.client.getMessage(first.id).status).toBe('read'));

    const reply = await bob.client.send(dm('alice'), `hi alice ${CANARY}`);
    await eventually(() => expect(bodies(alice.client, 'bob')).toEqual([`hello bob ${CANARY}`, `hi alice ${CANARY}`]));
    await eventually(() => expect(bob.client.getMessage(reply.id).status).toBe('delivered'));
    // The same id on both sides: receipts and dedupe rely on it.
    expect(alice.client.messagePage(dm('bob')).messages.map((m) => m.id)).toEqual([first.id, reply.id]);

    await alice.client.setTyping(dm('bob'), true);
    await eventually(() => expect(bobEvents).toContainEqual({ event: 'conversations.onDidChangeTyping', payload: { conversationId: dm('alice'), contactId: 'alice', typing: true } }));
    await alice.client.setTyping(dm('bob'), false);
    await eventually(() => expect(bobEvents).toContainEqual({ event: 'conversations.onDidChangeTyping', payload: { conversationId: dm('alice'), contactId: 'alice', typing: false } }));

    const a = alice.client.safetyNumber('bob');
    const b = bob.client.safetyNumber('alice');
    expect(a.digits).toMatch(/^\d{60}$/);
    expect(a.digits).toBe(b.digits);
    expect(alice.client.compareSafetyNumber('bob', b.qrPayload)).toBe(true);
    expect((await alice.client.setVerified('bob', true)).verified).toBe(true);

    const hits = alice.client.search('hello');
    expect(hits.map((h) => h.messageId)).toEqual([first.id]);
    expect(hits[0]?.snippet.some((p) => p.match && p.text.toLowerCase() === 'hello')).toBe(true);
  });

  it('three clients keep their conversations apart', async () => {
    const carol = await profile('carol');
    const dave = await profile('dave');
    const erin = await profile('erin');
    await carol.client.addContact('dave');
    await carol.client.addContact('erin');
    await carol.client.send(dm('dave'), `to dave ${CANARY}`);
    await carol.client.send(dm('erin'), `to erin ${CANARY}`);
    await eventually(() => expect(bodies(dave.client, 'carol')).toEqual([`to dave ${CANARY}`]));
    await eventually(() => expect(bodies(erin.client, 'carol')).toEqual([`to erin ${CANARY}`]));
    await dave.client.addContact('erin');
    await dave.client.send(dm('erin'), `dave to erin ${CANARY}`);
    // Erin's conversation with dave begins when his first message arrives.
    await eventually(() => expect(bodies(erin.client, 'dave')).toEqual([`dave to erin ${CANARY}`]));
    await erin.client.send(dm('dave'), `erin to dave ${CANARY}`);
    await eventually(() => expect(bodies(erin.client, 'dave')).toEqual([`dave to erin ${CANARY}`, `erin to dave ${CANARY}`]));
    await eventually(() => expect(bodies(dave.client, 'erin')).toEqual([`dave to erin ${CANARY}`, `erin to dave ${CANARY}`]));
    expect(erin.client.listConversations().map((c) => c.id).sort()).toEqual([dm('carol'), dm('dave')]);
    expect(bodies(dave.client, 'carol')).toEqual([`to dave ${CANARY}`]);
  });

  it('an offline recipient gets everything, in order, when it syncs later', async () => {
    const frank = await profile('frank');
    const gina = await profile('gina');
    await frank.client.addContact('gina');
    await gina.client.close();
    const sent: Array<{ id: string }> = [];
    for (let i = 0; i < 5; i += 1) sent.push(await frank.client.send(dm('gina'), `queued ${i} ${CANARY}`));
    // Acknowledged by the relay while gina is away: 'sent', not yet 'delivered'.
    await eventually(() => expect(sent.map((m) => frank.client.getMessage(m.id).status)).toEqual(Array(5).fill('sent')));

    const later = await gina.reopen();
    await later.sync();
    expect(bodies(later, 'frank')).toEqual([0, 1, 2, 3, 4].map((i) => `queued ${i} ${CANARY}`));
    await eventually(() => expect(sent.map((m) => frank.client.getMessage(m.id).status)).toEqual(Array(5).fill('delivered')));
  });

  it('reconnects after the relay restarts, and sends what was written meanwhile', async () => {
    const hank = await profile('hank');
    const iris = await profile('iris');
    await hank.client.addContact('iris');
    await hank.client.send(dm('iris'), `before restart ${CANARY}`);
    await eventually(() => expect(bodies(iris.client, 'hank')).toHaveLength(1));

    await fixture.relay.stop();
    await eventually(() => expect(hank.client.connectionState().state).not.toBe('online'));
    const during = await hank.client.send(dm('iris'), `while the relay is down ${CANARY}`);
    expect(hank.client.getMessage(during.id).status).toBe('pending');
    await fixture.relay.restart();

    await eventually(() => expect(hank.client.connectionState().state).toBe('online'));
    await eventually(() => expect(bodies(iris.client, 'hank')).toEqual([`before restart ${CANARY}`, `while the relay is down ${CANARY}`]));
    await iris.client.send(dm('hank'), `after restart ${CANARY}`);
    await eventually(() => expect(bodies(hank.client, 'iris')).toContain(`after restart ${CANARY}`));
    await eventually(() => expect(hank.client.getMessage(during.id).status).toBe('delivered'));
  });

  it('a changed identity: the notice appears, and sending is held where the contact was verified', async () => {
    const jack = await profile('jack');
    const kate = await profile('kate');
    const lena = await profile('lena');
    await jack.client.addContact('kate');
    await lena.client.addContact('kate');
    await jack.client.send(dm('kate'), `first ${CANARY}`);
    await lena.client.send(dm('kate'), `first ${CANARY}`);
    await eventually(() => expect(kate.client.listConversations()).toHaveLength(2));
    await jack.client.setVerified('kate', true);
    const before = jack.client.safetyNumber('kate').digits;

    // The relay hands out a different identity for kate: her account is taken over (renamed away in
    // the relay's store) and "kate" is registered again with new keys.
    await kate.client.close();
    await fixture.relay.stop();
    const db = new Database(path.join(fixture.relay.dataDir, 'relay.sqlite'));
    db.prepare(`UPDATE accounts SET username = 'kate_old' WHERE username = 'kate'`).run();
    db.close();
    await fixture.relay.restart();
    await rm(kate.dir, { recursive: true, force: true });
    await rm(kate.keyfile, { force: true });
    const impostor = await profile('kate');
    await impostor.client.addContact('jack');
    await impostor.client.addContact('lena');
    await impostor.client.send(dm('jack'), `new kate ${CANARY}`);
    await impostor.client.send(dm('lena'), `new kate ${CANARY}`);

    // Jack had verified kate: notice, and sending held until he accepts.
    await eventually(() => expect(bodies(jack.client, 'kate')).toContain(`new kate ${CANARY}`));
    const jackView = jack.client.getContact('kate');
    expect(jackView).toMatchObject({ identityChanged: true, sendingHeld: true, verified: false });
    expect(jack.client.messagePage(dm('kate')).messages.some((m) => m.kind === 'identity-changed')).toBe(true);
    expect(jack.client.safetyNumber('kate').digits).not.toBe(before);
    await expect(jack.client.send(dm('kate'), `held ${CANARY}`)).rejects.toMatchObject({ kind: 'untrusted-identity' });
    expect(jack.client.getConversation(dm('kate')).sendingHeld).toBe(true);

    // Lena had not verified: notice, but sending goes on.
    await eventually(() => expect(lena.client.messagePage(dm('kate')).messages.some((m) => m.kind === 'identity-changed')).toBe(true));
    expect(lena.client.getContact('kate').sendingHeld).toBe(false);
    await lena.client.send(dm('kate'), `still talking ${CANARY}`);
    await eventually(() => expect(bodies(impostor.client, 'lena')).toContain(`still talking ${CANARY}`));

    // Jack accepts the new key; his next message goes through.
    await jack.client.acceptIdentityChange('kate');
    expect(jack.client.getContact('kate')).toMatchObject({ sendingHeld: false, identityChanged: false });
    await jack.client.send(dm('kate'), `accepted ${CANARY}`);
    await eventually(() => expect(bodies(impostor.client, 'jack')).toContain(`accepted ${CANARY}`));
  });

  it('a profile restored from an older copy gets placeholders and a working session, not a stuck queue', async () => {
    const mona = await profile('mona');
    const nick = await profile('nick');
    await mona.client.addContact('nick');
    await mona.client.send(dm('nick'), `one ${CANARY}`);
    await eventually(() => expect(bodies(nick.client, 'mona')).toHaveLength(1));
    await nick.client.send(dm('mona'), `two ${CANARY}`);
    await eventually(() => expect(bodies(mona.client, 'nick')).toHaveLength(2));

    await mona.client.close();
    const backup = path.join(fixture.dir, 'mona-backup');
    await cp(mona.dir, backup, { recursive: true });
    await mona.reopen();
    for (const text of ['three', 'four']) {
      await mona.client.send(dm('nick'), `${text} ${CANARY}`);
      await eventually(() => expect(bodies(nick.client, 'mona')).toContain(`${text} ${CANARY}`));
      await nick.client.send(dm('mona'), `${text}-reply ${CANARY}`);
      await eventually(() => expect(bodies(mona.client, 'nick')).toContain(`${text}-reply ${CANARY}`));
    }

    await mona.client.close();
    await rm(mona.dir, { recursive: true, force: true });
    await cp(backup, mona.dir, { recursive: true });
    await mona.reopen();
    await mona.client.sync();

    await nick.client.send(dm('mona'), `after restore ${CANARY}`);
    await eventually(() => expect(mona.client.messagePage(dm('nick')).messages.some((m) => m.kind === 'decrypt-failed')).toBe(true));
    // The reset moves nick onto a new session; what he sends next arrives.
    await eventually(
      async () => {
        await nick.client.send(dm('mona'), `again ${CANARY}`);
        await eventually(() => expect(bodies(mona.client, 'nick')).toContain(`again ${CANARY}`), 1500);
      },
      20_000,
      0,
    );
    await mona.client.send(dm('nick'), `mona is back ${CANARY}`);
    await eventually(() => expect(bodies(nick.client, 'mona')).toContain(`mona is back ${CANARY}`));
    await mona.client.sync();
    expect(mona.client.outbox.pendingCount()).toBe(0);
  });

  it('leaves no trace of the messages in any profile folder, the relay data folder or the relay logs', async () => {
    await Promise.all(fixture.profiles.map((p) => p.client.close()));
    await fixture.relay.stop();
    const needle = Buffer.from(CANARY);
    const files = await listFiles(fixture.dir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(needle), file).toBe(false);
    }
    expect(fixture.relay.logs.length).toBeGreaterThan(0);
    expect(fixture.relay.logs.filter((line) => line.includes(CANARY))).toEqual([]);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir)) {
    const full = path.join(dir, entry);
    if ((await stat(full)).isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}
