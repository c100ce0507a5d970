import { HearthError, type Contact, type SafetyNumber } from '../../../shared/api';
import { acceptIdentityKey, archiveSession, compareScannedSafetyNumber, computeSafetyNumber, setIdentityVerification, type ProtocolTransaction } from '../protocol';
import { applyProtocolWrites } from '../protocol/vault-storage';
import { isRelayError } from '../transport';
import { contacts, messaging, profile, protocol as protocolRows, type SqlWriter } from '../vault';
import type { MessagingContext } from './context';
import { ensureDirectConversation } from './identity-notices';
import { PARKED, type Outbox } from './outbox';
import { contactView } from './views';

/**
 * Contacts by relay username, their identity keys and safety numbers. The
 * protocol layer's identity record is the truth about keys and verification;
 * the contact row remembers that a change is waiting to be acknowledged.
 */

/** Runs protocol work and stores its writes together with `also` in one vault write. */
async function commit<T>(ctx: MessagingContext, work: (tx: ProtocolTransaction) => Promise<T>, also: (tx: SqlWriter, result: T) => void = () => {}): Promise<T> {
  return ctx.protocol.transact(work, async (writes, result) => {
    const now = ctx.now();
    await ctx.vault.write((tx) => {
      applyProtocolWrites(tx, writes, now);
      also(tx, result);
    });
  });
}

export function requireContact(ctx: MessagingContext, contactId: string): Contact {
  const contact = ctx.vault.read((db) => contactView(db, contactId));
  if (!contact) throw new HearthError('not-found', 'No such contact.');
  return contact;
}

/** Looks `username` up on the relay and adds it, keeping its identity key (trust on first use). */
export async function addContact(ctx: MessagingContext, username: string): Promise<Contact> {
  if (username === ctx.self.name) throw new HearthError('invalid-arguments', 'That is your own username.');
  let found;
  try {
    await ctx.connection.whenOnline(10_000);
    found = await ctx.connection.request('lookup', { target: { case: 'username', value: username } });
  } catch (error) {
    if (isRelayError(error, 'not-found')) throw new HearthError('not-found', `There is no “${username}” on this relay.`);
    throw new HearthError('unavailable', isRelayError(error) ? error.message : 'Could not reach the relay.');
  }
  await commit(
    ctx,
    async (tx) => {
      if ((await tx.getIdentity(username)) === null) await acceptIdentityKey(tx, username, found.identityKey);
    },
    (tx) => {
      const now = ctx.now();
      ensureDirectConversation(tx, username, now);
      if (found.accountId) messaging.setContactAccountId(tx, username, found.accountId, now);
    },
  );
  const contact = requireContact(ctx, username);
  ctx.events.emit('contacts.onDidUpdate', { contact });
  return contact;
}

function identityKeys(ctx: MessagingContext, contactId: string): { local: Uint8Array; remote: Uint8Array } {
  const keys = ctx.vault.read((db) => ({ local: profile.getProfile(db)?.identityPublic ?? null, remote: messaging.getIdentityRow(db, contactId)?.publicKey ?? null }));
  if (!keys.local || !keys.remote) throw new HearthError('not-found', 'No identity key is known for this contact yet.');
  return { local: keys.local, remote: keys.remote };
}

export function safetyNumber(ctx: MessagingContext, contactId: string): SafetyNumber {
  const contact = requireContact(ctx, contactId);
  const keys = identityKeys(ctx, contactId);
  const number = computeSafetyNumber({ localName: ctx.self.name, localIdentityKey: keys.local, remoteName: contactId, remoteIdentityKey: keys.remote });
  return { contactId, digits: number.digits, groups: [...number.groups], qrPayload: number.scannableBase64, verified: contact.verified };
}

export function compareSafetyNumber(ctx: MessagingContext, contactId: string, scanned: string): boolean {
  const keys = identityKeys(ctx, contactId);
  const ours = computeSafetyNumber({ localName: ctx.self.name, localIdentityKey: keys.local, remoteName: contactId, remoteIdentityKey: keys.remote });
  return compareScannedSafetyNumber(ours, scanned) === 'match';
}

/** Marks the contact's current key verified (or not). Either way releases sending held for a key change. */
export async function setVerified(ctx: MessagingContext, sends: Outbox, contactId: string, verified: boolean): Promise<Contact> {
  requireContact(ctx, contactId);
  const { remote } = identityKeys(ctx, contactId);
  const wasHeld = requireContact(ctx, contactId).sendingHeld;
  await commit(
    ctx,
    async (tx) => {
      await setIdentityVerification(tx, contactId, verified ? 'verified' : 'default', remote);
      if (wasHeld) for (const deviceId of ctx.vault.read((db) => protocolRows.sessionDeviceIds(db, contactId))) await archiveSession(tx, { name: contactId, deviceId });
    },
    (tx) => {
      contacts.setVerification(tx, contactId, verified ? 'verified' : 'unverified', ctx.now());
      if (wasHeld) releaseHeld(tx, contactId, ctx.now());
    },
  );
  return afterIdentityDecision(ctx, sends, contactId);
}

/**
 * The user looked at the new safety number and accepts it: the key becomes
 * trusted (not verified), held messages go out. Sessions with the old key are
 * archived so the next send starts afresh with the new one.
 */
export async function acceptIdentityChange(ctx: MessagingContext, sends: Outbox, contactId: string): Promise<Contact> {
  requireContact(ctx, contactId);
  const { remote } = identityKeys(ctx, contactId);
  const wasHeld = requireContact(ctx, contactId).sendingHeld;
  await commit(
    ctx,
    async (tx) => {
      await acceptIdentityKey(tx, contactId, remote);
      if (wasHeld) for (const deviceId of ctx.vault.read((db) => protocolRows.sessionDeviceIds(db, contactId))) await archiveSession(tx, { name: contactId, deviceId });
    },
    (tx) => {
      contacts.setVerification(tx, contactId, 'unverified', ctx.now());
      releaseHeld(tx, contactId, ctx.now());
    },
  );
  return afterIdentityDecision(ctx, sends, contactId);
}

/** Held entries (parked, and not failed messages) are due again; their old ciphertexts are dropped. */
function releaseHeld(tx: SqlWriter, contactId: string, now: number): void {
  const held = tx
    .all(
      `SELECT o.id FROM outbox o LEFT JOIN messages m ON m.id = o.message_id
       WHERE o.recipient = ? AND o.next_attempt_at = ? AND (m.id IS NULL OR m.status = 'pending')`,
      [contactId, PARKED],
    )
    .map((r) => r.id as number);
  for (const id of held) {
    messaging.removeUnsentDeliveries(tx, id);
    messaging.resetOutboxSchedule(tx, id, now);
  }
}

function afterIdentityDecision(ctx: MessagingContext, sends: Outbox, contactId: string): Contact {
  const contact = requireContact(ctx, contactId);
  ctx.events.emit('contacts.onDidUpdate', { contact });
  sends.kick();
  return contact;
}

export function listContacts(ctx: MessagingContext): Contact[] {
  return ctx.vault.read((db) =>
    contacts
      .listContacts(db)
      .map((c) => contactView(db, c.id))
      .filter((c): c is Contact => c !== null),
  );
}
