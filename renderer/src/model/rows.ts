import type { Message } from '../../../shared/api';
import { estimateAttachmentsHeight } from './attachment-files';
import { dayKey } from './format';

/**
 * What the message list draws, one row per entry: a day separator, a
 * message bubble, or a notice from the core (safety number changed, could
 * not decrypt, session renewed). Consecutive messages from the same side
 * within a few minutes form a group: only its first row has the gap above,
 * only its last the tail.
 */
export type Row =
  | { readonly kind: 'day'; readonly key: string; readonly time: number }
  | { readonly kind: 'message'; readonly key: string; readonly message: Message; readonly groupStart: boolean; readonly groupEnd: boolean }
  | { readonly kind: 'notice'; readonly key: string; readonly message: Message };

/** Messages further apart than this start a new group (Signal uses a similar few minutes). */
export const GROUP_GAP_MS = 3 * 60 * 1000;

function groupable(a: Message, b: Message): boolean {
  return a.kind === 'text' && b.kind === 'text' && a.direction === b.direction && a.authorId === b.authorId && b.sentAt - a.sentAt < GROUP_GAP_MS && dayKey(a.sentAt) === dayKey(b.sentAt);
}

/** Rows for messages already in order (oldest first). */
export function buildRows(messages: readonly Message[]): Row[] {
  const rows: Row[] = [];
  let previousDay: string | null = null;
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i]!;
    const day = dayKey(message.sentAt);
    if (day !== previousDay) {
      rows.push({ kind: 'day', key: `day:${day}`, time: message.sentAt });
      previousDay = day;
    }
    if (message.kind !== 'text') {
      rows.push({ kind: 'notice', key: message.id, message });
      continue;
    }
    const before = messages[i - 1];
    const after = messages[i + 1];
    rows.push({
      kind: 'message',
      key: message.id,
      message,
      groupStart: !before || !groupable(before, message),
      groupEnd: !after || !groupable(message, after),
    });
  }
  return rows;
}

/** A first guess at a row's height before it is measured (the list corrects it on paint). */
export function estimateRowHeight(row: Row): number {
  if (row.kind === 'day') return 44;
  if (row.kind === 'notice') return 44;
  const lines = Math.max(1, Math.ceil((row.message.body?.length ?? 0) / 60));
  return 22 + lines * 20 + (row.groupStart ? 8 : 2) + estimateAttachmentsHeight(row.message.attachments ?? []);
}
