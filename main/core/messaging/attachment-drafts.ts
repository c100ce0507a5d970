import { randomBytes } from 'node:crypto';
import { HearthError, type AttachmentDraft } from '../../../shared/api';
import type { AttachmentStore, AttachmentWriter, FinishedAttachment } from '../vault';
import { wipe } from '../vault/crypto';

/** Drafts open at once (each holds a file and one chunk of memory). */
const MAX_OPEN_DRAFTS = 32;

interface Draft {
  readonly meta: AttachmentDraft;
  readonly writer: AttachmentWriter;
  /** Set once its end is sealed and flushing early (finishEarly). */
  finishing: Promise<FinishedAttachment> | null;
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
    this.drafts.set(id, { meta, writer: this.store.createWriter(id), finishing: null });
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
    // A flush that completed anyway moved its file into place: that goes too.
    draft.finishing?.then(
      (finished) => {
        wipe(finished.key);
        this.store.removeFile(finished.id);
      },
      () => undefined,
    );
  }

  /**
   * Every byte of the draft is in: seals its end and flushes it now, on the
   * thread pool (sendFile, while the upload waits for the relay's answer),
   * so take() finds it done.
   */
  finishEarly(id: string): void {
    const draft = this.drafts.get(id);
    if (!draft || draft.finishing || draft.writer.written !== draft.meta.size) return;
    draft.finishing = draft.writer.finishInBackground();
    // take() reports a failure.
    draft.finishing.catch(() => undefined);
  }

  /** Checks that every draft exists and is complete, without taking them. */
  check(ids: readonly string[]): void {
    if (new Set(ids).size !== ids.length) throw new HearthError('invalid-arguments', 'The same file is attached twice.');
    for (const id of ids) {
      const draft = this.require(id);
      if (draft.writer.written !== draft.meta.size) throw new HearthError('invalid-arguments', 'A file is still being attached; wait until it is complete.');
    }
  }

  /** Seals the drafts' last chunks (or waits for finishEarly's) and hands them over; they are no longer drafts. */
  async take(ids: readonly string[]): Promise<SealedDraft[]> {
    this.check(ids);
    const sealed: SealedDraft[] = [];
    for (const id of ids) {
      const draft = this.require(id);
      this.drafts.delete(id);
      const finished = draft.finishing ? await draft.finishing : draft.writer.finish();
      sealed.push({ id: finished.id, key: finished.key, size: finished.size, sha256: finished.sha256, meta: draft.meta });
    }
    return sealed;
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
