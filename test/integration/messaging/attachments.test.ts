import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, open as openFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/api';
import { TAMPERED_ERROR } from '../../../main/core/messaging/attachments';
import { dm, eventually, useRelayAndProfiles, type TestProfile } from './harness';

/**
 * Attachments end to end against a real relay process: drafts, upload,
 * automatic download, verification, the relay forgetting the blob, a
 * tampered blob refused and retried, and no plaintext at rest.
 */

const fixture = useRelayAndProfiles('hearth-attachments-');

const relayBlobs = () => readdir(path.join(fixture.relay.dataDir, 'attachments')).catch(() => [] as string[]);
const storeFiles = (p: TestProfile) => readdir(path.join(p.dir, 'attachments')).catch(() => [] as string[]);

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

/** The whole plaintext of a ready attachment, read the way the renderer does (attachments.read pieces). */
function readAll(p: TestProfile, attachmentId: string): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const { data, size } = p.client.attachments.read(attachmentId, offset, 512 * 1024);
    parts.push(data);
    offset += data.length;
    if (offset >= size || data.length === 0) break;
  }
  return Buffer.concat(parts);
}

function firstAttachment(m: Message) {
  const a = m.attachments?.[0];
  if (!a) throw new Error('no attachment');
  return a;
}

async function lastIncoming(p: TestProfile, from: string): Promise<Message> {
  return eventually(() => {
    const list = p.client.messagePage(dm(from)).messages.filter((m) => m.direction === 'incoming');
    const m = list[list.length - 1];
    if (!m) throw new Error('nothing yet');
    return m;
  });
}

describe('attachments', () => {
  it('a file handed over in pieces arrives, verified and sealed; the relay deletes the blob after the fetch; no plaintext at rest', async () => {
    const ada = await fixture.profile('attada');
    const bo = await fixture.profile('attbo');
    await ada.client.addContact('attbo');
    await bo.client.addContact('attada');

    const canary = Buffer.from(`canary-${randomBytes(8).toString('hex')}-`);
    const file = Buffer.concat([canary, randomBytes(1_200_000), canary]);
    const { draftId } = { draftId: ada.client.attachments.createDraft({ fileName: 'notes.bin', contentType: 'application/octet-stream', size: file.length, width: 10, height: 20 }) };
    for (let at = 0; at < file.length; at += 512 * 1024) ada.client.attachments.appendDraft(draftId, file.subarray(at, at + 512 * 1024));

    const progress: number[] = [];
    const states = new Set<string>();
    bo.client.events.on((event, payload) => {
      if (event !== 'messages.onDidUpdate' && event !== 'messages.onDidAdd') return;
      const a = (payload as { message: Message }).message.attachments?.[0];
      if (a) {
        states.add(a.state);
        if (a.state === 'downloading') progress.push(a.transferred);
      }
    });

    const sent = await ada.client.send(dm('attbo'), '', undefined, [draftId]);
    expect(sent.status).toBe('pending');
    expect(firstAttachment(sent)).toMatchObject({ fileName: 'notes.bin', size: file.length, state: 'uploading', width: 10, height: 20, error: null });
    // Our own file is readable at once, while it uploads.
    expect(readAll(ada, firstAttachment(sent).id).equals(file)).toBe(true);
    // Acknowledged by the relay; a fast delivery receipt may already have moved it on.
    expect(['sent', 'delivered']).toContain((await ada.client.waitUntilSent(sent.id)).status);
    expect(firstAttachment(ada.client.getMessage(sent.id)).state).toBe('ready');

    const got = await lastIncoming(bo, 'attada');
    expect(got.id).toBe(sent.id);
    const incoming = await eventually(() => {
      const a = firstAttachment(bo.client.getMessage(sent.id));
      expect(a.state).toBe('ready');
      return a;
    });
    expect(incoming).toMatchObject({ fileName: 'notes.bin', contentType: 'application/octet-stream', size: file.length, transferred: file.length, width: 10, height: 20, error: null });
    expect(states).toContain('downloading');
    // The event follows the commit (a read may see the new state a moment before).
    await eventually(() => expect(states).toContain('ready'));
    expect(progress.some((n) => n > 0 && n <= file.length)).toBe(true);
    expect(readAll(bo, incoming.id).equals(file)).toBe(true);
    // The sender keeps its own copy too.
    expect(readAll(ada, firstAttachment(sent).id).equals(file)).toBe(true);
    // One recipient device fetched it: the relay forgets it.
    await eventually(async () => expect(await relayBlobs()).toEqual([]));
    // The file name is searchable.
    expect(bo.client.search('notes').map((h) => h.messageId)).toContain(sent.id);

    await Promise.all([ada.client.close(), bo.client.close()]);
    for (const p of [ada, bo]) {
      for (const f of await filesUnder(p.dir)) {
        const bytes = await readFile(f);
        expect(bytes.includes(canary), `${path.relative(p.dir, f)} holds plaintext`).toBe(false);
      }
    }
    await Promise.all([ada.reopen(), bo.reopen()]);
    expect(readAll(bo, incoming.id).equals(file)).toBe(true);
  });

  it('a tampered blob is refused with a visible error and nothing stored; retry after the blob is restored succeeds', async () => {
    const cy = await fixture.profile('attcy');
    const di = await fixture.profile('attdi');
    await cy.client.addContact('attdi');
    await di.client.addContact('attcy');
    await di.client.close();

    // A refused download is never confirmed to the relay, so the blob stays for the retry.
    const size = 2 * 1024 * 1024;
    const source = path.join(fixture.dir, 'tamper-source.bin');
    await writeFile(source, randomBytes(size));
    const expected = createHash('sha256').update(await readFile(source)).digest('hex');
    const sent = await cy.client.sendFile(dm('attdi'), source, { caption: 'see attached' });
    expect(sent.body).toBe('see attached');
    await cy.client.waitUntilSent(sent.id, 60_000);
    const [blob] = await relayBlobs();
    if (!blob) throw new Error('no blob on the relay');
    const blobFile = path.join(fixture.relay.dataDir, 'attachments', blob);
    const flip = async () => {
      const fd = await openFile(blobFile, 'r+');
      const one = Buffer.alloc(1);
      await fd.read(one, 0, 1, 1000);
      one[0] = (one[0] ?? 0) ^ 0xff;
      await fd.write(one, 0, 1, 1000);
      await fd.close();
    };
    await flip();

    await di.reopen();
    await di.client.sync();
    const failed = firstAttachment(di.client.getMessage(sent.id));
    expect(failed).toMatchObject({ state: 'failed', error: TAMPERED_ERROR, transferred: 0 });
    expect(() => di.client.attachments.read(failed.id, 0, 10)).toThrow(TAMPERED_ERROR);
    // Nothing half-written stays: no sealed file, no temp file.
    expect(await storeFiles(di)).toEqual([]);
    expect(await relayBlobs()).toEqual([blob]);

    await flip();
    const retried = await di.client.attachments.retry(failed.id);
    expect(firstAttachment(retried).state).toBe('downloading');
    await di.client.settle();
    const ready = firstAttachment(di.client.getMessage(sent.id));
    expect(ready).toMatchObject({ state: 'ready', error: null, size });
    const hash = createHash('sha256');
    for await (const piece of di.client.attachments.chunks(ready.id)) hash.update(piece);
    expect(hash.digest('hex')).toBe(expected);
    await eventually(async () => expect(await relayBlobs()).toEqual([]));
  });

  it('in a group: one upload, every member fetches and verifies it, and the relay keeps the blob until the last has', async () => {
    const [fay, gus, hal] = await Promise.all(['attfay', 'attgus', 'atthal'].map((n) => fixture.profile(n)));
    if (!fay || !gus || !hal) throw new Error('no profiles');
    for (const p of [gus, hal]) await fay.client.addContact(p.username);
    const group = await fay.client.createGroup('Photos', ['attgus', 'atthal']);
    await eventually(() => {
      for (const p of [gus, hal]) expect(p.client.listConversations().some((c) => c.id === group.id)).toBe(true);
    });
    await hal.client.close();

    const file = randomBytes(300_000);
    const draftId = fay.client.attachments.createDraft({ fileName: 'photo.jpg', contentType: 'image/jpeg', size: file.length });
    fay.client.attachments.appendDraft(draftId, file);
    const sent = await fay.client.send(group.id, 'from the trip', undefined, [draftId]);
    await fay.client.waitUntilSent(sent.id);
    const atGus = await eventually(() => {
      const a = firstAttachment(gus.client.getMessage(sent.id));
      expect(a.state).toBe('ready');
      return a;
    });
    expect(readAll(gus, atGus.id).equals(file)).toBe(true);
    // Hal has not fetched it yet: the blob stays.
    expect(await relayBlobs()).toHaveLength(1);

    await hal.reopen();
    await hal.client.sync();
    const atHal = firstAttachment(hal.client.getMessage(sent.id));
    expect(atHal.state).toBe('ready');
    expect(hal.client.getMessage(sent.id).conversationId).toBe(group.id);
    expect(readAll(hal, atHal.id).equals(file)).toBe(true);
    await eventually(async () => expect(await relayBlobs()).toEqual([]));
  });

  it('a message waits offline for its upload; a failed upload shows why, and retry sends it', async () => {
    const ivy = await fixture.profile('attivy');
    const jo = await fixture.profile('attjo');
    await ivy.client.addContact('attjo');
    await fixture.relay.stop();
    const file = randomBytes(200_000);
    const draftId = ivy.client.attachments.createDraft({ fileName: 'offline.bin', contentType: 'application/octet-stream', size: file.length });
    ivy.client.attachments.appendDraft(draftId, file);
    const sent = await ivy.client.send(dm('attjo'), 'while offline', undefined, [draftId]);
    const attachmentId = firstAttachment(sent).id;
    // Damage our sealed copy while the upload waits for the relay: the upload must fail, visibly.
    const sealedFile = path.join(ivy.dir, 'attachments', attachmentId);
    const original = await readFile(sealedFile);
    const damaged = Buffer.from(original);
    damaged[100] = (damaged[100] ?? 0) ^ 0xff;
    await writeFile(sealedFile, damaged);
    await fixture.relay.restart();

    const failed = await eventually(() => {
      const m = ivy.client.getMessage(sent.id);
      expect(m.status).toBe('failed');
      return m;
    }, 30_000);
    expect(firstAttachment(failed)).toMatchObject({ state: 'failed', error: expect.stringMatching(/damaged/) });

    await writeFile(sealedFile, original);
    const retried = await ivy.client.retry(sent.id);
    expect(retried.status).toBe('pending');
    expect(firstAttachment(retried).state).toBe('uploading');
    // Acknowledged by the relay; a fast delivery receipt may already have moved it on.
    expect(['sent', 'delivered']).toContain((await ivy.client.waitUntilSent(sent.id)).status);
    const got = await eventually(() => {
      const a = firstAttachment(jo.client.getMessage(sent.id));
      expect(a.state).toBe('ready');
      return a;
    });
    expect(readAll(jo, got.id).equals(file)).toBe(true);
  });

  it('sendFile uploads in the same pass that seals the file when online, and leaves it to the upload job when offline', async () => {
    const kit = await fixture.profile('attkit');
    const lou = await fixture.profile('attlou');
    await kit.client.addContact('attlou');
    await kit.client.connection.whenOnline();
    const online = randomBytes(700_000);
    const onlineFile = path.join(fixture.dir, 'online.bin');
    await writeFile(onlineFile, online);
    // Already on the relay when sendFile returns: the message goes straight to the outbox.
    const first = await kit.client.sendFile(dm('attlou'), onlineFile);
    expect(firstAttachment(first)).toMatchObject({ state: 'ready', size: online.length });
    expect(readAll(kit, firstAttachment(first).id).equals(online)).toBe(true);
    await kit.client.waitUntilSent(first.id);

    // Offline: this client's connection is down (the relay stays up for the recipient).
    kit.client.connection.stop();
    const offline = randomBytes(300_000);
    const offlineFile = path.join(fixture.dir, 'offline-send.bin');
    await writeFile(offlineFile, offline);
    const second = await kit.client.sendFile(dm('attlou'), offlineFile, { caption: 'later' });
    expect(firstAttachment(second).state).toBe('uploading');
    expect(readAll(kit, firstAttachment(second).id).equals(offline)).toBe(true);
    kit.client.connection.start();
    expect((await kit.client.waitUntilSent(second.id, 20_000)).status).toMatch(/^(sent|delivered)$/);

    for (const [sent, bytes] of [
      [first, online],
      [second, offline],
    ] as const) {
      const got = await eventually(() => {
        const a = firstAttachment(lou.client.getMessage(sent.id));
        expect(a.state).toBe('ready');
        return a;
      }, 30_000);
      expect(readAll(lou, got.id).equals(bytes)).toBe(true);
    }
  });

  it('drafts: refuse more than announced, must be complete to send, and are discarded at lock', async () => {
    const ed = await fixture.profile('atted');
    await ed.client.addContact('attada');
    const draftId = ed.client.attachments.createDraft({ fileName: 'a.txt', contentType: 'text/plain', size: 10 });
    ed.client.attachments.appendDraft(draftId, Buffer.from('hello'));
    await expect(ed.client.send(dm('attada'), '', undefined, [draftId])).rejects.toMatchObject({ kind: 'invalid-arguments' });
    expect(() => ed.client.attachments.appendDraft(draftId, Buffer.from('toolongtext'))).toThrow(/larger than/);
    expect(() => ed.client.attachments.appendDraft(draftId, Buffer.from('x'))).toThrow(/No such draft/);

    const kept = ed.client.attachments.createDraft({ fileName: 'b.txt', contentType: 'text/plain', size: 3 });
    ed.client.attachments.appendDraft(kept, Buffer.from('abc'));
    expect((await storeFiles(ed)).length).toBe(1);
    await ed.client.close();
    expect(await storeFiles(ed)).toEqual([]);
    await ed.reopen();
    expect(() => ed.client.attachments.appendDraft(kept, Buffer.from('x'))).toThrow(/No such draft/);
  });
});
