import { ATTACHMENT_CHUNK_BYTES, type Attachment, type HearthClient } from '../../../shared/api';
import { bytesFromBase64 } from '../model/attachment-files';

/** Blobs kept for reuse (a row scrolled back into view, the viewer, "save as") up to this many bytes in all. */
const KEEP_BYTES = 64 * 1024 * 1024;
/** Larger files are read each time they are wanted rather than held: a 100 MB video saved once should not stay in the page. */
const KEEP_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Attachments read back from the core as Blobs (attachments.read, one
 * ATTACHMENT_CHUNK_BYTES piece at a time), for images, audio and saving.
 * Recently used ones are kept, so the virtualized list re-mounting a row
 * does not read the file again; the oldest go first past KEEP_BYTES.
 * Only 'ready' attachments can be read.
 */
export class AttachmentBlobs {
  private readonly kept = new Map<string, Promise<Blob>>();
  private readonly sizes = new Map<string, number>();
  private readonly settled = new Map<string, Blob>();

  constructor(private readonly client: HearthClient) {}

  get(attachment: Pick<Attachment, 'id' | 'size' | 'contentType'>): Promise<Blob> {
    const found = this.kept.get(attachment.id);
    if (found) {
      // Most recently used last.
      this.kept.delete(attachment.id);
      this.kept.set(attachment.id, found);
      return found;
    }
    const reading = this.read(attachment);
    if (attachment.size > KEEP_FILE_BYTES) return reading;
    this.kept.set(attachment.id, reading);
    this.sizes.set(attachment.id, attachment.size);
    reading.then(
      (blob) => {
        if (this.kept.get(attachment.id) === reading) this.settled.set(attachment.id, blob);
      },
      () => this.forget(attachment.id),
    );
    this.trim(attachment.id);
    return reading;
  }

  /** A kept file already read, without waiting: "save as" can then start the download within the click. */
  peek(attachmentId: string): Blob | undefined {
    return this.settled.get(attachmentId);
  }

  /** Drops every kept file: after a message is removed (expired, deleted) its bytes must not linger in the page. */
  clear(): void {
    this.kept.clear();
    this.sizes.clear();
    this.settled.clear();
  }

  forget(attachmentId: string): void {
    this.kept.delete(attachmentId);
    this.sizes.delete(attachmentId);
    this.settled.delete(attachmentId);
  }

  private async read(attachment: Pick<Attachment, 'id' | 'size' | 'contentType'>): Promise<Blob> {
    const pieces: Uint8Array<ArrayBuffer>[] = [];
    let offset = 0;
    const size = attachment.size;
    while (offset < size) {
      const piece = await this.client.call('attachments.read', { attachmentId: attachment.id, offset, length: Math.min(ATTACHMENT_CHUNK_BYTES, size - offset) });
      const bytes = bytesFromBase64(piece.data);
      // An empty piece before the end would loop forever.
      if (bytes.length === 0) throw new Error('The attachment ended early.');
      pieces.push(bytes);
      offset += bytes.length;
    }
    return new Blob(pieces, { type: attachment.contentType });
  }

  private trim(keep: string): void {
    let total = [...this.sizes.values()].reduce((sum, n) => sum + n, 0);
    for (const id of this.kept.keys()) {
      if (total <= KEEP_BYTES) break;
      if (id === keep) continue;
      total -= this.sizes.get(id) ?? 0;
      this.forget(id);
    }
  }
}
