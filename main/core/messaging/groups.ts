import { HearthError, MAX_GROUP_MEMBERS, Username, type ConversationSummary } from '../../../shared/api';
import { contacts, conversations, groups, outbox, type SqlWriter } from '../vault';
import { addContact } from './contacts';
import type { MessagingContext } from './context';
import { requireConversation } from './conversations';
import { encodedGroupUpdateHash, encodeGroupUpdate, groupNotice, type GroupActionName } from './group-content';
import { ensureContacts, groupConversationId, newDistributionId, newGroupId, recordGroupNotice } from './group-state';
import type { Outbox } from './outbox';

/**
 * What the user does to a group (docs/messaging.md, "Groups"): each change
 * bumps the revision and sends the group's whole new state to every member
 * before and after the change, over one-to-one sessions (sealed, like every
 * message), in the same vault commit as the local change and its notice.
 * Any member may rename, add, remove; every change of members starts a new
 * sender key: someone removed (or who left) cannot read what is sent after,
 * someone added cannot read what was sent before.
 */

const MAX_NAME = 64;

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME) throw new HearthError('invalid-arguments', `A group name is 1–${MAX_NAME} characters.`);
  return trimmed;
}

/** The members to add: valid usernames, not us, known to the relay (added as contacts if new). */
async function checkMembers(ctx: MessagingContext, memberIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(memberIds)].filter((m) => m !== ctx.self.name);
  if (unique.length === 0) throw new HearthError('invalid-arguments', 'Name at least one other member.');
  for (const m of unique) if (!Username.safeParse(m).success) throw new HearthError('invalid-arguments', `“${m}” is not a username.`);
  for (const m of unique) if (!ctx.vault.read((db) => contacts.getContact(db, m))) await addContact(ctx, m);
  return unique;
}

function requireGroup(ctx: MessagingContext, conversationId: string): { group: groups.GroupRow; members: string[] } {
  const found = ctx.vault.read((db) => {
    const group = groups.byConversation(db, conversationId);
    return group ? { group, members: groups.members(db, conversationId) } : null;
  });
  if (!found) throw new HearthError('not-found', 'No such group.');
  if (!found.group.isMember) throw new HearthError('invalid-arguments', 'You are no longer a member of this group.');
  return found;
}

/** Queues the group's new state for each recipient, one-to-one (never under the group's sender key). */
function sendUpdate(tx: SqlWriter, conversationId: string, update: Uint8Array, recipients: readonly string[], now: number): void {
  for (const recipient of new Set(recipients)) outbox.enqueue(tx, { kind: 'message', conversationId, messageId: null, recipient, payload: update, nextAttemptAt: now, createdAt: now });
}

interface Change {
  readonly action: GroupActionName;
  readonly name: string;
  /** Other members after the change. */
  readonly members: readonly string[];
  readonly targets: readonly string[];
  /** Who is told: every member before and after. */
  readonly recipients: readonly string[];
  readonly stillMember: boolean;
  readonly rotate: boolean;
}

async function commitChange(ctx: MessagingContext, sends: Outbox, conversationId: string, group: groups.GroupRow, change: Change): Promise<ConversationSummary> {
  const now = ctx.now();
  const revision = group.revision + 1;
  const everyone = change.stillMember ? [ctx.self.name, ...change.members] : [...change.members];
  const update = encodeGroupUpdate({ groupId: group.groupId, revision, name: change.name, members: everyone, expireTimerMs: group.expireTimerMs }, change.action, change.targets, now);
  await ctx.vault.write((tx) => {
    ensureContacts(tx, change.members, now);
    // Kept for a tie with another member's change at the same revision (group-state.ts).
    groups.setTieBreak(tx, conversationId, { updateHash: encodedGroupUpdateHash(update), previousMembers: [ctx.self.name, ...groups.members(tx, conversationId)] });
    conversations.setTitle(tx, conversationId, change.name, now);
    groups.setMembers(tx, conversationId, change.members);
    groups.setState(tx, conversationId, { revision, isMember: change.stillMember, now });
    if (change.rotate) groups.rotateDistribution(tx, conversationId, newDistributionId(), now);
    recordGroupNotice(tx, conversationId, groupNotice(change.action, null, change.name, change.targets), now, now);
    sendUpdate(tx, conversationId, update, change.recipients, now);
  });
  return announce(ctx, sends, conversationId);
}

function announce(ctx: MessagingContext, sends: Outbox, conversationId: string): ConversationSummary {
  sends.kick();
  const summary = requireConversation(ctx, conversationId);
  if (summary.lastMessage) ctx.events.emit('messages.onDidAdd', { message: summary.lastMessage });
  ctx.events.emit('conversations.onDidUpdate', { conversation: summary });
  return summary;
}

export async function createGroup(ctx: MessagingContext, sends: Outbox, name: string, memberIds: readonly string[]): Promise<ConversationSummary> {
  const title = checkName(name);
  const members = await checkMembers(ctx, memberIds);
  if (members.length > MAX_GROUP_MEMBERS - 1) throw new HearthError('invalid-arguments', `A group holds at most ${MAX_GROUP_MEMBERS} people, you included.`);
  const groupId = newGroupId();
  const conversationId = groupConversationId(groupId);
  const now = ctx.now();
  const revision = 1;
  const update = encodeGroupUpdate({ groupId, revision, name: title, members: [ctx.self.name, ...members], expireTimerMs: null }, 'created', members, now);
  await ctx.vault.write((tx) => {
    ensureContacts(tx, members, now);
    conversations.createGroupConversation(tx, { id: conversationId, groupId, title, memberIds: members, now });
    groups.insertGroup(tx, { conversationId, groupId, revision, distributionId: newDistributionId(), now });
    groups.setTieBreak(tx, conversationId, { updateHash: encodedGroupUpdateHash(update), previousMembers: null });
    recordGroupNotice(tx, conversationId, groupNotice('created', null, title, members), now, now);
    sendUpdate(tx, conversationId, update, members, now);
  });
  return announce(ctx, sends, conversationId);
}

export async function renameGroup(ctx: MessagingContext, sends: Outbox, conversationId: string, name: string): Promise<ConversationSummary> {
  const title = checkName(name);
  const { group, members } = requireGroup(ctx, conversationId);
  if (title === group.name) return requireConversation(ctx, conversationId);
  return commitChange(ctx, sends, conversationId, group, { action: 'renamed', name: title, members, targets: [], recipients: members, stillMember: true, rotate: false });
}

export async function addMembers(ctx: MessagingContext, sends: Outbox, conversationId: string, memberIds: readonly string[]): Promise<ConversationSummary> {
  const { group, members } = requireGroup(ctx, conversationId);
  const added = (await checkMembers(ctx, memberIds)).filter((m) => !members.includes(m));
  if (added.length === 0) return requireConversation(ctx, conversationId);
  const next = [...members, ...added];
  if (next.length > MAX_GROUP_MEMBERS - 1) throw new HearthError('invalid-arguments', `A group holds at most ${MAX_GROUP_MEMBERS} people, you included.`);
  return commitChange(ctx, sends, conversationId, group, { action: 'added', name: group.name, members: next, targets: added, recipients: next, stillMember: true, rotate: true });
}

export async function removeMember(ctx: MessagingContext, sends: Outbox, conversationId: string, memberId: string): Promise<ConversationSummary> {
  const { group, members } = requireGroup(ctx, conversationId);
  if (memberId === ctx.self.name) throw new HearthError('invalid-arguments', 'To remove yourself, leave the group.');
  if (!members.includes(memberId)) throw new HearthError('not-found', `${memberId} is not a member of this group.`);
  const next = members.filter((m) => m !== memberId);
  // The removed member is told too (they see they were removed); they get nothing sent after.
  return commitChange(ctx, sends, conversationId, group, { action: 'removed', name: group.name, members: next, targets: [memberId], recipients: members, stillMember: true, rotate: true });
}

export async function leaveGroup(ctx: MessagingContext, sends: Outbox, conversationId: string): Promise<ConversationSummary> {
  const { group, members } = requireGroup(ctx, conversationId);
  return commitChange(ctx, sends, conversationId, group, { action: 'left', name: group.name, members, targets: [], recipients: members, stillMember: false, rotate: true });
}

/** Our groups with this exact name (names are how the CLI names groups). */
export function groupsNamed(ctx: MessagingContext, name: string): ConversationSummary[] {
  const rows = ctx.vault.read((db) => groups.all(db)).filter((g) => g.name === name);
  return rows.map((g) => requireConversation(ctx, g.conversationId));
}

export function listGroups(ctx: MessagingContext): ConversationSummary[] {
  return ctx.vault.read((db) => groups.all(db)).map((g) => requireConversation(ctx, g.conversationId));
}
