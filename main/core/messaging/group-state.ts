import { randomBytes, randomUUID } from 'node:crypto';
import { MAX_GROUP_MEMBERS, Username, type Notice } from '../../../shared/api';
import { contacts, conversations, expiry, groups, messages, messaging, type SqlReader, type SqlWriter } from '../vault';
import { hex } from './content';
import { MAX_PEER_CLOCK_SKEW_MS, timerFromSeconds } from './disappearing';
import { actionName, GROUP_ID_BYTES, groupNotice, groupUpdateHash, type GroupActionName, type GroupUpdateMessage } from './group-content';

/**
 * Group state on this device, the same rules for what we change and what
 * members tell us (docs/messaging.md, "Groups"). Everything here runs inside
 * the caller's vault write.
 */

/** The local conversation id of a group (never leaves this vault). */
export const groupConversationId = (groupId: Uint8Array): string => `group:${hex(groupId)}`;

export const newGroupId = (): Uint8Array => randomBytes(GROUP_ID_BYTES);

/** A fresh sender-key distribution id: our sending chain for the group starts over. */
export const newDistributionId = (): string => randomUUID();

/** Makes sure every member has a contact row (the member list refers to contacts). */
export function ensureContacts(tx: SqlWriter, usernames: readonly string[], now: number): void {
  for (const name of usernames) if (!contacts.getContact(tx, name)) contacts.upsertContact(tx, { id: name, displayName: null, now });
}

/** A group notice in the conversation (read at once: a notice is nothing to catch up on). Returns its uid. */
export function recordGroupNotice(tx: SqlWriter, conversationId: string, notice: Notice, at: number, now: number): string {
  const uid = randomBytes(16).toString('hex');
  const id = messages.insertMessage(tx, { uid, conversationId, authorId: notice.actorId, direction: 'incoming', body: null, status: 'received', sentAt: at, receivedAt: now });
  expiry.setNotice(tx, id, 'group-update', JSON.stringify(notice));
  messaging.markReadByIds(tx, [id], now);
  return uid;
}

/** A group name, as groups.ts accepts one from us; a longer one from a member is refused, not cut. */
const MAX_GROUP_NAME_LENGTH = 64;
/** How far ahead of ours a member's revision may jump (we may have missed some updates, not a million). */
const MAX_REVISION_JUMP = 1_000_000;

export interface AppliedUpdate {
  readonly conversationId: string;
  readonly noticeUid: string;
  /** The group as it now stands: another pass over held-back messages may place them. */
  readonly groupId: Uint8Array;
}

/**
 * A member's GroupUpdateMessage. Applied only when its revision is higher
 * than the one we hold (or equal, and it wins the tie: see groupUpdateHash) and its sender is a current member (for a group we do
 * not know yet: when it lists both the sender and us; for a group we were
 * removed from or left: when it lists us again, from someone who was a member
 * when we were last in). Any change of members rotates our sender key.
 */
export function applyGroupUpdate(tx: SqlWriter, from: string, me: string, update: GroupUpdateMessage, now: number): AppliedUpdate | null {
  if (update.groupId.length !== GROUP_ID_BYTES) return null;
  const action = actionName(update.action);
  const name = update.name.trim();
  const members = [...new Set(update.members)];
  if (!action || name.length === 0 || name.length > MAX_GROUP_NAME_LENGTH || members.length > MAX_GROUP_MEMBERS || update.targets.length > MAX_GROUP_MEMBERS) return null;
  if (!members.every((m) => Username.safeParse(m).success)) return null;
  // uint64 on the wire: beyond a safe integer it would not compare exactly, and a huge jump would leave no room after it.
  if (update.revision > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  const revision = Number(update.revision);
  const group = groups.byGroupId(tx, update.groupId);
  if (revision - (group?.revision ?? 0) > MAX_REVISION_JUMP) return null;
  const hash = groupUpdateHash(update);
  /** The members the update is judged against, kept for a tie at its revision. */
  let judgedBy: string[] | null = null;
  if (group) {
    if (revision < group.revision) return null;
    if (revision === group.revision) {
      // Two changes at one revision: the lower hash wins on every device, its sender judged
      // against the members before the revision (the update it competes with may have changed them).
      const held = groups.tieBreak(tx, group.conversationId);
      if (!held.updateHash || !held.previousMembers || Buffer.compare(hash, held.updateHash) >= 0) return null;
      if (!held.previousMembers.includes(from)) return null;
      if (!held.previousMembers.includes(me) && !members.includes(me)) return null;
      judgedBy = held.previousMembers;
    } else {
      const current = groups.members(tx, group.conversationId);
      // Once out of the group, only an update that takes us back in counts (from someone we last knew as a member).
      if (!group.isMember && !members.includes(me)) return null;
      if (!current.includes(from)) return null;
      judgedBy = group.isMember ? [me, ...current] : current;
    }
  } else if (!members.includes(me) || !members.includes(from)) {
    return null;
  }
  const others = members.filter((m) => m !== me);
  ensureContacts(tx, others, now);
  let conversationId: string;
  if (!group) {
    conversationId = groupConversationId(update.groupId);
    conversations.createGroupConversation(tx, { id: conversationId, groupId: update.groupId, title: name, memberIds: others, now });
    groups.insertGroup(tx, { conversationId, groupId: update.groupId, revision, distributionId: newDistributionId(), now });
    // One of the contract's timers, whatever number the update carries.
    const timer = timerFromSeconds(update.expireTimerS);
    if (timer !== null) conversations.setExpireTimer(tx, conversationId, timer, now);
  } else {
    conversationId = group.conversationId;
    const before = groups.members(tx, conversationId);
    conversations.setTitle(tx, conversationId, name, now);
    groups.setMembers(tx, conversationId, others);
    groups.setState(tx, conversationId, { revision, isMember: members.includes(me), now });
    // A new chain whenever the members change: someone who left cannot read what we send next, and someone
    // new cannot read what we sent before (the distribution they get is the start of a chain). Also when we are back in.
    const changed = before.some((m) => !others.includes(m)) || others.some((m) => !before.includes(m));
    if (!group.isMember || changed) groups.rotateDistribution(tx, conversationId, newDistributionId(), now);
  }
  groups.setTieBreak(tx, conversationId, { updateHash: hash, previousMembers: judgedBy });
  const targets = update.targets.filter((t) => Username.safeParse(t).success).map((t) => (t === me ? null : t));
  const at = Math.min(Number(update.timestampMs) || now, now + MAX_PEER_CLOCK_SKEW_MS);
  const noticeUid = recordGroupNotice(tx, conversationId, groupNotice(action, from, name, targets), at, now);
  return { conversationId, noticeUid, groupId: update.groupId };
}

/** Where a group content goes: the conversation, or hold it back until we know more, or drop it. */
export type GroupRoute = { readonly conversationId: string } | 'hold' | 'drop';

/**
 * A content from `from` that belongs to a group (the group id it was sealed
 * with, or the one it names). Only a current member's content is placed; one
 * for a group we do not know, or naming a newer revision than ours (an update
 * still on its way), is held back and tried again after the next update.
 */
export function routeGroupContent(db: SqlReader, from: string, groupId: Uint8Array, namedRevision: number | null): GroupRoute {
  const group = groups.byGroupId(db, groupId);
  if (!group) return 'hold';
  if (!group.isMember) return 'drop';
  if (groups.members(db, group.conversationId).includes(from)) return { conversationId: group.conversationId };
  return namedRevision !== null && namedRevision > group.revision ? 'hold' : 'drop';
}

/** The group a reaction, edit or delete reaches by its target message, if `from` is a member there. */
export function targetGroupConversation(db: SqlReader, targetUid: string, from: string): string | null {
  const row = db.get(
    `SELECT m.conversation_id FROM messages m JOIN groups g ON g.conversation_id = m.conversation_id
     JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.contact_id = ?
     WHERE m.uid = ? AND g.is_member = 1`,
    [from, targetUid],
  );
  return typeof row?.conversation_id === 'string' ? row.conversation_id : null;
}

/**
 * A member's delivery or read receipts for our group messages: recorded per
 * member; the message's status moves on once every current member reached it.
 * Returns the uids whose status changed.
 */
export function applyGroupReceipts(tx: SqlWriter, from: string, uids: readonly string[], status: 'delivered' | 'read'): string[] {
  const changed: string[] = [];
  for (const uid of uids) {
    const own = groups.ownGroupMessage(tx, uid, from);
    if (!own) continue;
    groups.recordReceipt(tx, own.id, from, status);
    const reached = groups.aggregateReceipt(tx, own.id, own.conversationId);
    if (reached && messaging.advanceOutgoingStatus(tx, [uid], own.conversationId, reached).length > 0) changed.push(uid);
  }
  return changed;
}

export type { GroupActionName };
