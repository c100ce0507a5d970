import type { Message } from '../../../shared/api';

let nextSeq = 1;
/** Ids come from their own counter, far from the seqs tests choose, so defaults never collide. */
let nextId = 0xa000_0000;

/** A contract Message with sensible defaults; ids are 32 hex characters as the contract requires. */
export function message(fields: Partial<Message> & { sentAt: number }): Message {
  const seq = fields.seq ?? nextSeq++;
  return {
    id: fields.id ?? (nextId++).toString(16).padStart(32, '0'),
    seq,
    conversationId: 'direct:bob',
    kind: 'text',
    direction: 'incoming',
    authorId: 'bob',
    body: `message ${seq}`,
    status: 'received',
    receivedAt: fields.sentAt,
    readAt: null,
    ...fields,
  };
}

/** Local noon on a given day, so day arithmetic never crosses midnight by accident. */
export function noon(year: number, month: number, day: number): number {
  return new Date(year, month - 1, day, 12, 0, 0).getTime();
}
