import { randomBytes } from 'node:crypto';
import { HearthError, type AttachmentDraft } from '../../../shared/api';
import type { AttachmentStore, AttachmentWriter } from '../vault';

/** Drafts open at once (each holds a file and one chunk of memory). */
const MAX_OPEN_DRAFTS = 32;

interface Draft {
  readonly meta: AttachmentDraft;
  readonly writer: AttachmentWriter;
}

/** A finished draft: its file is sealed in the store, not yet recorded in the database. */
export interface SealedDraft {
  readonly id: string;
  readonly key: Buffer;
  readonly size: number;
  readonly sha256: Uint8Array;
  readonly meta: AttachmentDraft;
}

/**
 * Files on their way into a message: the renderer hands a file over in
 * pieces, each sealed into the vault's attachment store as it comes (never
 * plaintext on disk). A draft lives only in memory and in a temp file in
 * the store; one not sent is discarded at lock, or by the store's sweep at
 * the next unlock if the app stopped first.
 */
export class AttachmentDrafts {
  private readonly drafts = new Map<string, Draft>();

  constructor(private readonly store: AttachmentStore) {}

  create(meta: AttachmentDraft): string {
    if (this.drafts.size >= MAX_OPEN_DRAFTS) throw new HearthError('unavailable', 'Too many files are being attached at once. Send or remove some first.');
    const id = randomBytes(16).toString('hex');
    this.drafts.set(id, { meta, writer: this.store.createWriter(id) });
    return id;
  }

  /** Appends the next piece; returns the bytes received so far. */
  append(id: string, piece: Uint8Array): number {
    const draft = this.require(id);
    if (draft.writer.written + piece.length > draft.meta.size) {
      this.discard(id);
      throw new HearthError('invalid-arguments', `The file is larger than the ${draft.meta.size} bytes announced; the draft was discarded.`);
    }
    draft.writer.append(piece);
    return draft.writer.written;
  }

  discard(id: string): void {
    const draft = this.drafts.get(id);
    if (!draft) return;
    this.drafts.delete(id);
    draft.writer.abort();
  }

  /** Checks that every draft exists and is complete, without taking them. */
  check(ids: readonly string[]): void {
    if (new Set(ids).size !== ids.length) throw new HearthError('invalid-arguments', 'The same file is attached twice.');
    for (const id of ids) {
      const draft = this.require(id);
      if (draft.writer.written !== draft.meta.size) throw new HearthError('invalid-arguments', 'A file is still being attached; wait until it is complete.');
    }
  }

  /** Seals the drafts' last chunks and hands them over; they are no longer drafts. */
  take(ids: readonly string[]): SealedDraft[] {
    this.check(ids);
    return ids.map((id) => {
      const draft = this.require(id);
      this.drafts.delete(id);
      const sealed = draft.writer.finish();
      return { id, key: sealed.key, size: sealed.size, sha256: sealed.sha256, meta: draft.meta };
    });
  }

  discardAll(): void {
    for (const id of [...this.drafts.keys()]) this.discard(id);
  }

  private require(id: string): Draft {
    const draft = this.drafts.get(id);
    if (!draft) throw new HearthError('not-found', 'No such draft (it was sent, discarded, or the app was locked).');
    return draft;
  }
}
