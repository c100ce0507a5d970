import { cp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '../../../main/core/client/client';
import { readAccountState } from '../../../main/core/account';
import { Vault, messaging } from '../../../main/core/vault';
import { bodies, dm, eventually, testClientOptions, texts, useRelayAndProfiles } from './harness';

/**
 * A salvage that drops commits rolls the protocol state back: the sending
 * ratchet is older than the messages already sent with it. Reusing it would
 * repeat message keys (the peer refuses those as duplicates). After salvage
 * every session is dropped and a reset sent, and the prekey ids move on, so
 * both directions work again at once and nothing sent after it is lost.
 */
const fixture = useRelayAndProfiles('hearth-salvage-rollback-');

describe('salvage and the Signal protocol state', () => {
  it('starts new sessions after a rollback, so messages go through both ways instead of repeating message keys', async () => {
    const ana = await fixture.profile('ana');
    const ben = await fixture.profile('ben');
    await ana.client.addContact('ben');
    await ana.client.send(dm('ben'), 'before the backup');
    await eventually(() => expect(bodies(ben.client, 'ana')).toEqual(['before the backup']));
    const group = await ana.client.createGroup('Pair', ['ben']);
    await ana.client.send(group.id, 'group, before the backup');
    await eventually(() => expect(texts(ben.client, group.id)).toEqual(['group, before the backup']));

    // A copy of ana's files now (locking saves everything into the snapshot)...
    await ana.client.close();
    const backup = path.join(fixture.dir, 'ana-backup');
    await cp(ana.dir, backup, { recursive: true });
    await ana.reopen();
    // ...then the ratchet moves on: messages sent after the copy.
    for (const n of [1, 2, 3]) await ana.client.send(dm('ben'), `after the backup ${n}`);
    await ana.client.send(group.id, 'group, after the backup');
    await eventually(() => expect(bodies(ben.client, 'ana')).toHaveLength(4));
    await eventually(() => expect(texts(ben.client, group.id)).toHaveLength(2));
    // Ben's first group message: his sender key reaches Ana in a commit the salvage will drop.
    await ben.client.send(group.id, 'ben, after the backup');
    await eventually(() => expect(texts(ana.client, group.id)).toContain('ben, after the backup'));
    await ana.client.close();

    // The older snapshot comes back beside the newer journal: open refuses, salvage keeps the older state.
    await rm(path.join(ana.dir, 'vault.snapshot'));
    await cp(path.join(backup, 'vault.snapshot'), path.join(ana.dir, 'vault.snapshot'));
    const unlock = { kind: 'keyfile', path: ana.keyfile } as const;
    await expect(Client.open(ana.dir, unlock, testClientOptions)).rejects.toMatchObject({ salvageable: true });
    // The process dies right after the vault's salvage, before the client ever starts: the next plain open
    // must still retire the rolled-back keys (salvage left a mark in the database it kept).
    const salvaged = await Vault.salvage(ana.dir, unlock, { idleCompactMs: null });
    expect(salvaged.report).not.toBeNull();
    expect(await readdir(ana.dir)).toContain(salvaged.report?.setAside[0]);
    const signedBefore = salvaged.vault.read((db) => messaging.newestSignedPreKey(db)?.id);
    await salvaged.vault.close();
    const client = await Client.open(ana.dir, unlock, testClientOptions);
    ana.client = client;
    client.start();
    expect(bodies(client, 'ben')).toEqual(['before the backup']);

    await client.send(dm('ben'), 'after the salvage');
    await eventually(() => expect(bodies(ben.client, 'ana')).toEqual(['before the backup', 'after the backup 1', 'after the backup 2', 'after the backup 3', 'after the salvage']));
    // Nothing Ben could not decrypt: no message key was used twice.
    expect(ben.client.messagePage(dm('ana')).messages.some((m) => m.kind === 'decrypt-failed')).toBe(false);
    await ben.client.send(dm('ana'), 'reply after the salvage');
    await eventually(() => expect(bodies(client, 'ben')).toEqual(['before the backup', 'after the salvage', 'reply after the salvage']));
    // In the group too: Ana's new sender key reaches Ben (the old chain would repeat keys he already used), and
    // Ben, told by the reset that Ana lost state, gives her his key again before his next group message.
    await client.send(group.id, 'group, after the salvage');
    await eventually(() => expect(texts(ben.client, group.id)).toEqual(['group, before the backup', 'group, after the backup', 'ben, after the backup', 'group, after the salvage']));
    await ben.client.send(group.id, 'group reply after the salvage');
    await eventually(() => expect(texts(client, group.id)).toEqual(['group, before the backup', 'group, after the salvage', 'group reply after the salvage']));
    // New signed (and last-resort) prekeys were made and published at the first connection, under fresh ids.
    await eventually(() => expect(client.vault.read((db) => readAccountState(db))).toMatchObject({ rotateNow: false, keysPublished: true }));
    expect(client.vault.read((db) => messaging.newestSignedPreKey(db)?.id)).not.toBe(signedBefore);
  });
});
