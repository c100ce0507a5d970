import { randomBytes } from 'node:crypto';
import { EXPIRE_TIMERS_MS, type ConversationSummary, type Notice } from '../../../shared/api';
import { expiry, groups, messages, type SqlWriter } from '../vault';
import { encodeTimerUpdate } from './content';
import type { MessagingContext } from './context';
import { requireConversation } from './conversations';
import { enqueueForConversation } from './fan-out';
import type { Outbox } from './outbox';
import { requireSendable } from './send';
import { messageView } from './views';

/**
 * Disappearing messages: the timer a conversation agrees on, and the notices
 * that say who changed it (docs/messaging.md, "Disappearing messages").
 * A change travels as a TimerUpdateMessage, and every DataMessage carries the
 * timer its sender had, so both sides converge on the latest one as Signal
 * does; a change older than the one in force (by the changer's clock) is ignored.
 */

/** The proto's seconds as one of the contract's timers: 0 is off; another value rounds down to the next timer (so a message is not kept longer than its sender asked), or up to the shortest, 30 s. */
export function timerFromSeconds(seconds: number): number | null {
  if (seconds <= 0) return null;
  const ms = seconds * 1000;
  let chosen: number = EXPIRE_TIMERS_MS[0];
  for (const t of EXPIRE_TIMERS_MS) if (t <= ms) chosen = t;
  return chosen;
}

export const timerSeconds = (ms: number | null): number => (ms === null ? 0 : Math.round(ms / 1000));

/**
 * An incoming message whose whole timer ran out before it arrived (its
 * recipient was offline) is never stored or shown. Its sender's copy is gone
 * by then too. Judged by the sender's timestamp.
 */
export function expiredOnArrival(sentAt: number, expireTimerMs: number | null, now: number): boolean {
  return expireTimerMs !== null && sentAt + expireTimerMs <= now;
}

/** Puts a 'timer-changed' notice in the conversation (it does not count as unread, and never expires). Returns its uid. */
export function recordTimerNotice(tx: SqlWriter, conversationId: string, actorId: string | null, expireTimerMs: number | null, at: number, now: number): string {
  const uid = randomBytes(16).toString('hex');
  const id = messages.insertMessage(tx, { uid, conversationId, authorId: null, direction: 'incoming', body: null, status: 'received', sentAt: at, receivedAt: now });
  const notice: Notice = { type: 'timer', actorId, expireTimerMs };
  expiry.setNotice(tx, id, 'timer-changed', JSON.stringify(notice));
  tx.run('UPDATE messages SET read_at = ? WHERE id = ?', [now, id]);
  return uid;
}

/** How far ahead of ours a peer's clock may be before its timestamps are taken as ours plus this. */
export const MAX_PEER_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * A contact's timer, from a TimerUpdateMessage or a DataMessage they sent at
 * `at` (their clock): applied, with a notice, if it differs and is not older
 * than the change in force. Returns the notice's uid, or null if nothing changed.
 */
export function applyPeerTimer(tx: SqlWriter, conversationId: string, actorId: string, expireTimerMs: number | null, claimedAt: number, now: number): string | null {
  const current = expiry.conversationTimer(tx, conversationId);
  if (!current || current.expireTimerMs === expireTimerMs) return null;
  // A change dated in the future would win against every later one until then: no later than our clock allows.
  const at = Math.min(claimedAt, now + MAX_PEER_CLOCK_SKEW_MS);
  if (current.setAt !== null && at < current.setAt) return null;
  expiry.setConversationTimer(tx, conversationId, expireTimerMs, at);
  return recordTimerNotice(tx, conversationId, actorId, expireTimerMs, at, now);
}

/** conversations.setExpireTimer: here, with a notice, and to the other side in one commit. */
export async function setExpireTimer(ctx: MessagingContext, sends: Outbox, conversationId: string, expireTimerMs: number | null): Promise<ConversationSummary> {
  const conversation = requireConversation(ctx, conversationId);
  if ((conversation.expireTimerMs ?? null) === expireTimerMs) return conversation;
  requireSendable(conversation);
  const now = ctx.now();
  const uid = await ctx.vault.write((tx) => {
    expiry.setConversationTimer(tx, conversationId, expireTimerMs, now);
    const noticeUid = recordTimerNotice(tx, conversationId, null, expireTimerMs, now, now);
    // A group's change names the group, and goes to every member through the group's fan-out.
    const groupId = conversation.type === 'group' ? groups.byConversation(tx, conversationId)?.groupId : undefined;
    enqueueForConversation(tx, conversationId, { kind: 'message', messageId: null, payload: encodeTimerUpdate(timerSeconds(expireTimerMs), now, groupId), now });
    return noticeUid;
  });
  sends.kick();
  const notice = ctx.vault.read((db) => messageView(db, uid));
  if (notice) ctx.events.emit('messages.onDidAdd', { message: notice });
  const updated = requireConversation(ctx, conversationId);
  ctx.events.emit('conversations.onDidUpdate', { conversation: updated });
  return updated;
}
