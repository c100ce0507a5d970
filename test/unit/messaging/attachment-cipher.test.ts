import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AttachmentIntegrityError, decryptAttachment, encryptAttachment, encryptedSize, newRemoteKey, REMOTE_CHUNK_BYTES } from '../../../main/core/messaging/attachment-cipher';

/** The client-side attachment encryption: chunked AES-256-GCM with index and final flag, SHA-256 digest of the upload. */

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of source) out.push(piece);
  return Buffer.concat(out);
}

async function encrypt(plain: Buffer, key = newRemoteKey(), pieceSize = 10_000) {
  const { stream, digest } = encryptAttachment(pieces(plain, pieceSize), key, plain.length);
  const uploaded = await collect(stream);
  return { key, uploaded, digest: digest() };
}

describe('attachment encryption', () => {
  it.each([1, 1000, REMOTE_CHUNK_BYTES - 1, REMOTE_CHUNK_BYTES, REMOTE_CHUNK_BYTES + 1, 3 * REMOTE_CHUNK_BYTES, 1_000_003])('round-trips %i bytes, whatever the piece sizes', async (size) => {
    const plain = randomBytes(size);
    const { key, uploaded, digest } = await encrypt(plain, undefined, 7919);
    expect(uploaded.length).toBe(encryptedSize(size));
    // The plaintext's first bytes do not appear in what is uploaded. (Checked from 16 bytes on: one random byte
    // turns up by chance in the 17 bytes a 1-byte file uploads as about one time in sixteen.)
    if (size >= 16) expect(uploaded.includes(plain.subarray(0, Math.min(64, size)))).toBe(false);
    for (const downloadPiece of size > 100_000 ? [4096, 100_000] : [1, 4096, 100_000]) {
      expect((await collect(decryptAttachment(pieces(uploaded, downloadPiece), key, size, digest))).equals(plain)).toBe(true);
    }
  });

  it('uses a fresh key each time: the same file uploads as different bytes', async () => {
    const plain = randomBytes(5000);
    const [a, b] = [await encrypt(plain), await encrypt(plain)];
    expect(a.uploaded.equals(b.uploaded)).toBe(false);
    expect(a.digest.equals(b.digest)).toBe(false);
  });

  it('refuses a flipped byte, a cut-off or extended download, swapped chunks, a wrong key and a wrong digest', async () => {
    const size = 3 * REMOTE_CHUNK_BYTES + 500;
    const plain = randomBytes(size);
    const { key, uploaded, digest } = await encrypt(plain);
    const frame = REMOTE_CHUNK_BYTES + 16;
    const flipped = Buffer.from(uploaded);
    flipped[frame + 10] = (flipped[frame + 10] ?? 0) ^ 1;
    const swapped = Buffer.concat([uploaded.subarray(frame, 2 * frame), uploaded.subarray(0, frame), uploaded.subarray(2 * frame)]);
    // Whole chunks dropped from the end: every remaining chunk is authentic, but the last is not marked final.
    const shortened = uploaded.subarray(0, 2 * frame);
    const cases: Array<[string, Buffer, Buffer, Buffer]> = [
      ['flipped', flipped, key, digest],
      ['truncated mid-chunk', uploaded.subarray(0, uploaded.length - 7), key, digest],
      ['whole chunks missing', shortened, key, digest],
      ['extended', Buffer.concat([uploaded, Buffer.alloc(1)]), key, digest],
      ['swapped', swapped, key, digest],
      ['wrong key', uploaded, newRemoteKey(), digest],
      ['wrong digest', uploaded, key, randomBytes(32)],
    ];
    for (const [what, bytes, k, d] of cases) {
      await expect(collect(decryptAttachment(pieces(bytes, 50_000), k, size, d)), what).rejects.toBeInstanceOf(AttachmentIntegrityError);
    }
    // A sender claiming a smaller size than it uploaded is caught too.
    await expect(collect(decryptAttachment(pieces(shortened, 50_000), key, 2 * REMOTE_CHUNK_BYTES, digest))).rejects.toBeInstanceOf(AttachmentIntegrityError);
  });

  it('refuses a source that is longer or shorter than announced', async () => {
    const plain = randomBytes(2000);
    await expect(collect(encryptAttachment(pieces(plain, 500), newRemoteKey(), 1999).stream)).rejects.toThrow(RangeError);
    await expect(collect(encryptAttachment(pieces(plain, 500), newRemoteKey(), 2001).stream)).rejects.toThrow(RangeError);
  });
});
