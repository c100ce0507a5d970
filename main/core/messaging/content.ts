import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { randomBytes } from 'node:crypto';
import {
  AttachmentPointerSchema,
  ContentSchema,
  ReceiptMessage_Type,
  TypingMessage_Action,
  type Content,
} from '../../../shared/proto/gen/hearth/v1/content_pb';

/**
 * The plaintext inside each ciphertext (shared/proto/hearth/v1/content.proto).
 * Encoding happens before padding and encryption; decoding after. The relay
 * never sees any of it.
 */
export { ReceiptMessage_Type as ReceiptType, TypingMessage_Action as TypingAction, type Content };

export const MESSAGE_ID_BYTES = 16;

export function newMessageId(): Uint8Array {
  return randomBytes(MESSAGE_ID_BYTES);
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
export const unhex = (text: string): Uint8Array => Buffer.from(text, 'hex');

/** How much of the quoted message a reply carries. */
export const QUOTE_TEXT_LENGTH = 200;

/** `expireTimerS`: the conversation's disappearing timer in seconds (0 = off), in every DataMessage. */
export function encodeData(id: Uint8Array, body: string, timestampMs: number, quote?: { id: Uint8Array; author: string; text: string }, expireTimerS = 0): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'data', value: { id, body, timestampMs: BigInt(timestampMs), quote, expireTimerS } } }));
}

/** A disappearing-timer change; `groupId` empty for a one-to-one conversation. */
export function encodeTimerUpdate(expireTimerS: number, timestampMs: number, groupId: Uint8Array = new Uint8Array(0)): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'timerUpdate', value: { expireTimerS, groupId, timestampMs: BigInt(timestampMs) } } }));
}

/** A DataMessage carrying attachments (their pointers, in display order); the body may be empty. */
export function encodeDataWithAttachments(
  id: Uint8Array,
  body: string,
  timestampMs: number,
  attachments: readonly MessageInitShape<typeof AttachmentPointerSchema>[],
  quote?: { id: Uint8Array; author: string; text: string },
  expireTimerS = 0,
): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'data', value: { id, body, timestampMs: BigInt(timestampMs), quote, expireTimerS, attachments: [...attachments] } } }));
}

export function encodeReceipt(type: ReceiptMessage_Type, ids: readonly Uint8Array[]): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'receipt', value: { type, ids: [...ids] } } }));
}

export function encodeTyping(action: TypingMessage_Action, timestampMs: number): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'typing', value: { action, timestampMs: BigInt(timestampMs) } } }));
}

export function encodeReaction(targetId: Uint8Array, emoji: string | null, timestampMs: number): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'reaction', value: { targetId, emoji: emoji ?? '', remove: emoji === null, timestampMs: BigInt(timestampMs) } } }));
}

export function encodeEdit(targetId: Uint8Array, body: string, timestampMs: number): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'edit', value: { targetId, body, timestampMs: BigInt(timestampMs) } } }));
}

export function encodeDelete(targetId: Uint8Array, timestampMs: number): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'delete', value: { targetId, timestampMs: BigInt(timestampMs) } } }));
}

/** Delete for everyone is allowed this long after sending, on both sides. */
export const DELETE_FOR_EVERYONE_MS = 24 * 60 * 60 * 1000;

/** A reaction is one emoji (a grapheme cluster can be several code points, e.g. a flag or a family). */
export const MAX_REACTION_LENGTH = 32;

export function encodeSessionReset(): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'sessionReset', value: {} } }));
}

/** Decodes decrypted content; null for bytes that are not a Content a Hearth client would send. */
export function decodeContent(bytes: Uint8Array): Content | null {
  try {
    const content = fromBinary(ContentSchema, bytes, { readUnknownFields: false });
    if (content.body.case === 'data' && (content.body.value.id.length !== MESSAGE_ID_BYTES || (content.body.value.quote && content.body.value.quote.id.length !== MESSAGE_ID_BYTES))) return null;
    if (content.body.case === 'receipt' && content.body.value.ids.some((id) => id.length !== MESSAGE_ID_BYTES)) return null;
    if ((content.body.case === 'edit' || content.body.case === 'delete') && content.body.value.targetId.length !== MESSAGE_ID_BYTES) return null;
    if (content.body.case === 'edit' && content.body.value.body.length === 0) return null;
    if (content.body.case === 'reaction') {
      const { targetId, emoji, remove } = content.body.value;
      if (targetId.length !== MESSAGE_ID_BYTES || (!remove && (emoji.length === 0 || emoji.length > MAX_REACTION_LENGTH))) return null;
    }
    return content.body.case === undefined ? null : content;
  } catch {
    return null;
  }
}
