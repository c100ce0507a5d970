import { HearthError, type Message } from '../../../shared/api';
import { randomBytes } from 'node:crypto';
import { hasUsableSession, isProtocolError } from '../protocol';
import { applyProtocolWrites } from '../protocol/vault-storage';
import { messages, messaging, outbox, protocol as protocolRows } from '../vault';
import { encodeData, encodeReaction, QUOTE_TEXT_LENGTH, encodeTyping, hex, MAX_REACTION_LENGTH, newMessageId, TypingAction } from './content';
import type { MessagingContext } from './context';
import type { Outbox } from './outbox';
import { requireConversation, requireMessage } from './conversations';
import { encryptEnvelope } from './sealed-sender';
import { timerSeconds } from './disappearing';
import { enqueueForConversation } from './fan-out';
import type { ConversationSummary } from '../../../shared/api';
import { OWN_REACTION, toMessage } from './views';

/**
 * What the user sends: a message is written as 'pending' to the vault and to
 * the outbox in ONE durable commit before anything else happens, so it
 * survives a crash and goes out on the next connection.
 */
export async function sendMessage(ctx: MessagingContext, sends: Outbox, conversationId: string, body: string, replyTo?: string): Promise<Message> {
  const conversation = requireConversation(ctx, conversationId);
  const quoted = replyTo === undefined ? null : requireMessage(ctx, replyTo);
  if (quoted && (quoted.conversationId !== conversationId || quoted.kind !== 'text' || quoted.deleted)) throw new HearthError('invalid-arguments', 'A reply must quote a message of the same conversation.');
  if (conversation.type === 'group') return sendGroupMessage(ctx, sends, conversation, body, quoted);
  const recipient = requireSendable(conversation);
  if (recipient === null) throw new HearthError('internal', 'A direct conversation without a contact.');
  const id = newMessageId();
  const uid = hex(id);
  const now = ctx.now();
  const quote = quoted ? { id: Buffer.from(quoted.id, 'hex'), author: quoted.authorId ?? ctx.self.name, text: (quoted.body ?? '').slice(0, QUOTE_TEXT_LENGTH) } : undefined;
  // The message's clock starts now (Signal's rule for outgoing messages); the recipient's when they read it.
  const expiresInMs = conversation.expireTimerMs ?? null;
  const expiresAt = expiresInMs === null ? null : now + expiresInMs;
  const payload = encodeData(id, body, now, quote, timerSeconds(expiresInMs));
  const devices = ctx.vault.read((db) => protocolRows.sessionDeviceIds(db, recipient));
  // With sessions in hand, the ciphertexts are made now and committed with the message: one
  // durable write, and the outbox can hand them to the relay at once. Otherwise (first contact,
  // a reset pending) the outbox fetches bundles first.
  const seal = await ctx.sealedSender.sealFor(recipient, false);
  const row = await ctx.protocol.transact(
    async (tx) => {
      const ready = devices.length > 0 && !ctx.vault.read((db) => messaging.outboxEntriesFor(db, recipient, 'session-reset').length > 0);
      for (const deviceId of devices) if (!ready || !(await hasUsableSession(tx, { name: recipient, deviceId }))) return [];
      const out = [];
      try {
        for (const deviceId of devices) out.push({ deviceId, ...(await encryptEnvelope(tx, { name: recipient, deviceId }, payload, seal)) });
      } catch (error) {
        if (isProtocolError(error, 'untrusted-identity')) throw error;
        // Anything else: the message is still stored, and the outbox prepares it the long way.
        return [];
      }
      return out;
    },
    async (writes, prepared) => {
      await ctx.vault.write((tx) => {
        applyProtocolWrites(tx, writes, now);
        const messageId = messages.insertMessage(tx, { uid, conversationId, authorId: null, direction: 'outgoing', body, status: 'pending', sentAt: now, receivedAt: now, replyToUid: quoted?.id ?? null, expiresInMs, expiresAt });
        const outboxId = outbox.enqueue(tx, { kind: 'message', conversationId, messageId, recipient, payload, nextAttemptAt: now, createdAt: now });
        for (const d of prepared) messaging.putDelivery(tx, { outboxId, deviceId: d.deviceId, submissionId: randomBytes(16), envelopeType: d.envelopeType, ciphertext: d.ciphertext, sent: false });
      });
    },
  ).then(() => ctx.vault.read((db) => messaging.messageIdByUid(db, uid) ?? 0));
  const message = toMessage(
    { id: row, uid, conversationId, authorId: null, direction: 'outgoing', body, status: 'pending', sentAt: now, receivedAt: now, readAt: null, expiresInMs, expiresAt, replyToUid: quoted?.id ?? null, reactions: [], attachments: [] },
    'text',
  );
  if (expiresAt !== null) ctx.expiry.rearm();
  ctx.events.emit('messages.onDidAdd', { message });
  if (ctx.events.wanted) ctx.events.emit('conversations.onDidUpdate', { conversation: requireConversation(ctx, conversationId) });
  sends.kick();
  return message;
}

/**
 * Whom a conversation's messages go to: the contact of a direct conversation
 * (unless sending is held), or null for a group we are still a member of.
 */
export function requireSendable(conversation: ConversationSummary): string | null {
  if (conversation.type === 'group') {
    if (conversation.isMember === false) throw new HearthError('invalid-arguments', 'You are no longer a member of this group.');
    return null;
  }
  const recipient = conversation.contactId;
  if (!recipient) throw new HearthError('internal', 'A direct conversation without a contact.');
  if (conversation.sendingHeld) throw new HearthError('untrusted-identity', `The safety number with ${recipient} changed. Review it and accept the change before sending.`);
  return recipient;
}

/** A group message: stored 'pending' and handed to the group fan-out in one commit. */
async function sendGroupMessage(ctx: MessagingContext, sends: Outbox, conversation: ConversationSummary, body: string, quoted: Message | null): Promise<Message> {
  requireSendable(conversation);
  const id = newMessageId();
  const uid = hex(id);
  const now = ctx.now();
  const quote = quoted ? { id: Buffer.from(quoted.id, 'hex'), author: quoted.authorId ?? ctx.self.name, text: (quoted.body ?? '').slice(0, QUOTE_TEXT_LENGTH) } : undefined;
  const expiresInMs = conversation.expireTimerMs ?? null;
  const expiresAt = expiresInMs === null ? null : now + expiresInMs;
  const payload = encodeData(id, body, now, quote, timerSeconds(expiresInMs));
  const row = await ctx.vault.write((tx) => {
    const messageId = messages.insertMessage(tx, { uid, conversationId: conversation.id, authorId: null, direction: 'outgoing', body, status: 'pending', sentAt: now, receivedAt: now, replyToUid: quoted?.id ?? null, expiresInMs, expiresAt });
    enqueueForConversation(tx, conversation.id, { kind: 'message', messageId, payload, now });
    return messageId;
  });
  const message = toMessage(
    { id: row, uid, conversationId: conversation.id, authorId: null, direction: 'outgoing', body, status: 'pending', sentAt: now, receivedAt: now, readAt: null, expiresInMs, expiresAt, replyToUid: quoted?.id ?? null, reactions: [], attachments: [] },
    'text',
  );
  if (expiresAt !== null) ctx.expiry.rearm();
  ctx.events.emit('messages.onDidAdd', { message });
  if (ctx.events.wanted) ctx.events.emit('conversations.onDidUpdate', { conversation: requireConversation(ctx, conversation.id) });
  sends.kick();
  return message;
}

/** Sends a failed message again, to the devices that have not got it. */
export async function retryMessage(ctx: MessagingContext, sends: Outbox, uid: string): Promise<Message> {
  const message = requireMessage(ctx, uid);
  if (message.direction !== 'outgoing' || message.kind !== 'text') throw new HearthError('invalid-arguments', 'Only your own messages can be sent again.');
  if (message.status !== 'failed') return message;
  const now = ctx.now();
  await ctx.vault.write((tx) => {
    const groupEntries = tx.all('SELECT o.id FROM outbox o JOIN conversations c ON c.id = o.conversation_id WHERE o.message_id = ? AND c.type = ?', [message.seq, 'group']).map((r) => Number(r.id));
    const entry = messaging.outboxForMessage(tx, message.seq);
    if (groupEntries.length > 0) {
      for (const e of groupEntries) {
        messaging.removeUnsentDeliveries(tx, e);
        messaging.resetOutboxSchedule(tx, e, now);
      }
    } else if (requireConversation(ctx, message.conversationId).type === 'group') {
      enqueueForConversation(tx, message.conversationId, { kind: 'message', messageId: message.seq, payload: encodeData(Buffer.from(uid, 'hex'), message.body ?? '', message.sentAt, undefined, timerSeconds(message.expireTimerMs ?? null)), now });
    } else if (entry !== null) {
      messaging.removeUnsentDeliveries(tx, entry);
      messaging.resetOutboxSchedule(tx, entry, now);
    } else {
      const conversation = tx.get('SELECT contact_id FROM conversations WHERE id = ?', [message.conversationId]);
      const recipient = typeof conversation?.contact_id === 'string' ? conversation.contact_id : null;
      if (!recipient) throw new HearthError('not-found', 'No such conversation.');
      outbox.enqueue(tx, { kind: 'message', conversationId: message.conversationId, messageId: message.seq, recipient, payload: encodeData(Buffer.from(uid, 'hex'), message.body ?? '', message.sentAt, undefined, timerSeconds(message.expireTimerMs ?? null)), nextAttemptAt: now, createdAt: now });
    }
    messages.setMessageStatus(tx, uid, 'pending');
  });
  const updated = requireMessage(ctx, uid);
  ctx.events.emit('messages.onDidUpdate', { message: updated });
  sends.kick();
  return updated;
}

/** Typing indicators are best effort: sent only while online, dropped when stale. */
export async function setTyping(ctx: MessagingContext, sends: Outbox, conversationId: string, typing: boolean): Promise<void> {
  const conversation = requireConversation(ctx, conversationId);
  if (!ctx.settings().sendTypingIndicators || !ctx.connection.isOnline || conversation.sendingHeld || conversation.isMember === false) return;
  const now = ctx.now();
  const payload = encodeTyping(typing ? TypingAction.STARTED : TypingAction.STOPPED, now);
  await ctx.vault.write((tx) => {
    if (conversation.type === 'group') enqueueForConversation(tx, conversationId, { kind: 'typing', messageId: null, payload, now });
    else if (conversation.contactId) outbox.enqueue(tx, { kind: 'typing', conversationId: null, messageId: null, recipient: conversation.contactId, payload, nextAttemptAt: now, createdAt: now });
  });
  sends.kick();
}

/** Sets (or with null, removes) our one reaction to a message, here and for the other side. */
export async function react(ctx: MessagingContext, sends: Outbox, uid: string, emoji: string | null): Promise<Message> {
  const message = requireMessage(ctx, uid);
  if (message.kind !== 'text') throw new HearthError('invalid-arguments', 'Only messages can have reactions.');
  if (emoji !== null && (emoji.length === 0 || emoji.length > MAX_REACTION_LENGTH)) throw new HearthError('invalid-arguments', 'A reaction is one emoji.');
  requireSendable(requireConversation(ctx, message.conversationId));
  const now = ctx.now();
  await ctx.vault.write((tx) => {
    messages.setReaction(tx, message.seq, OWN_REACTION, emoji, now);
    enqueueForConversation(tx, message.conversationId, { kind: 'message', messageId: null, payload: encodeReaction(Buffer.from(uid, 'hex'), emoji, now), now });
  });
  const updated = requireMessage(ctx, uid);
  ctx.events.emit('messages.onDidUpdate', { message: updated });
  sends.kick();
  return updated;
}
