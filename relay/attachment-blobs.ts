import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Attachment ids: 16 random bytes in base64url. Checked before any id becomes a file name. */
export const ATTACHMENT_ID = /^[A-Za-z0-9_-]{22}$/;

export type BlobWriteOutcome = 'stored' | 'too-large' | 'too-short';

class TooLarge extends Error {}

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

  /** Streams exactly `size` bytes to disk (flushed before it resolves 'stored'); more or fewer leaves nothing behind. */
  async write(id: string, body: Readable, size: number): Promise<BlobWriteOutcome> {
    const partial = this.file(id) + '.part';
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(received > size ? new TooLarge() : null, chunk);
      },
    });
    const file = createWriteStream(partial, { flags: 'w', mode: 0o600, flush: true });
    try {
      await pipeline(body, counter, file);
    } catch (error) {
      // The file may still be opening; remove it only once it is closed, or it would come back.
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await rm(partial, { force: true });
      if (error instanceof TooLarge) return 'too-large';
      throw error;
    }
    if (received < size) {
      await rm(partial, { force: true });
      return 'too-short';
    }
    await rename(partial, this.file(id));
    return 'stored';
  }

  read(id: string): ReadStream {
    return createReadStream(this.file(id));
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
