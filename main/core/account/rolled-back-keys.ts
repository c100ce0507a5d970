import { randomInt } from 'node:crypto';
import { encodeSessionReset } from '../messaging/content';
import { PARKED } from '../messaging/outbox';
import { encodeSenderKeyDistribution } from '../messaging/group-content';
import { newDistributionId } from '../messaging/group-state';
import { MAX_PREKEY_ID } from '../protocol';
import { ROLLED_BACK_SETTING, groups, messaging, outbox, protocol as protocolRows, type SqlWriter, type Vault } from '../vault';
import { readAccountState, writeAccountState } from './account-settings';

/**
 * After a salvage (which leaves ROLLED_BACK_SETTING in the database it kept,
 * so this runs at the first start after it, even after a crash), the protocol
 * state in the vault may be older than what this device has already used:
 * sending ratchets that already encrypted messages, sender keys already used
 * in groups, prekey id counters for keys already on the relay. Using any of it
 * again would repeat message keys, or publish keys under ids the relay already
 * holds with other keys. So, in one commit, before anything is sent:
 *
 * - every session is deleted, and each contact it was with is sent a session
 *   reset, which starts a new one. Not archived: a message in flight from the
 *   contact would decrypt with the archived state, and libsignal then makes
 *   that state current again, sending ratchet and all. So a message a contact
 *   sent before the reset reached them shows as one that could not be
 *   decrypted;
 * - every group gets a new sender key distribution; group sends still queued
 *   move to it (each member gets the new key first), and our own sender-key
 *   states for the old ones are deleted, so nothing can encrypt with them;
 * - every queued entry's unsent ciphertexts (made with the deleted sessions)
 *   are dropped, to be encrypted afresh;
 * - the prekey id counters jump to new random points, as at creation, and the
 *   signed and last-resort prekeys are rotated and published at the next
 *   connection.
 *
 * One-time prekeys stay: the relay only adds to a device's set, so ones used
 * in the dropped commits may still be handed out; a session started with one
 * fails once and is reset. A relay that kept and replayed an envelope could
 * also use one again.
 */
export async function retireRolledBackKeys(vault: Vault, now: number): Promise<void> {
  if (vault.read((db) => messaging.getSetting(db, ROLLED_BACK_SETTING)) === undefined) return;
  await vault.write((tx) => {
    messaging.deleteSetting(tx, ROLLED_BACK_SETTING);
    outbox.reencryptAllNow(tx, now, PARKED);
    resetSessions(tx, now);
    for (const group of groups.all(tx)) groups.rotateDistribution(tx, group.conversationId, newDistributionId(), now);
    redistributeQueuedGroupSends(tx, now);
    groups.deleteRetiredOwnSenderKeys(tx);
    const account = messaging.getLocalAccount(tx);
    if (account) {
      const fresh = () => randomInt(1, MAX_PREKEY_ID + 1);
      messaging.putLocalAccount(tx, { ...account, nextPreKeyId: fresh(), nextSignedPreKeyId: fresh(), nextKyberPreKeyId: fresh() });
    }
    writeAccountState(tx, { ...readAccountState(tx), keysPublished: false, rotateNow: true });
  });
}

function resetSessions(tx: SqlWriter, now: number): void {
  const contacts = new Set(protocolRows.sessionAddresses(tx).map((address) => address.name));
  for (const name of contacts) {
    protocolRows.deleteAllSessions(tx, name);
    // A reset already queued is encrypted afresh like everything else (its deliveries were dropped).
    if (messaging.outboxEntriesFor(tx, name, 'session-reset').length > 0) continue;
    outbox.enqueue(tx, { kind: 'session-reset', conversationId: null, messageId: null, recipient: name, payload: encodeSessionReset(), nextAttemptAt: now, createdAt: now });
  }
}

/**
 * Queued group sends go out under the new distribution; members get it first,
 * as enqueueForConversation does. Only current members of a group we are in:
 * an entry queued for someone removed since goes out under a key they never get.
 */
function redistributeQueuedGroupSends(tx: SqlWriter, now: number): void {
  for (const send of groups.moveQueuedSendsToCurrentDistribution(tx)) {
    const group = groups.byConversation(tx, send.conversationId);
    if (!group?.isMember) continue;
    const members = new Set(groups.members(tx, send.conversationId));
    const holders = groups.keyHolders(tx, send.conversationId, send.distributionId);
    for (const member of send.recipients) {
      if (holders.has(member) || !members.has(member)) continue;
      const keyEntry = outbox.enqueue(tx, { conversationId: null, messageId: null, nextAttemptAt: now, createdAt: now, kind: 'sender-key', recipient: member, payload: encodeSenderKeyDistribution(group.groupId, new Uint8Array(0)) });
      groups.setOutboxGroupSend(tx, keyEntry, send.sendId);
      groups.addKeyHolder(tx, send.conversationId, member, send.distributionId);
      holders.add(member);
    }
  }
}
