import { HearthError, type ConversationSummary, type Message, type MessageCursor, type SearchHit } from '../../../shared/api';
import { conversations, expiry, messages, messaging, outbox, search } from '../vault';
import { encodeReceipt, ReceiptType, unhex } from './content';
import type { MessagingContext } from './context';
import type { Outbox } from './outbox';
import { conversationView, conversationViews, messageView, messageViews } from './views';

/** Conversations, message pages, read state and search: what the chat list and chat view read. */

export function listConversations(ctx: MessagingContext, includeArchived = false): ConversationSummary[] {
  return ctx.vault.read((db) => conversationViews(db, includeArchived, ctx.now()));
}

export function requireConversation(ctx: MessagingContext, conversationId: string): ConversationSummary {
  const view = ctx.vault.read((db) => conversationView(db, conversationId, ctx.now()));
  if (!view) throw new HearthError('not-found', 'No such conversation.');
  return view;
}

export function requireMessage(ctx: MessagingContext, uid: string): Message {
  const view = ctx.vault.read((db) => messageView(db, uid));
  if (!view) throw new HearthError('not-found', 'No such message.');
  // Its disappearing time is up and the reaper (on its own timer) has not reached it yet: it is gone.
  if (typeof view.expiresAt === 'number' && view.expiresAt <= ctx.now()) {
    ctx.expiry.rearm();
    throw new HearthError('not-found', 'No such message.');
  }
  return view;
}

/**
 * A page of messages, oldest first: the newest `limit` before `before`
 * (default: the newest of all), or the `limit` just after `after`.
 */
export function messagePage(ctx: MessagingContext, conversationId: string, options: { before?: MessageCursor; after?: MessageCursor; limit?: number }): { messages: Message[]; hasMore: boolean } {
  requireConversation(ctx, conversationId);
  const limit = options.limit ?? 50;
  return ctx.vault.read((db) => {
    const page = messages.messagePage(db, conversationId, {
      before: options.before && { sentAt: options.before.sentAt, id: options.before.seq },
      after: options.after && { sentAt: options.after.sentAt, id: options.after.seq },
      limit: limit + 1,
    });
    const hasMore = page.length > limit;
    const kept = !hasMore ? page : options.after ? page.slice(0, limit) : page.slice(page.length - limit);
    // An expired message the reaper has not reached yet (it runs on its own timer) is never shown.
    const now = ctx.now();
    const live = kept.filter((m) => m.expiresAt === null || m.expiresAt > now);
    if (live.length < kept.length) ctx.expiry.rearm();
    return { messages: messageViews(db, live), hasMore };
  });
}

/**
 * Marks incoming messages read up to `upTo` (default: all) and, if the user
 * allows it, queues read receipts to their authors.
 */
export async function markRead(ctx: MessagingContext, sends: Outbox, conversationId: string, upTo?: MessageCursor): Promise<number> {
  requireConversation(ctx, conversationId);
  const now = ctx.now();
  const sendReceipts = ctx.settings().sendReadReceipts;
  const cursor = upTo ? { sentAt: upTo.sentAt, id: upTo.seq } : { sentAt: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
  const unread = ctx.vault.read((db) => messaging.unreadIncoming(db, conversationId, cursor));
  let clocksStarted = 0;
  if (unread.length > 0) {
    await ctx.vault.write((tx) => {
      messaging.markReadByIds(tx, unread.map((m) => m.id), now);
      // Disappearing messages: an incoming message's clock starts when it is read (Signal's rule).
      clocksStarted = expiry.startClocks(tx, unread.map((m) => m.id), now);
      if (!sendReceipts) return;
      const byAuthor = new Map<string, Uint8Array[]>();
      // Placeholders carry the relay's envelope id, not a message id the sender knows.
      for (const m of unread) if (m.authorId && messaging.noticeKinds(tx, [m.id]).size === 0) byAuthor.set(m.authorId, [...(byAuthor.get(m.authorId) ?? []), unhex(m.uid)]);
      for (const [recipient, ids] of byAuthor) {
        outbox.enqueue(tx, { kind: 'receipt', conversationId: null, messageId: null, recipient, payload: encodeReceipt(ReceiptType.READ, ids), nextAttemptAt: now, createdAt: now });
      }
    });
    if (sendReceipts) sends.kick();
    ctx.expiry.rearm();
  }
  const remaining = ctx.vault.read((db) => messaging.unreadCount(db, conversationId));
  if (unread.length > 0 && ctx.events.wanted) {
    // Their countdown is shown from now on.
    if (clocksStarted > 0) {
      ctx.vault.read((db) => {
        for (const m of unread) {
          const view = messageView(db, m.uid);
          if (view?.expiresAt) ctx.events.emit('messages.onDidUpdate', { message: view });
        }
      });
    }
    ctx.events.emit('conversations.onDidUpdate', { conversation: requireConversation(ctx, conversationId) });
    ctx.events.emit('app.onDidChangeUnreadCount', { total: ctx.vault.read((db) => conversations.totalUnread(db)) });
  }
  return remaining;
}

export function searchMessages(ctx: MessagingContext, query: string, options: { conversationId?: string; limit?: number }): SearchHit[] {
  return ctx.vault.read((db) =>
    search.searchMessages(db, query, { conversationId: options.conversationId, limit: options.limit ?? 50, now: ctx.now() }).map((hit) => ({
      messageId: hit.uid,
      conversationId: hit.conversationId,
      sentAt: hit.sentAt,
      snippet: hit.snippet,
    })),
  );
}
