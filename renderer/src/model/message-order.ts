import type { Message, MessageCursor } from '../../../shared/api';

/** Messages are ordered by (sentAt, seq), the same order as the core's cursors. */
export function compareMessages(a: Pick<Message, 'sentAt' | 'seq'>, b: Pick<Message, 'sentAt' | 'seq'>): number {
  return a.sentAt - b.sentAt || a.seq - b.seq;
}

export function cursorOf(message: Pick<Message, 'sentAt' | 'seq'>): MessageCursor {
  return { sentAt: message.sentAt, seq: message.seq };
}

/**
 * `existing` with `incoming` merged in, in order, one entry per id (an
 * incoming copy replaces the old one: it is newer). `existing` must already be
 * in order; the common cases (append newer, prepend older) copy no more than
 * one array.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing.slice();
  const byId = new Map(incoming.map((m) => [m.id, m]));
  const kept = existing.filter((m) => !byId.has(m.id));
  const added = [...byId.values()].sort(compareMessages);
  const first = kept[0];
  const last = kept[kept.length - 1];
  const firstAdded = added[0];
  const lastAdded = added[added.length - 1];
  if (!first || !last || !firstAdded || !lastAdded) return kept.length ? kept : added;
  if (compareMessages(lastAdded, first) < 0) return [...added, ...kept];
  if (compareMessages(firstAdded, last) > 0) return [...kept, ...added];
  return [...kept, ...added].sort(compareMessages);
}

/** `messages` with the one whose id matches replaced; the same array when it is not there. */
export function replaceMessage(messages: readonly Message[], updated: Message): readonly Message[] {
  const index = messages.findIndex((m) => m.id === updated.id);
  if (index < 0) return messages;
  const next = messages.slice();
  next[index] = updated;
  return next;
}
