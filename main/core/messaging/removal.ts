import { conversations, expiry, type SqlReader } from '../vault';
import type { MessagingContext } from './context';
import { conversationView } from './views';

/**
 * Removing messages from this device: one path for delete-for-me and for
 * disappearing messages (docs/messaging.md, "Disappearing messages"). The
 * rows, their reactions, edit history, search entries, attachment rows and
 * outbox entries go in ONE vault commit; then the sealed attachment files,
 * then the events. The journal still holds the removed plaintext until the
 * next compaction, which `ctx.expiry.removed()` brings forward.
 */

export type Removal = { readonly uids: readonly string[] } | { readonly expiredAt: number };

export interface RemovedMessages {
  readonly messageIds: readonly string[];
  readonly conversationIds: ReadonlySet<string>;
}

export async function removeMessages(ctx: MessagingContext, which: Removal): Promise<RemovedMessages> {
  const select = (db: SqlReader) => ('uids' in which ? expiry.idsByUid(db, which.uids) : expiry.expiredIds(db, which.expiredAt));
  if (ctx.vault.read(select).length === 0) return { messageIds: [], conversationIds: new Set() };
  // Selected again inside the write: a commit in between may have changed what is there.
  const { removed, attachmentIds } = await ctx.vault.write((tx) => expiry.deleteMessages(tx, select(tx)));
  ctx.vault.attachments.removeFiles(attachmentIds);
  const conversationIds = new Set(removed.map((m) => m.conversationId));
  if (removed.length > 0) ctx.expiry.removed();
  if (ctx.events.wanted && removed.length > 0) {
    for (const m of removed) ctx.events.emit('messages.onDidRemove', { messageId: m.uid, conversationId: m.conversationId });
    ctx.vault.read((db) => {
      for (const id of conversationIds) {
        const view = conversationView(db, id);
        if (view) ctx.events.emit('conversations.onDidUpdate', { conversation: view });
      }
      if (removed.some((m) => m.unread)) ctx.events.emit('app.onDidChangeUnreadCount', { total: conversations.totalUnread(db) });
    });
  }
  return { messageIds: removed.map((m) => m.uid), conversationIds };
}
