import { ATTACHMENT_CHUNK_BYTES, type AttachmentDraft, type HearthClient } from '../../../shared/api';
import { admitFiles, base64FromBytes, type FileRefusal } from '../model/attachment-files';
import { Observable } from './observable';

/** A file picked, dropped, pasted or recorded for the next message, not yet handed to the core. */
export interface PickedFile {
  /** Local key for the list; not the core's draft id. */
  readonly key: string;
  readonly file: File;
  /** What the picker knows that the file does not say (a voice note and its length). */
  readonly extra: Pick<AttachmentDraft, 'voiceNote' | 'durationMs'>;
}

export interface AttachmentDraftsState {
  readonly files: readonly PickedFile[];
  /** Why the last files offered were (partly) refused; cleared by the next change. */
  readonly refusals: readonly FileRefusal[];
  /** While handing files to the core: bytes handed over of all. */
  readonly handOver: { readonly sent: number; readonly total: number } | null;
}

/** Reads what the core needs to know about a file (dimensions, thumbnail, duration); the DOM does this in the app. */
export type DescribeFile = (file: File, extra: PickedFile['extra']) => Promise<AttachmentDraft>;

let nextKey = 1;

/**
 * The files waiting in one chat's composer, and their hand-over to the core
 * when the message is sent: attachments.createDraft for each, then its bytes
 * in ATTACHMENT_CHUNK_BYTES pieces read with File.slice(), so a 100 MB file
 * is never read whole into the page. Files stay in memory only, like text
 * drafts: on disk they would sit outside the encrypted vault.
 */
export class AttachmentDraftsStore extends Observable<AttachmentDraftsState> {
  constructor(private readonly client: HearthClient) {
    super({ files: [], refusals: [], handOver: null });
  }

  /** Adds files as far as the limits allow, and says why the others were left out. */
  add(files: readonly File[], extra: PickedFile['extra'] = {}): void {
    if (this.state.handOver) return;
    const { admitted, refusals } = admitFiles(this.state.files.length, files);
    const picked = admitted.map((file) => ({ key: `picked-${nextKey++}`, file, extra }));
    this.update({ files: [...this.state.files, ...picked], refusals });
  }

  remove(key: string): void {
    if (this.state.handOver) return;
    this.update({ files: this.state.files.filter((f) => f.key !== key), refusals: [] });
  }

  dismissRefusals(): void {
    if (this.state.refusals.length) this.update({ refusals: [] });
  }

  /**
   * Hands every file to the core as a draft and then sends the message
   * naming them (`send` gets the draft ids). On success the files are
   * cleared; on failure the drafts are discarded, the files stay, and the
   * error is thrown for the composer to show.
   */
  async sendWith(describe: DescribeFile, send: (draftIds: string[]) => Promise<void>): Promise<void> {
    const files = this.state.files;
    if (this.state.handOver || files.length === 0) return;
    const total = files.reduce((sum, f) => sum + f.file.size, 0);
    let sent = 0;
    this.update({ handOver: { sent, total }, refusals: [] });
    const draftIds: string[] = [];
    try {
      for (const picked of files) {
        const { draftId } = await this.client.call('attachments.createDraft', await describe(picked.file, picked.extra));
        draftIds.push(draftId);
        for (let offset = 0; offset < picked.file.size; offset += ATTACHMENT_CHUNK_BYTES) {
          const piece = new Uint8Array(await picked.file.slice(offset, offset + ATTACHMENT_CHUNK_BYTES).arrayBuffer());
          await this.client.call('attachments.appendDraft', { draftId, data: base64FromBytes(piece) });
          sent += piece.length;
          this.update({ handOver: { sent, total } });
        }
      }
      await send(draftIds);
    } catch (error) {
      // Drafts the message did not take would sit in the core until it restarts.
      await Promise.all(draftIds.map((draftId) => this.client.call('attachments.discardDraft', { draftId }).catch(() => undefined)));
      this.update({ handOver: null });
      throw error;
    }
    this.update({ files: [], handOver: null });
  }
}
