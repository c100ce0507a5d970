import type { Message } from '../../../shared/api';

/**
 * The core's rule for delete for everyone (main/core/messaging/content.ts):
 * only your own messages, within 24 hours of sending. After that the option
 * is not offered at all.
 */
export const DELETE_FOR_EVERYONE_MS = 24 * 60 * 60 * 1000;

/** What a person may do with a message: which actions its bar and menu offer. */
export interface MessageAbilities {
  readonly reply: boolean;
  readonly react: boolean;
  readonly edit: boolean;
  readonly deleteForEveryone: boolean;
  readonly history: boolean;
}

export function abilitiesOf(message: Message, now: number, canSend: boolean): MessageAbilities {
  const live = message.kind === 'text' && !message.deleted;
  const ours = message.direction === 'outgoing';
  // A message not yet on the relay has nothing for the other side to attach a reply or reaction to.
  const delivered = !ours || (message.status !== 'pending' && message.status !== 'failed');
  return {
    reply: live && canSend && delivered,
    react: live && canSend && delivered,
    edit: live && canSend && ours && delivered && Boolean(message.body),
    deleteForEveryone: ours && live && canSend && delivered && now - message.sentAt < DELETE_FOR_EVERYONE_MS,
    history: live && Boolean(message.edited),
  };
}

/** A quote's excerpt: the first line, cut to a length that fits a preview. */
export function excerptOf(body: string | null, max = 120): string {
  const line = (body ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
