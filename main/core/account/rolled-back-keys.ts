import { randomInt } from 'node:crypto';
import { encodeSessionReset } from '../messaging/content';
import { newDistributionId } from '../messaging/group-state';
import { MAX_PREKEY_ID } from '../protocol';
import { groups, messaging, outbox, protocol as protocolRows, type Vault } from '../vault';
import { readAccountState, writeAccountState } from './account-settings';

/**
 * After a salvage dropped commits, the protocol state in the vault is older
 * than what this device has already used: sending ratchets that already
 * encrypted messages, sender keys already used in groups, prekey id counters
 * for keys already on the relay. Using any of it again would repeat message
 * keys, or publish keys under ids the relay already holds with other keys.
 * So, before anything is sent:
 *
 * - every session is deleted, and each contact it was with is sent a session
 *   reset, which starts a new one. Not archived: a message in flight from the
 *   contact would decrypt with the archived state, and libsignal then makes
 *   that state current again, sending ratchet and all. So a message a contact
 *   sent before the reset reached them shows as one that could not be
 *   decrypted;
 * - every group gets a new sender key distribution;
 * - the prekey id counters jump to new random points, as at creation;
 * - the signed and last-resort prekeys are marked due, so the next connection
 *   publishes the newest we hold and then makes and publishes new ones.
 *
 * One-time prekeys that a dropped commit had used stay usable here: only a
 * replayed envelope could use one again, and the relay deletes envelopes once
 * delivered.
 */
export async function retireRolledBackKeys(vault: Vault, now: number): Promise<void> {
  await vault.write((tx) => {
    const contacts = new Set(protocolRows.sessionAddresses(tx).map((address) => address.name));
    for (const name of contacts) {
      protocolRows.deleteAllSessions(tx, name);
      if (messaging.outboxEntriesFor(tx, name, 'session-reset').length > 0) continue;
      outbox.enqueue(tx, { kind: 'session-reset', conversationId: null, messageId: null, recipient: name, payload: encodeSessionReset(), nextAttemptAt: now, createdAt: now });
    }
    for (const group of groups.all(tx)) groups.rotateDistribution(tx, group.conversationId, newDistributionId(), now);
    const account = messaging.getLocalAccount(tx);
    if (account) {
      const fresh = () => randomInt(1, MAX_PREKEY_ID + 1);
      messaging.putLocalAccount(tx, { ...account, nextPreKeyId: fresh(), nextSignedPreKeyId: fresh(), nextKyberPreKeyId: fresh() });
    }
    writeAccountState(tx, { ...readAccountState(tx), keysPublished: false, rotatedAt: 0 });
  });
}
