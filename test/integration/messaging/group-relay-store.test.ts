import { fromBinary } from '@bufbuild/protobuf';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { groups } from '../../../main/core/vault';
import { EnvelopeSchema, EnvelopeType } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { eventually, useRelayAndProfiles } from './harness';

/**
 * What the relay learns of a group: nothing. After group traffic (creation,
 * messages, a rename, an added member, a removal), some of it still queued
 * for offline members, the relay's store (its SQLite files, read directly,
 * WAL included) and its debug log hold no group id (raw or hex), no group
 * name, no member list, and every queued envelope is sealed, naming no sender.
 * An attachment sent to the group leaves a record with a size, a count of
 * devices and a token hash: no member, no account, no sender.
 */

const fixture = useRelayAndProfiles('hearth-group-relay-');

async function relayFiles(): Promise<Array<{ name: string; bytes: Buffer }>> {
  const dir = fixture.relay.dataDir;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isFile()).map(async (e) => ({ name: e.name, bytes: await readFile(path.join(e.parentPath, e.name)) })));
}

/** How a GroupUpdateMessage lists members (field 4, repeated string), in the order the sender wrote them. */
function encodedMemberList(members: readonly string[]): Buffer {
  return Buffer.concat(members.map((m) => Buffer.concat([Buffer.from([0x22, m.length]), Buffer.from(m)])));
}

function queued(): Array<{ raw: Buffer; type: EnvelopeType; sender: string; senderAccount: string; senderDevice: number }> {
  const db = new Database(path.join(fixture.relay.dataDir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { body: Buffer }>('SELECT body FROM envelopes ORDER BY seq')
      .all()
      .map((r) => {
        const envelope = fromBinary(EnvelopeSchema, r.body);
        return { raw: r.body, type: envelope.type, sender: envelope.senderUsername, senderAccount: envelope.senderAccountId, senderDevice: envelope.senderDeviceId };
      });
  } finally {
    db.close();
  }
}

/** Every attachment record and confirmation the relay holds, every column. */
function attachmentRecords(): Array<Record<string, unknown>> {
  const db = new Database(path.join(fixture.relay.dataDir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return [...db.prepare<[], Record<string, unknown>>('SELECT * FROM attachments').all(), ...db.prepare<[], Record<string, unknown>>('SELECT * FROM attachment_confirmations').all()];
  } finally {
    db.close();
  }
}

function accountIds(): Map<string, string> {
  const db = new Database(path.join(fixture.relay.dataDir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return new Map(db.prepare<[], { id: string; username: string }>('SELECT id, username FROM accounts').all().map((r) => [r.username, r.id]));
  } finally {
    db.close();
  }
}

describe('the relay store after group traffic', () => {
  it('holds no group id, name or member list, no sender for sealed envelopes, and no member or sender for an attachment', async () => {
    const [ann, ben, cat, dan] = await Promise.all(['grsann', 'grsben', 'grscat', 'grsdan'].map((n) => fixture.profile(n)));
    if (!ann || !ben || !cat || !dan) throw new Error('profiles');
    const names = ['Quiet Orchard Society', 'Lantern Keepers Circle'];
    const group = await ann.client.createGroup(names[0] ?? '', [ben.username, cat.username]);
    const groupId = ann.client.vault.read((db) => groups.byConversation(db, group.id)?.groupId);
    if (!groupId) throw new Error('no group id');
    await eventually(() => expect(cat.client.getConversation(group.id).title).toBe(names[0]));

    // Ben and Cat go offline: what follows waits on the relay.
    await ben.client.close();
    await cat.client.close();
    for (const text of ['first canary-free line', 'second one']) {
      const m = await ann.client.send(group.id, text);
      await ann.client.waitUntilSent(m.id);
    }
    await ann.client.renameGroup(group.id, names[1] ?? '');
    await ann.client.addGroupMembers(group.id, [dan.username]);
    await ann.client.waitUntilOutboxEmpty();
    await eventually(() => expect(dan.client.getConversation(group.id).title).toBe(names[1]));
    const fromDan = await dan.client.send(group.id, 'hello from dan');
    await dan.client.waitUntilSent(fromDan.id);
    // A file to the group: Dan fetches it now, Ben and Cat later.
    const file = randomBytes(50_000);
    const draftId = ann.client.attachments.createDraft({ fileName: 'orchard-map.png', contentType: 'image/png', size: file.length });
    ann.client.attachments.appendDraft(draftId, file);
    const withFile = await ann.client.send(group.id, 'the map', undefined, [draftId]);
    await ann.client.waitUntilSent(withFile.id);
    await eventually(() => expect(dan.client.getMessage(withFile.id).attachments?.[0]?.state).toBe('ready'));

    const members = [ann.username, ben.username, cat.username, dan.username];
    const accounts = accountIds();
    const forbidden: Array<[string, Buffer]> = [
      ['group id', Buffer.from(groupId)],
      ['group id (hex)', Buffer.from(Buffer.from(groupId).toString('hex'))],
      ['group id (HEX)', Buffer.from(Buffer.from(groupId).toString('hex').toUpperCase())],
      ['group id (base64)', Buffer.from(Buffer.from(groupId).toString('base64'))],
      ['conversation id', Buffer.from(group.id)],
      ...names.map((n): [string, Buffer] => [`name ${n}`, Buffer.from(n)]),
      ['member list', encodedMemberList([ann.username, ben.username, cat.username])],
      ['member list', encodedMemberList([ann.username, ben.username, cat.username, dan.username])],
      ['member list (text)', Buffer.from(members.join(','))],
    ];
    const check = async (when: string) => {
      const files = await relayFiles();
      expect(files.some((f) => f.name === 'relay.sqlite')).toBe(true);
      for (const file of files) for (const [what, bytes] of forbidden) expect(file.bytes.includes(bytes), `${what} in ${file.name} (${when})`).toBe(false);
      const log = Buffer.from(fixture.relay.logs.join('\n'));
      for (const [what, bytes] of forbidden) expect(log.includes(bytes), `${what} in the relay log (${when})`).toBe(false);
    };

    const waiting = queued();
    expect(waiting.length).toBeGreaterThan(4);
    for (const e of waiting) {
      expect(e.type).toBe(EnvelopeType.SEALED_SENDER);
      expect(e).toMatchObject({ sender: '', senderAccount: '', senderDevice: 0 });
      for (const sender of [ann.username, dan.username]) {
        expect(e.raw.includes(Buffer.from(sender))).toBe(false);
        expect(e.raw.includes(Buffer.from(accounts.get(sender) ?? sender))).toBe(false);
      }
    }
    await check('while queued');

    // The attachment's record: who uploaded it, and for whom, is nowhere in it.
    await eventually(() => expect(attachmentRecords().filter((r) => 'confirmation_id' in r)).toHaveLength(1));
    const records = attachmentRecords();
    const [record] = records;
    expect(record).toMatchObject({ fetch_count: 3, uploaded: 1, uploader_account: null, uploader_device: null });
    const values = records.flatMap((r) => Object.values(r)).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v))));
    for (const member of members) {
      for (const [what, needle] of [
        ['username', member],
        ['account id', accounts.get(member) ?? member],
      ] as const) {
        expect(values.some((v) => v.includes(Buffer.from(needle))), `${what} of ${member} in an attachment record`).toBe(false);
      }
    }

    // Ben and Cat come back and catch up; the store still knows nothing of the group.
    await ben.reopen();
    await cat.reopen();
    await Promise.all([ben.client.sync({ lingerMs: 200 }), cat.client.sync({ lingerMs: 200 })]);
    for (const p of [ben, cat]) {
      expect(p.client.getConversation(group.id)).toMatchObject({ title: names[1], memberIds: members.filter((m) => m !== p.username) });
      expect(p.client.messagePage(group.id).messages.filter((m) => m.kind === 'text').map((m) => m.body)).toEqual(['first canary-free line', 'second one', 'hello from dan', 'the map']);
    }
    await eventually(() => {
      for (const p of [ben, cat]) expect(p.client.getMessage(withFile.id).attachments?.[0]?.state).toBe('ready');
    });
    await check('after delivery');
    // Ben's and Cat's confirmations were the last: record and blob are gone.
    await eventually(async () => {
      expect(attachmentRecords()).toEqual([]);
      expect(await readdir(path.join(fixture.relay.dataDir, 'attachments'))).toEqual([]);
    });
  });
});
