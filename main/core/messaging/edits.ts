import { HearthError, type Message, type MessageVersion } from '../../../shared/api';
import { messaging } from '../vault';
import { DELETE_FOR_EVERYONE_MS, encodeDelete, encodeEdit } from './content';
import type { MessagingContext } from './context';
import { requireConversation, requireMessage } from './conversations';
import { enqueueForConversation } from './fan-out';
import type { Outbox } from './outbox';
import { removeMessages } from './removal';
import { requireSendable } from './send';

/**
 * Edits and deletes of messages (docs/messaging.md, "Edits and deletes").
 * Only the author edits or deletes for everyone; the local change and the
 * outbox entry that tells the other side are one vault commit.
 */

/** Throws a HearthError saying why if we may not send in the conversation (held, or a group we left). */
function checkSendable(ctx: MessagingContext, conversationId: string): void {
  requireSendable(requireConversation(ctx, conversationId));
}

function requireOwn(ctx: MessagingContext, uid: string, what: string): Message {
  const message = requireMessage(ctx, uid);
  if (message.kind !== 'text' || message.direction !== 'outgoing') throw new HearthError('invalid-arguments', `Only your own messages can be ${what}.`);
  if (message.deleted) throw new HearthError('invalid-arguments', 'That message was deleted.');
  return message;
}

export async function editMessage(ctx: MessagingContext, sends: Outbox, uid: string, body: string): Promise<Message> {
  if (body.length === 0) throw new HearthError('invalid-arguments', 'An edit needs the new text.');
  const message = requireOwn(ctx, uid, 'edited');
  checkSendable(ctx, message.conversationId);
  if (body === message.body) return message;
  const now = ctx.now();
  await ctx.vault.write((tx) => {
    const own = messaging.authoredMessage(tx, uid, message.conversationId, null);
    if (!own || own.body === null) throw new HearthError('not-found', 'No such message.');
    const previousAt = Number(tx.get('SELECT coalesce(edited_at, sent_at) AS at FROM messages WHERE id = ?', [own.id])?.at ?? own.sentAt);
    messaging.editMessage(tx, own.id, own.body, body, previousAt, now);
    enqueueForConversation(tx, message.conversationId, { kind: 'message', messageId: null, payload: encodeEdit(Buffer.from(uid, 'hex'), body, now), now });
  });
  return announce(ctx, sends, uid);
}

export function editHistory(ctx: MessagingContext, uid: string): MessageVersion[] {
  const message = requireMessage(ctx, uid);
  return ctx.vault.read((db) => messaging.editHistory(db, message.seq)).map((v) => ({ body: v.body, at: v.at }));
}

/** For everyone: only our own, within 24 h of sending; here: just removes our copy. */
export async function deleteMessage(ctx: MessagingContext, sends: Outbox, uid: string, forEveryone: boolean): Promise<void> {
  if (!forEveryone) {
    requireMessage(ctx, uid);
    await removeMessages(ctx, { uids: [uid] });
    return;
  }
  const message = requireOwn(ctx, uid, 'deleted for everyone');
  const now = ctx.now();
  if (now - message.sentAt > DELETE_FOR_EVERYONE_MS) throw new HearthError('invalid-arguments', 'Messages can be deleted for everyone only within 24 hours of sending them.');
  checkSendable(ctx, message.conversationId);
  const unreferenced = await ctx.vault.write((tx) => {
    enqueueForConversation(tx, message.conversationId, { kind: 'message', messageId: null, payload: encodeDelete(Buffer.from(uid, 'hex'), now), now });
    return messaging.tombstoneMessage(tx, message.seq, now);
  });
  ctx.vault.attachments.removeFiles(unreferenced);
  ctx.expiry.removed();
  await announce(ctx, sends, uid);
}

async function announce(ctx: MessagingContext, sends: Outbox, uid: string): Promise<Message> {
  const updated = requireMessage(ctx, uid);
  ctx.events.emit('messages.onDidUpdate', { message: updated });
  sends.kick();
  return Promise.resolve(updated);
}
