import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How an attachment is encrypted for the relay (docs/messaging.md,
 * "Attachments"): a fresh random AES-256 key per attachment; the file is cut
 * into 64 KiB chunks, each sealed with AES-256-GCM under a nonce made of its
 * index and with a final-chunk flag in the associated data, so chunks cannot
 * be changed, reordered, dropped or cut off unnoticed. The uploaded bytes are
 * the sealed chunks one after another; their SHA-256 is the digest the
 * message carries. Everything streams: one chunk in memory at a time.
 */
export const REMOTE_CHUNK_BYTES = 64 * 1024;
export const REMOTE_KEY_BYTES = 32;
const TAG_BYTES = 16;
const AAD_PREFIX = Buffer.from('hearth-attachment-v1', 'latin1');

/** Bytes uploaded for a file of `plainSize` bytes. */
export function encryptedSize(plainSize: number): number {
  return plainSize + TAG_BYTES * chunkCount(plainSize);
}

function chunkCount(plainSize: number): number {
  return Math.max(1, Math.ceil(plainSize / REMOTE_CHUNK_BYTES));
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function aad(final: boolean): Buffer {
  return Buffer.concat([AAD_PREFIX, Buffer.from([final ? 1 : 0])]);
}

export function newRemoteKey(): Buffer {
  return randomBytes(REMOTE_KEY_BYTES);
}

/** The download did not match what the message promised: changed, cut off, or too long. */
export class AttachmentIntegrityError extends Error {
  override readonly name = 'AttachmentIntegrityError';
}

/**
 * Plaintext pieces (exactly `plainSize` bytes in all) → the bytes to upload.
 * `digest()` is the SHA-256 of everything yielded, once the stream has ended.
 */
export function encryptAttachment(source: AsyncIterable<Uint8Array>, key: Uint8Array, plainSize: number): { stream: AsyncGenerator<Buffer>; digest: () => Buffer } {
  const hash = createHash('sha256');
  let digest: Buffer | null = null;
  const last = chunkCount(plainSize) - 1;
  async function* stream(): AsyncGenerator<Buffer> {
    const chunk = Buffer.allocUnsafe(REMOTE_CHUNK_BYTES);
    let filled = 0;
    let index = 0;
    let total = 0;
    // Each chunk goes out as two pieces, its ciphertext and its tag (GCM's final() adds no bytes),
    // rather than copied into one buffer: a transfer's garbage is what costs (see garbage.ts).
    const seal = (length: number): [Buffer, Buffer] => {
      const cipher = createCipheriv('aes-256-gcm', key, nonce(index), { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(index === last));
      const body = cipher.update(chunk.subarray(0, length));
      cipher.final();
      const tag = cipher.getAuthTag();
      index += 1;
      hash.update(body);
      hash.update(tag);
      return [body, tag];
    };
    for await (const piece of source) {
      total += piece.length;
      if (total > plainSize) throw new RangeError('The file grew while it was being sent.');
      let from = 0;
      while (from < piece.length) {
        const take = Math.min(piece.length - from, REMOTE_CHUNK_BYTES - filled);
        chunk.set(piece.subarray(from, from + take), filled);
        filled += take;
        from += take;
        // A full chunk goes out at once unless it is the last one (sealed below, with its flag).
        if (filled === REMOTE_CHUNK_BYTES && index < last) {
          yield* seal(filled);
          filled = 0;
        }
      }
    }
    if (total !== plainSize) throw new RangeError('The file changed size while it was being sent.');
    yield* seal(filled);
    digest = hash.digest();
  }
  return {
    stream: stream(),
    digest: () => {
      if (!digest) throw new Error('The attachment has not been encrypted to the end yet.');
      return digest;
    },
  };
}

/**
 * Downloaded bytes → plaintext pieces, checked as they come: each chunk's tag
 * before its plaintext is yielded, and at the end the length and the digest.
 * Anything wrong throws AttachmentIntegrityError; the caller discards what it
 * wrote (the plaintext so far is authentic, but the file is not whole).
 */
export async function* decryptAttachment(source: AsyncIterable<Uint8Array>, key: Uint8Array, plainSize: number, digest: Uint8Array): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  const last = chunkCount(plainSize) - 1;
  const frameBytes = REMOTE_CHUNK_BYTES + TAG_BYTES;
  const frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  let index = 0;
  const frameLength = (i: number) => (i < last ? frameBytes : plainSize - last * REMOTE_CHUNK_BYTES + TAG_BYTES);
  const open = (): Buffer => {
    if (index > last) throw new AttachmentIntegrityError('more bytes than the file has');
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(index), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(index === last));
    decipher.setAuthTag(frame.subarray(filled - TAG_BYTES, filled));
    try {
      // GCM's final() adds no bytes: the update is the whole plaintext (one buffer per chunk, not two).
      const plain = decipher.update(frame.subarray(0, filled - TAG_BYTES));
      decipher.final();
      index += 1;
      filled = 0;
      return plain;
    } catch {
      throw new AttachmentIntegrityError(`chunk ${index} failed authentication`);
    }
  };
  for await (const piece of source) {
    hash.update(piece);
    let from = 0;
    while (from < piece.length) {
      if (index > last) throw new AttachmentIntegrityError('more bytes than the file has');
      const want = frameLength(index);
      const take = Math.min(piece.length - from, want - filled);
      frame.set(piece.subarray(from, from + take), filled);
      filled += take;
      from += take;
      if (filled === want) yield open();
    }
  }
  if (index !== last + 1 || filled !== 0) throw new AttachmentIntegrityError('the download ended early');
  const actual = hash.digest();
  if (actual.length !== digest.length || !timingSafeEqual(actual, digest)) throw new AttachmentIntegrityError('the digest does not match');
}
