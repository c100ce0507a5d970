import { describe, expect, it } from 'vitest';
import { readAccountState, retireRolledBackKeys, writeAccountState } from '../../../main/core/account';
import { ROLLED_BACK_SETTING, contacts, conversations, groups, messaging, outbox, protocol as protocolRows } from '../../../main/core/vault';
import { PARKED } from '../../../main/core/messaging/outbox';
import { keyfileVault } from '../vault/helpers';

/**
 * What a salvage's mark makes the client do before anything is sent: the
 * rolled-back sessions, sender keys, queued ciphertexts and prekey counters
 * are all retired in one commit, and only once.
 */
describe('retiring rolled-back protocol state after a salvage', () => {
  it('drops sessions with a reset queued, moves queued group sends to a new sender key, and retires the old one', async () => {
    const { vault } = await keyfileVault();
    const now = 1_800_000_000_000;
    const old = 'old-distribution';
    const ids = await vault.write((tx) => {
      messaging.putLocalAccount(tx, { identityKeyPair: new Uint8Array([1]), registrationId: 7, nextPreKeyId: 10, nextSignedPreKeyId: 20, nextKyberPreKeyId: 30, createdAt: 1 });
      writeAccountState(tx, { accountId: 'acct', keysPublished: true, rotatedAt: now });
      for (const id of ['cat', 'dan']) contacts.upsertContact(tx, { id, displayName: id, now });
      conversations.createGroupConversation(tx, { id: 'group:club', groupId: new Uint8Array([9, 9]), title: 'Club', memberIds: ['cat', 'dan'], now });
      groups.insertGroup(tx, { conversationId: 'group:club', groupId: new Uint8Array([9, 9]), revision: 1, distributionId: old, now });
      groups.addKeyHolder(tx, 'group:club', 'cat', old);
      groups.addKeyHolder(tx, 'group:club', 'dan', old);
      protocolRows.putSession(tx, { name: 'cat', deviceId: 1 }, new Uint8Array([1, 2, 3]), now);
      protocolRows.putSession(tx, { name: 'dan', deviceId: 1 }, new Uint8Array([4, 5, 6]), now);
      protocolRows.putSenderKey(tx, { name: 'me', deviceId: 1 }, old, new Uint8Array([7]), now);
      protocolRows.putSenderKey(tx, { name: 'cat', deviceId: 1 }, 'cats-own-distribution', new Uint8Array([8]), now);
      const sendId = groups.insertSend(tx, { conversationId: 'group:club', distributionId: old, now });
      groups.setSealedContent(tx, sendId, new Uint8Array([5, 5]));
      // 'eve' was removed from the group after this send was queued: she must not get the new key.
      contacts.upsertContact(tx, { id: 'eve', displayName: 'eve', now });
      const entries = ['cat', 'dan', 'eve'].map((recipient) => {
        const id = outbox.enqueue(tx, { kind: 'message', conversationId: 'group:club', messageId: null, recipient, payload: new Uint8Array([1]), nextAttemptAt: now + 60_000, createdAt: now });
        groups.setOutboxGroupSend(tx, id, sendId);
        messaging.putDelivery(tx, { outboxId: id, deviceId: 1, submissionId: new Uint8Array(16), envelopeType: 6, ciphertext: new Uint8Array([3]), sent: false });
        return id;
      });
      // Sent to one of cat's devices, not yet to the other: encrypted afresh for both.
      messaging.putDelivery(tx, { outboxId: entries[0] as number, deviceId: 2, submissionId: new Uint8Array(16), envelopeType: 6, ciphertext: new Uint8Array(0), sent: true });
      // Failed for good: stays parked.
      const parked = outbox.enqueue(tx, { kind: 'message', conversationId: null, messageId: null, recipient: 'dan', payload: new Uint8Array([2]), nextAttemptAt: PARKED, createdAt: now });
      messaging.putSetting(tx, ROLLED_BACK_SETTING, true);
      return { sendId, entries, parked };
    });

    await retireRolledBackKeys(vault, now);
    vault.read((db) => {
      expect(messaging.getSetting(db, ROLLED_BACK_SETTING)).toBeUndefined();
      expect(protocolRows.sessionAddresses(db)).toEqual([]);
      expect(['cat', 'dan'].map((name) => messaging.outboxEntriesFor(db, name, 'session-reset').length)).toEqual([1, 1]);
      const group = groups.byConversation(db, 'group:club');
      expect(group?.distributionId).not.toBe(old);
      expect(groups.getSend(db, ids.sendId)).toMatchObject({ distributionId: group?.distributionId, sealedContent: null });
      // Each member gets the new key before the queued message, which is encrypted afresh and due now.
      expect(['cat', 'dan', 'eve'].map((name) => messaging.outboxEntriesFor(db, name, 'sender-key').length)).toEqual([1, 1, 0]);
      expect(messaging.deliveriesOf(db, ids.entries)).toEqual([]);
      expect(outbox.nextDue(db)).toBe(now);
      expect(db.get('SELECT next_attempt_at AS at FROM outbox WHERE id = ?', [ids.parked])?.at).toBe(PARKED);
      // Our own sender key for the old distribution is gone; a member's own is not ours to drop.
      expect(protocolRows.getSenderKey(db, { name: 'me', deviceId: 1 }, old)).toBeNull();
      expect(protocolRows.getSenderKey(db, { name: 'cat', deviceId: 1 }, 'cats-own-distribution')).not.toBeNull();
      const account = messaging.getLocalAccount(db);
      expect([account?.nextPreKeyId, account?.nextSignedPreKeyId, account?.nextKyberPreKeyId]).not.toEqual([10, 20, 30]);
      expect(readAccountState(db)).toMatchObject({ keysPublished: false, rotateNow: true });
    });

    // Only once: without the mark, nothing changes.
    const before = vault.read((db) => messaging.getLocalAccount(db));
    await retireRolledBackKeys(vault, now + 1);
    expect(vault.read((db) => messaging.getLocalAccount(db))).toEqual(before);
    await vault.close();
  });
});
