import { ProtocolError } from './errors';

/**
 * Message content is padded before encryption so the ciphertext length tells
 * the relay (and anyone watching) only a size bucket, not the length of what
 * was said. The format is ISO/IEC 7816-4 style, as Signal uses: the content,
 * one 0x80 terminator byte, then zeros up to the bucket size.
 *
 * Buckets are powers of two from 256 bytes to 64 KiB (a short chat message and
 * an empty one look the same), then whole multiples of 64 KiB. That costs at
 * most twice the size for small content, which for chat text is a few hundred
 * bytes; Signal's 160-byte steps would leak more about short messages.
 */
export const MIN_PADDED_LENGTH = 256;
export const LARGE_PADDING_STEP = 64 * 1024;
const TERMINATOR = 0x80;

/** The bucket a content of `contentLength` bytes is padded to (terminator included). */
export function paddedLength(contentLength: number): number {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) throw new RangeError('contentLength must be a non-negative integer');
  const needed = contentLength + 1;
  if (needed > LARGE_PADDING_STEP) return Math.ceil(needed / LARGE_PADDING_STEP) * LARGE_PADDING_STEP;
  let bucket = MIN_PADDED_LENGTH;
  while (bucket < needed) bucket *= 2;
  return bucket;
}

export function padContent(content: Uint8Array): Uint8Array<ArrayBuffer> {
  const padded = new Uint8Array(paddedLength(content.length));
  padded.set(content);
  padded[content.length] = TERMINATOR;
  return padded;
}

/**
 * Strip padding, refusing anything a Hearth sender would not have produced: a
 * missing terminator, or a length that is not the smallest bucket for its content.
 */
export function unpadContent(padded: Uint8Array): Uint8Array<ArrayBuffer> {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (end < 0 || padded[end] !== TERMINATOR || paddedLength(end) !== padded.length) {
    throw new ProtocolError('invalid-padding', 'The message was not padded the way Hearth pads messages.');
  }
  return padded.slice(0, end);
}
