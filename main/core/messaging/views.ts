import { Notice, type Attachment, type Contact, type ConversationSummary, type Message } from '../../../shared/api';
import { contacts, conversations, expiry, groups, messages, messaging, type SqlReader } from '../vault';
import type { MessageAttachment as StoredAttachment, Message as StoredMessage } from '../vault/queries/messages';

/**
 * Vault rows → the contract's shapes (shared/api/messaging.ts). Reads only;
 * every function takes the reader so callers batch them inside one read.
 */

export const directConversationId = (username: string): string => `direct:${username}`;

export function toMessage(m: StoredMessage, kind: Message['kind'], marks?: { edited: boolean; deleted: boolean }, notice: Notice | null = null): Message {
  return {
    id: m.uid,
    seq: m.id,
    conversationId: m.conversationId,
    kind,
    direction: m.direction,
    authorId: m.authorId,
    body: m.body,
    status: m.status,
    sentAt: m.sentAt,
    receivedAt: m.receivedAt,
    readAt: m.readAt,
    reactions: m.reactions.map((r) => ({ reactorId: r.reactorId === OWN_REACTION ? null : r.reactorId, emoji: r.emoji, reactedAt: r.reactedAt })),
    edited: marks?.edited ?? false,
    deleted: marks?.deleted ?? false,
    replyTo: m.replyToUid,
    notice,
    expireTimerMs: m.expiresInMs,
    expiresAt: m.expiresAt,
    attachments: m.attachments.map(attachmentView),
  };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** A stored attachment as the contract shows it; the thumbnail becomes a data: URL (PNG or JPEG, by its signature). */
export function attachmentView(a: StoredAttachment): Attachment {
  const thumbnail = a.thumbnail ? Buffer.from(a.thumbnail.buffer, a.thumbnail.byteOffset, a.thumbnail.byteLength) : null;
  const state = a.state === 'uploading' || a.state === 'downloading' || a.state === 'failed' ? a.state : 'ready';
  return {
    id: a.id,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    voiceNote: a.voiceNote,
    width: a.width !== null && a.width > 0 ? a.width : null,
    height: a.height !== null && a.height > 0 ? a.height : null,
    durationMs: a.durationMs,
    thumbnail: thumbnail ? `data:${thumbnail.subarray(0, 4).equals(PNG_SIGNATURE) ? 'image/png' : 'image/jpeg'};base64,${thumbnail.toString('base64')}` : null,
    state,
    transferred: state === 'ready' ? a.size : Math.min(a.transferred, a.size),
    error: a.error,
  };
}

/** A stored notice's JSON as the contract's Notice (null if it is not one this version understands). */
export function parseNotice(json: string | undefined): Notice | null {
  if (json === undefined) return null;
  try {
    const parsed = Notice.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Our own reaction's reactor id in the vault: no username is empty, so it never collides with a contact. */
export const OWN_REACTION = '';

export function messageViews(db: SqlReader, stored: readonly StoredMessage[]): Message[] {
  const kinds = messaging.noticeKinds(
    db,
    stored.map((m) => m.id),
  );
  const marks = messaging.editMarks(
    db,
    stored.map((m) => m.id),
  );
  const withNotice = stored.filter((m) => kinds.get(m.id) === 'timer-changed' || kinds.get(m.id) === 'group-update').map((m) => m.id);
  const notices = withNotice.length > 0 ? expiry.noticesOf(db, withNotice) : new Map<number, string>();
  return stored.map((m) => toMessage(m, kinds.get(m.id) ?? 'text', marks.get(m.id), parseNotice(notices.get(m.id))));
}

export function messageView(db: SqlReader, uid: string): Message | null {
  const stored = messages.getMessageByUid(db, uid);
  return stored ? (messageViews(db, [stored])[0] ?? null) : null;
}

export function contactView(db: SqlReader, id: string): Contact | null {
  const contact = contacts.getContact(db, id);
  if (!contact) return null;
  const identity = messaging.getIdentityRow(db, id);
  return {
    id: contact.id,
    username: contact.id,
    displayName: contact.displayName,
    conversationId: conversations.directConversationWith(db, id)?.id ?? directConversationId(id),
    verified: identity?.verification === 'verified',
    identityChanged: contact.verification === 'changed',
    sendingHeld: identity?.verification === 'unverified',
    blocked: contact.blocked,
    createdAt: contact.createdAt,
  };
}

/** `now`: the last message shown is not one whose disappearing time is up. */
export function conversationView(db: SqlReader, id: string, now: number | null = null): ConversationSummary | null {
  const row = messaging.conversationSummaryRow(db, id, now);
  if (!row) return null;
  const held = row.contactId !== null && messaging.getIdentityRow(db, row.contactId)?.verification === 'unverified';
  const group = row.type === 'group' ? groups.byConversation(db, id) : null;
  const summary: ConversationSummary = {
    id: row.id,
    type: row.type,
    contactId: row.contactId,
    title: row.title ?? row.contactName ?? row.contactId ?? 'Conversation',
    unreadCount: row.unreadCount,
    lastMessage: row.lastMessageUid ? messageView(db, row.lastMessageUid) : null,
    sendingHeld: held,
    sealedSender: row.sealedSender,
    expireTimerMs: expiry.conversationTimer(db, id)?.expireTimerMs ?? null,
    archived: row.archived,
    mutedUntil: row.mutedUntil,
    updatedAt: row.updatedAt,
  };
  if (group) {
    summary.memberIds = groups.members(db, id);
    summary.isMember = group.isMember;
  }
  return summary;
}

export function conversationViews(db: SqlReader, includeArchived: boolean, now: number | null = null): ConversationSummary[] {
  return conversations
    .listConversations(db, { includeArchived })
    .map((c) => conversationView(db, c.id, now))
    .filter((c): c is ConversationSummary => c !== null);
}
