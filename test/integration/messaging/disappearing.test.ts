import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName, Message } from '../../../shared/api';
import { Client } from '../../../main/core/client/client';
import { messaging } from '../../../main/core/vault';
import { dm, eventually, testClientOptions, useRelayAndProfiles, type TestProfile } from './harness';

/**
 * Disappearing messages against a real relay process: the timer agreed on
 * both sides with notices, messages vanishing on both sides from history,
 * search and the attachment store, a message that expired while its
 * recipient was offline never shown, removal at unlock, delete-for-me.
 * Every client runs on one shared clock that the tests move forward.
 */

const fixture = useRelayAndProfiles('hearth-disappearing-');
let skew = 0;
const clock = { ...testClientOptions, now: () => Date.now() + skew };
const THIRTY_S = 30_000;
const FIVE_MIN = 5 * 60_000;

const profile = (name: string) => fixture.profile(name, clock);

/** Links a sealed file to a message the way an attachment is stored (the attachment pipeline is not needed for removal). */
async function attach(client: Client, uid: string, text: string): Promise<{ id: string; file: string }> {
  const info = await client.vault.attachments.put([Buffer.from(text)], { contentType: 'text/plain', fileName: 'plan.txt', createdAt: Date.now() });
  const messageId = client.vault.read((db) => messaging.messageIdByUid(db, uid));
  await client.vault.write((tx) => tx.run('INSERT INTO message_attachments (message_id, attachment_id, position) VALUES (?, ?, 0)', [messageId, info.id]));
  return { id: info.id, file: path.join(client.vault.dir, 'attachments', info.id) };
}

function rowsOf(client: Client, uid: string): { messages: number; fts: number; attachments: number } {
  return client.vault.read((db) => {
    const id = messaging.messageIdByUid(db, uid);
    return {
      messages: Number(db.get('SELECT count(*) AS n FROM messages WHERE uid = ?', [uid])?.n),
      fts: id === null ? 0 : Number(db.get('SELECT count(*) AS n FROM messages_fts WHERE docid = ?', [id])?.n),
      attachments: Number(db.get('SELECT count(*) AS n FROM attachments')?.n),
    };
  });
}

function record(client: Client): Array<{ event: EventName; payload: unknown }> {
  const seen: Array<{ event: EventName; payload: unknown }> = [];
  client.events.on((event, payload) => seen.push({ event, payload }));
  return seen;
}

const page = (p: TestProfile, other: string): Message[] => p.client.messagePage(dm(other), { limit: 200 }).messages;
const notices = (p: TestProfile, other: string) => page(p, other).filter((m) => m.kind === 'timer-changed').map((m) => m.notice);

describe('disappearing messages', () => {
  it('agrees the timer on both sides with notices, from a timer change and from a message carrying another timer', async () => {
    const ann = await profile('dmann');
    const ben = await profile('dmben');
    await ann.client.addContact('dmben');

    const summary = await ann.client.setExpireTimer(dm('dmben'), THIRTY_S);
    expect(summary.expireTimerMs).toBe(THIRTY_S);
    expect(notices(ann, 'dmben')).toEqual([{ type: 'timer', actorId: null, expireTimerMs: THIRTY_S }]);
    await eventually(() => expect(ben.client.getConversation(dm('dmann')).expireTimerMs).toBe(THIRTY_S));
    expect(notices(ben, 'dmann')).toEqual([{ type: 'timer', actorId: 'dmann', expireTimerMs: THIRTY_S }]);
    // A notice is not something to read.
    expect(ben.client.getConversation(dm('dmann')).unreadCount).toBe(0);

    // Setting the same timer again changes nothing and sends nothing.
    await ann.client.setExpireTimer(dm('dmben'), THIRTY_S);
    expect(notices(ann, 'dmben')).toHaveLength(1);

    // Ben's messages carry the timer: the message has it, and no new notice appears.
    const reply = await ben.client.send(dm('dmann'), 'noted');
    expect(reply).toMatchObject({ expireTimerMs: THIRTY_S });
    expect(reply.expiresAt).toBe(reply.sentAt + THIRTY_S);
    await eventually(() => expect(ann.client.getMessage(reply.id)).toMatchObject({ expireTimerMs: THIRTY_S, expiresAt: null }));
    expect(notices(ann, 'dmben')).toHaveLength(1);

    // Ben's side lost the change somehow (an older client, say) and has 5 minutes: his next message
    // carries it, and Ann's side follows, with a notice naming him, as Signal does.
    await ben.client.vault.write((tx) => tx.run('UPDATE conversations SET expire_timer_ms = ?, expire_timer_at = ? WHERE id = ?', [FIVE_MIN, clock.now(), dm('dmann')]));
    const later = await ben.client.send(dm('dmann'), 'five minutes now');
    await eventually(() => expect(ann.client.getConversation(dm('dmben')).expireTimerMs).toBe(FIVE_MIN));
    expect(ann.client.getMessage(later.id).expireTimerMs).toBe(FIVE_MIN);
    expect(notices(ann, 'dmben')).toEqual([
      { type: 'timer', actorId: null, expireTimerMs: THIRTY_S },
      { type: 'timer', actorId: 'dmben', expireTimerMs: FIVE_MIN },
    ]);

    // Off again, from Ann.
    await ann.client.setExpireTimer(dm('dmben'), null);
    await eventually(() => expect(ben.client.getConversation(dm('dmann')).expireTimerMs).toBeNull());
    const plain = await ann.client.send(dm('dmben'), 'this one stays');
    expect(plain).toMatchObject({ expireTimerMs: null, expiresAt: null });
    await eventually(() => expect(ben.client.getMessage(plain.id)).toMatchObject({ expireTimerMs: null, expiresAt: null }));
  });

  it('removes an expired message on both sides: history, search, attachment rows and sealed files, with onDidRemove', async () => {
    const cal = await profile('dmcal');
    const dee = await profile('dmdee');
    await cal.client.addContact('dmdee');
    await cal.client.setExpireTimer(dm('dmdee'), THIRTY_S);
    await eventually(() => expect(dee.client.getConversation(dm('dmcal')).expireTimerMs).toBe(THIRTY_S));

    // A real attachment: uploaded by Cal, fetched, verified and sealed into Dee's store.
    const recipe = Buffer.from('oranges, sugar, patience');
    const draftId = cal.client.attachments.createDraft({ fileName: 'recipe.txt', contentType: 'text/plain', size: recipe.length });
    cal.client.attachments.appendDraft(draftId, recipe);
    const secret = await cal.client.send(dm('dmdee'), 'the vanishing marmalade recipe', undefined, [draftId]);
    const deeCopy = await eventually(() => {
      const m = dee.client.getMessage(secret.id);
      expect(m.attachments?.[0]?.state).toBe('ready');
      return m;
    });
    expect(deeCopy.body).toBe('the vanishing marmalade recipe');
    const fileOf = (p: TestProfile, m: Message) => {
      const id = m.attachments?.[0]?.id ?? '';
      return { id, file: path.join(p.dir, 'attachments', id) };
    };
    const calFile = fileOf(cal, await eventually(() => {
      const m = cal.client.getMessage(secret.id);
      expect(m.attachments?.[0]?.state).toBe('ready');
      return m;
    }));
    const deeFile = fileOf(dee, deeCopy);
    for (const side of [cal, dee]) {
      expect(side.client.search('marmalade').map((h) => h.messageId)).toEqual([secret.id]);
    }
    expect(fs.existsSync(calFile.file) && fs.existsSync(deeFile.file)).toBe(true);

    // The recipient's clock starts when it is read (and the UI hears of it, to show the countdown).
    const calEvents = record(cal.client);
    const deeEvents = record(dee.client);
    expect(dee.client.getMessage(secret.id).expiresAt).toBeNull();
    await dee.client.markRead(dm('dmcal'));
    const readAt = dee.client.getMessage(secret.id).readAt ?? 0;
    expect(dee.client.getMessage(secret.id).expiresAt).toBe(readAt + THIRTY_S);
    expect(deeEvents).toContainEqual({ event: 'messages.onDidUpdate', payload: { message: expect.objectContaining({ id: secret.id, expiresAt: readAt + THIRTY_S }) } });
    // Not yet: 29 s later both still have it.
    skew += 29_000;
    await Promise.all([cal.client.reaper.runNow(), dee.client.reaper.runNow()]);
    expect(rowsOf(dee.client, secret.id).messages).toBe(1);

    // The clock moves to 200 ms before the later expiry: each reaper, told to look again, arms a
    // short timer of its own and removes the message when it fires.
    skew += readAt + THIRTY_S - clock.now() - 200;
    cal.client.reaper.rearm();
    dee.client.reaper.rearm();
    await eventually(() => expect(rowsOf(dee.client, secret.id).messages + rowsOf(cal.client, secret.id).messages).toBe(0));
    // The rows go at the commit; the files and events follow once it is durable.
    await Promise.all([cal.client.reaper.idle(), dee.client.reaper.idle()]);
    for (const [side, file, events] of [[cal, calFile, calEvents], [dee, deeFile, deeEvents]] as const) {
      expect(page(side, side === cal ? 'dmdee' : 'dmcal').map((m) => m.id)).not.toContain(secret.id);
      expect(side.client.search('marmalade')).toEqual([]);
      expect(rowsOf(side.client, secret.id)).toEqual({ messages: 0, fts: 0, attachments: 0 });
      expect(side.client.vault.attachments.info(file.id)).toBeNull();
      expect(fs.existsSync(file.file)).toBe(false);
      expect(events).toContainEqual({ event: 'messages.onDidRemove', payload: { messageId: secret.id, conversationId: side === cal ? dm('dmdee') : dm('dmcal') } });
      expect(events.some((e) => e.event === 'conversations.onDidUpdate')).toBe(true);
    }
    // The timer notices stay.
    expect(notices(dee, 'dmcal')).toHaveLength(1);
  });

  it('never shows a message whose timer ran out while its recipient was offline; a message without a timer still arrives', async () => {
    const eve = await profile('dmeve');
    const fay = await profile('dmfay');
    await eve.client.addContact('dmfay');
    await eve.client.send(dm('dmfay'), 'hello');
    await eventually(() => expect(fay.client.messagePage(dm('dmeve')).messages).toHaveLength(1));

    await fay.client.close();
    await eve.client.setExpireTimer(dm('dmfay'), THIRTY_S);
    const gone = await eve.client.send(dm('dmfay'), 'only for thirty seconds');
    await eve.client.waitUntilSent(gone.id);
    await eve.client.setExpireTimer(dm('dmfay'), null);
    const kept = await eve.client.send(dm('dmfay'), 'this one has no timer');
    await eve.client.waitUntilSent(kept.id);

    // An hour passes before Fay comes back.
    skew += 60 * 60_000;
    await eve.client.reaper.runNow();
    expect(() => eve.client.getMessage(gone.id)).toThrow();

    const reopened = await fay.reopen();
    const seen = record(reopened);
    await reopened.sync();
    await eventually(() => expect(reopened.getMessage(kept.id).body).toBe('this one has no timer'));
    const ids = page(fay, 'dmeve').map((m) => m.id);
    expect(ids).not.toContain(gone.id);
    expect(rowsOf(reopened, gone.id).messages).toBe(0);
    expect(reopened.search('thirty')).toEqual([]);
    const added = seen.filter((e) => e.event === 'messages.onDidAdd').map((e) => (e.payload as { message: Message }).message);
    expect(added.map((m) => m.id)).not.toContain(gone.id);
    expect(added.map((m) => m.id)).toContain(kept.id);
    // Both timer changes still reached Fay, in order.
    expect(notices(fay, 'dmeve')).toEqual([
      { type: 'timer', actorId: 'dmeve', expireTimerMs: THIRTY_S },
      { type: 'timer', actorId: 'dmeve', expireTimerMs: null },
    ]);
  });

  it('removes messages that expired while the app was closed at unlock, before the first page', async () => {
    const gus = await profile('dmgus');
    const hal = await profile('dmhal');
    await gus.client.addContact('dmhal');
    await gus.client.setExpireTimer(dm('dmhal'), THIRTY_S);
    const note = await gus.client.send(dm('dmhal'), 'read me and forget me');
    await eventually(() => expect(hal.client.getMessage(note.id).body).toBe('read me and forget me'));
    await hal.client.markRead(dm('dmgus'));
    const file = await attach(hal.client, note.id, 'a sealed note');
    await hal.client.close();

    skew += 31_000;
    // Opened, not started: nothing has been shown or received yet, and the message is already gone.
    const opened = await Client.open(hal.dir, { kind: 'keyfile', path: hal.keyfile }, clock);
    hal.client = opened;
    expect(rowsOf(opened, note.id)).toEqual({ messages: 0, fts: 0, attachments: 0 });
    expect(fs.existsSync(file.file)).toBe(false);
    expect(opened.messagePage(dm('dmgus')).messages.map((m) => m.id)).not.toContain(note.id);
  });

  it('in a group: the timer reaches every member with a notice, new members start with it, messages vanish for everyone', async () => {
    const [kay, lee, max, nia] = await Promise.all(['dmkay', 'dmlee', 'dmmax', 'dmnia'].map((n) => profile(n)));
    if (!kay || !lee || !max || !nia) throw new Error('no profiles');
    for (const other of ['dmlee', 'dmmax', 'dmnia']) await kay.client.addContact(other);
    const group = await kay.client.createGroup('Secret club', ['dmlee', 'dmmax']);
    await eventually(() => {
      for (const p of [lee, max]) expect(p.client.getConversation(group.id).title).toBe('Secret club');
    });

    expect((await kay.client.setExpireTimer(group.id, THIRTY_S)).expireTimerMs).toBe(THIRTY_S);
    const groupNotices = (p: TestProfile) => p.client.messagePage(group.id, { limit: 200 }).messages.filter((m) => m.kind === 'timer-changed').map((m) => m.notice);
    await eventually(() => {
      for (const p of [lee, max]) {
        expect(p.client.getConversation(group.id).expireTimerMs).toBe(THIRTY_S);
        expect(groupNotices(p)).toEqual([{ type: 'timer', actorId: 'dmkay', expireTimerMs: THIRTY_S }]);
      }
    });
    // Nobody's direct chat with Kay got the group's timer.
    expect(lee.client.listConversations().find((c) => c.id === dm('dmkay'))?.expireTimerMs ?? null).toBeNull();

    // A member added later starts with the group's timer.
    await kay.client.addGroupMembers(group.id, ['dmnia']);
    await eventually(() => expect(nia.client.getConversation(group.id).expireTimerMs).toBe(THIRTY_S));

    const sent = await lee.client.send(group.id, 'the velvet pangolin meets at noon');
    expect(sent.expiresAt).toBe(sent.sentAt + THIRTY_S);
    await eventually(() => {
      for (const p of [kay, max, nia]) expect(p.client.getMessage(sent.id).expireTimerMs).toBe(THIRTY_S);
    });
    for (const p of [kay, max, nia]) await p.client.markRead(group.id);
    skew += 2 * THIRTY_S;
    await Promise.all([kay, lee, max, nia].map((p) => p.client.reaper.runNow()));
    for (const p of [kay, lee, max, nia]) {
      expect(p.client.messagePage(group.id).messages.map((m) => m.id)).not.toContain(sent.id);
      expect(p.client.search('pangolin')).toEqual([]);
    }
  });

  it('delete for me removes the message, its search entry and its attachment here only', async () => {
    const ida = await profile('dmida');
    const jon = await profile('dmjon');
    await ida.client.addContact('dmjon');
    const message = await ida.client.send(dm('dmjon'), 'a peculiar pineapple');
    await eventually(() => expect(jon.client.getMessage(message.id).body).toBe('a peculiar pineapple'));
    const file = await attach(ida.client, message.id, 'pineapple.txt');
    const events = record(ida.client);

    await ida.client.deleteMessage(message.id, false);
    expect(ida.client.search('pineapple')).toEqual([]);
    expect(rowsOf(ida.client, message.id)).toEqual({ messages: 0, fts: 0, attachments: 0 });
    expect(fs.existsSync(file.file)).toBe(false);
    expect(events).toContainEqual({ event: 'messages.onDidRemove', payload: { messageId: message.id, conversationId: dm('dmjon') } });
    expect(jon.client.search('pineapple').map((h) => h.messageId)).toEqual([message.id]);
  });
});
