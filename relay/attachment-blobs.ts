import { mkdir, mkdtemp, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Attachment ids: 16 random bytes in base64url. Checked before any id becomes a file name. */
export const ATTACHMENT_ID = /^[A-Za-z0-9_-]{22}$/;

export type BlobWriteOutcome = 'stored' | 'too-large' | 'too-short';

class TooLarge extends Error {}

/** An upload goes to disk in writes of about this size. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** One writev of `chunks`; a short write (rare: a signal, a full disk) finishes with the rest. */
async function writeAll(handle: FileHandle, chunks: Buffer[], total: number): Promise<void> {
  const { bytesWritten } = await handle.writev(chunks);
  if (bytesWritten < total) await handle.write(Buffer.concat(chunks).subarray(bytesWritten));
}

/** Each of a download's two read buffers. */
const COPY_BUFFER_BYTES = 256 * 1024;

/** Writes `chunk`; resolves once `out` is done with its memory (the callback), rejects if `out` closes first. */
function writeChunk(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = () => reject(new Error('The download broke off.'));
    out.once('close', closed);
    out.write(chunk, (error) => {
      out.off('close', closed);
      if (error) reject(error);
      else resolve();
    });
  });
}

/**
 * Attachment ciphertext as files, one per attachment, in <data>/attachments
 * (a private temp folder with --memory). Blobs stay on disk even with Redis:
 * several nodes serving attachments need this folder on shared storage.
 */
export class AttachmentBlobs {
  private constructor(
    private readonly dir: string,
    private readonly temporary: boolean,
  ) {}

  static async open(dataDir: string | undefined): Promise<AttachmentBlobs> {
    if (!dataDir) return new AttachmentBlobs(await mkdtemp(path.join(tmpdir(), 'hearth-relay-attachments-')), true);
    const dir = path.join(dataDir, 'attachments');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new AttachmentBlobs(dir, false);
  }

  /**
   * Streams exactly `size` bytes to disk (synced before it resolves 'stored');
   * more or fewer leaves nothing behind. The request's own buffers are
   * written about a MiB at a time (one writev) while the next ones arrive:
   * no stream pipeline, no copies.
   */
  async write(id: string, body: Readable, size: number): Promise<BlobWriteOutcome> {
    const partial = this.file(id) + '.part';
    const handle = await open(partial, 'w', 0o600);
    let received = 0;
    try {
      let batch: Buffer[] = [];
      let batchBytes = 0;
      let writing: Promise<void> = Promise.resolve();
      for await (const chunk of body as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > size) throw new TooLarge();
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH_BYTES) {
          await writing;
          writing = writeAll(handle, batch, batchBytes);
          // Awaited with the next batch; a failure meanwhile must not count as an unhandled rejection.
          writing.catch(() => undefined);
          batch = [];
          batchBytes = 0;
        }
      }
      await writing;
      if (batchBytes > 0) await writeAll(handle, batch, batchBytes);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(partial, { force: true });
      if (error instanceof TooLarge) return 'too-large';
      throw error;
    }
    await handle.close();
    if (received < size) {
      await rm(partial, { force: true });
      return 'too-short';
    }
    await rename(partial, this.file(id));
    return 'stored';
  }

  /**
   * Copies the blob into `out` (the download's response) through two buffers
   * used in turn: one is read while the other is written, and a download
   * leaves no garbage per read (the relay's collector was its largest cost).
   * Resolves once everything is handed to `out`; rejects if `out` closes first.
   */
  async copyTo(id: string, out: Writable): Promise<void> {
    const handle = await open(this.file(id), 'r');
    try {
      let buffer = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
      let other = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
      let writing: Promise<void> = Promise.resolve();
      for (;;) {
        // The buffer read now was last written two turns ago, and that write was awaited a turn ago.
        [buffer, other] = [other, buffer];
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        await writing;
        if (bytesRead === 0) break;
        writing = writeChunk(out, buffer.subarray(0, bytesRead));
        // Awaited on the next turn; until then a broken-off download must not count as an unhandled rejection.
        writing.catch(() => undefined);
      }
    } finally {
      await handle.close();
    }
  }

  async delete(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
    await rm(this.file(id) + '.part', { force: true });
  }

  /** Deletes blobs (and abandoned partial uploads) older than the attachment TTL; returns how many. */
  async sweep(olderThan: number): Promise<number> {
    let deleted = 0;
    for (const name of await readdir(this.dir)) {
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && info.mtimeMs < olderThan) {
        await rm(file, { force: true });
        deleted++;
      }
    }
    return deleted;
  }

  async close(): Promise<void> {
    if (this.temporary) await rm(this.dir, { recursive: true, force: true });
  }

  private file(id: string): string {
    if (!ATTACHMENT_ID.test(id)) throw new RangeError('Not an attachment id.');
    return path.join(this.dir, id);
  }
}
