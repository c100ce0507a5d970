import { HearthError } from '../../../shared/api';
import { conversations, groups, outbox, type SqlWriter } from '../vault';
import type { OutboxKind } from './context';
import { encodeSenderKeyDistribution, withGroupContext } from './group-content';

/** What goes to everyone in a conversation. */
export interface ConversationPayload {
  /** 'message' for anything the other side stores (data, reaction, edit, delete, timer); 'typing' is dropped when stale. */
  readonly kind: Extract<OutboxKind, 'message' | 'typing'>;
  /** Our message row this payload carries (its status follows the sends), or null. */
  readonly messageId: number | null;
  /** An encoded Content (content.ts / group-content.ts), not yet encrypted. */
  readonly payload: Uint8Array;
  readonly now: number;
}

/**
 * THE way to send something to a conversation: call it inside the vault write
 * that stores what it is about, then `outbox.kick()` after the commit.
 *
 * - Direct: one outbox entry for the contact (encrypted per device by the outbox).
 * - Group: one outbox entry per other member, all pointing at one group send;
 *   the outbox encrypts the payload ONCE with our sender key and seals that
 *   ciphertext (with the group id) to each member device, so the relay sees
 *   only sealed envelopes. Members that do not hold our current sender key
 *   get our SenderKeyDistribution first, over the one-to-one session. The
 *   group is stamped into data and typing payloads (GroupContext).
 *
 * Throws HearthError 'invalid-arguments' for a group we are no longer in.
 * Returns the outbox entry ids.
 */
export function enqueueForConversation(tx: SqlWriter, conversationId: string, entry: ConversationPayload): number[] {
  const conversation = conversations.getConversation(tx, conversationId);
  if (!conversation) throw new HearthError('not-found', 'No such conversation.');
  const base = { conversationId, messageId: entry.messageId, nextAttemptAt: entry.now, createdAt: entry.now };
  if (conversation.type === 'direct') {
    if (!conversation.contactId) throw new HearthError('internal', 'A direct conversation without a contact.');
    return [outbox.enqueue(tx, { ...base, kind: entry.kind, recipient: conversation.contactId, payload: entry.payload })];
  }
  const group = groups.byConversation(tx, conversationId);
  if (!group || !group.isMember) throw new HearthError('invalid-arguments', 'You are no longer a member of this group.');
  const members = groups.members(tx, conversationId);
  if (members.length === 0) return [];
  const payload = withGroupContext(entry.payload, group.groupId, group.revision);
  const sendId = groups.insertSend(tx, { conversationId, distributionId: group.distributionId, now: entry.now });
  const holders = groups.keyHolders(tx, conversationId, group.distributionId);
  const ids: number[] = [];
  for (const member of members) {
    if (!holders.has(member)) {
      // The distribution message itself is made by the outbox (once per distribution, before the first group message under it).
      const keyEntry = outbox.enqueue(tx, { conversationId: null, messageId: null, nextAttemptAt: entry.now, createdAt: entry.now, kind: 'sender-key', recipient: member, payload: encodeSenderKeyDistribution(group.groupId, new Uint8Array(0)) });
      groups.setOutboxGroupSend(tx, keyEntry, sendId);
      groups.addKeyHolder(tx, conversationId, member, group.distributionId);
      ids.push(keyEntry);
    }
    const id = outbox.enqueue(tx, { ...base, kind: entry.kind, recipient: member, payload });
    groups.setOutboxGroupSend(tx, id, sendId);
    ids.push(id);
  }
  return ids;
}
