import { randomBytes } from 'node:crypto';
import type { IdentityChangeNotice } from '../protocol';
import { contacts, conversations, messages, messaging, type SqlWriter } from '../vault';
import type { MessagingContext } from './context';
import { directConversationId } from './views';

/**
 * A contact's identity key changed: put a notice in the conversation and mark
 * the contact 'changed' (the protocol layer has already kept the new key and,
 * for a verified contact, held sending). Runs inside the caller's vault write.
 */
export function recordIdentityNotice(tx: SqlWriter, notice: IdentityChangeNotice, now: number): string {
  ensureDirectConversation(tx, notice.name, now);
  const uid = randomBytes(16).toString('hex');
  const id = messages.insertMessage(tx, {
    uid,
    conversationId: directConversationId(notice.name),
    authorId: null,
    direction: 'incoming',
    body: null,
    status: 'received',
    sentAt: now,
    receivedAt: now,
  });
  messaging.setMessageKind(tx, id, 'identity-changed');
  // A notice is not something to read: it does not count as unread.
  messaging.markReadByIds(tx, [id], now);
  contacts.setVerification(tx, notice.name, 'changed', now);
  return uid;
}

/** The contact and its direct conversation, created on first contact from either side. */
export function ensureDirectConversation(tx: SqlWriter, username: string, now: number): string {
  if (!contacts.getContact(tx, username)) contacts.upsertContact(tx, { id: username, displayName: null, now });
  const id = directConversationId(username);
  if (!conversations.getConversation(tx, id)) conversations.createDirectConversation(tx, { id, contactId: username, now });
  return id;
}

/** After the commit: tell the UI. */
export function announceIdentityChange(ctx: MessagingContext, notice: IdentityChangeNotice): void {
  ctx.events.emit('contacts.onDidChangeIdentity', { contactId: notice.name, conversationId: directConversationId(notice.name), sendingHeld: notice.sendingHeld });
}
