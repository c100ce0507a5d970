import { createHash, randomBytes } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { HearthError, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE, MAX_THUMBNAIL_BYTES, type AttachmentDraft, type Message } from '../../../shared/api';
import type { AttachmentPointer } from '../../../shared/proto/gen/hearth/v1/content_pb';
import { isRelayError } from '../transport';
import type { DeviceCredentials } from '../transport/relay-connection';
import { attachmentRows, isVaultError, messages, protocol as protocolRows, type SqlWriter } from '../vault';
import { wipe } from '../vault/crypto';
import type { MessageAttachment as StoredAttachment } from '../vault/queries/messages';
import { AttachmentIntegrityError, decryptAttachment, encryptAttachment, encryptedSize, newRemoteKey, REMOTE_KEY_BYTES } from './attachment-cipher';
import { AttachmentDrafts } from './attachment-drafts';
import { BlobTransferError, confirmFetched, downloadBlob, networkMessage, uploadBlob } from './attachment-http';
import { encodeDataWithAttachments, hex, newMessageId, QUOTE_TEXT_LENGTH } from './content';
import type { MessagingContext } from './context';
import { requireConversation, requireMessage } from './conversations';
import { timerSeconds } from './disappearing';
import { enqueueForConversation } from './fan-out';
import { garbageCollectorEvery } from './garbage';
import type { Outbox } from './outbox';
import { requireSendable } from './send';
import { messageView } from './views';

/** What a person reads when a download does not match what the message promised. */
export const TAMPERED_ERROR = 'The file did not match its fingerprint; it may have been tampered with. Try again.';
/** Progress events at least this often per attachment, or every PROGRESS_STEP of its size... */
const PROGRESS_INTERVAL_MS = 250;
const PROGRESS_STEP = 0.05;
/** ...but after the first, not more often than this: a fast transfer is not slowed by views nobody can see (20 a second is smooth). */
const PROGRESS_MIN_INTERVAL_MS = 50;
/** How much of a transfer goes by between collections of its garbage buffers (garbage.ts). */
const GARBAGE_EVERY_BYTES = 4 * 1024 * 1024;
const BLOB_ID = /^[A-Za-z0-9_-]{22}$/;
const DIGEST_BYTES = 32;
/** The relay's capability for a blob: random, and only its SHA-256 goes to the relay at upload. */
const FETCH_TOKEN_BYTES = 32;
/** The relay counts a blob's confirmations (and deletes it at the count) up to this many devices. */
const MAX_FETCH_COUNT = 1000;
/** A received file name longer than this makes the pointer unusable (no file system takes it). */
const MAX_FILE_NAME_LENGTH = 255;

export interface AttachmentsOptions {
  readonly credentials: DeviceCredentials;
  readonly relayUrl: () => string;
}

type Job = { kind: 'upload'; messageId: number } | { kind: 'download'; attachmentId: string } | { kind: 'confirm'; attachmentId: string };
interface Lane {
  readonly queue: Job[];
  running: Promise<void> | null;
}
const newLane = (): Lane => ({ queue: [], running: null });
const jobKey = (job: Job) => (job.kind === 'upload' ? `up:${job.messageId}` : `${job.kind}:${job.attachmentId}`);
const laneOf = (job: Job): 'upload' | 'download' => (job.kind === 'upload' ? 'upload' : 'download');

/**
 * Attachments in messages (docs/messaging.md, "Attachments"): drafts coming
 * in from the renderer, messages that wait for their uploads, downloads of
 * what arrives, reads of stored files, and retries. Transfers run one at a
 * time in the background, resume after a restart, and report progress as
 * messages.onDidUpdate.
 */
export class Attachments {
  readonly drafts: AttachmentDrafts;
  /** Uploads and downloads queue separately, so a received photo does not wait behind a large upload. */
  private readonly lanes = { upload: newLane(), download: newLane() };
  private readonly queued = new Set<string>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    private readonly ctx: MessagingContext,
    private readonly sends: Outbox,
    private readonly options: AttachmentsOptions,
  ) {
    this.drafts = new AttachmentDrafts(ctx.vault.attachments);
  }

  // ------------------------------------------------------------- drafts

  createDraft(meta: AttachmentDraft): string {
    if (meta.size > MAX_ATTACHMENT_BYTES) throw new HearthError('invalid-arguments', 'Files up to 100 MB can be sent.');
    if (meta.thumbnail && Buffer.from(meta.thumbnail, 'base64').length > MAX_THUMBNAIL_BYTES) throw new HearthError('invalid-arguments', 'The preview is too large.');
    return this.drafts.create(meta);
  }

  appendDraft(draftId: string, data: Uint8Array): number {
    return this.drafts.append(draftId, data);
  }

  discardDraft(draftId: string): void {
    this.drafts.discard(draftId);
  }

  // ------------------------------------------------------------ sending

  /**
   * Stores the message as 'pending' with its attachments 'uploading' in one
   * durable commit; the uploads follow in the background, and the message
   * goes into the outbox once every file is on the relay.
   */
  async send(conversationId: string, body: string, draftIds: readonly string[], replyTo?: string, uploaded: ReadonlyMap<string, Upload> = new Map()): Promise<Message> {
    const conversation = requireConversation(this.ctx, conversationId);
    const quoted = replyTo === undefined ? null : requireMessage(this.ctx, replyTo);
    if (quoted && (quoted.conversationId !== conversationId || quoted.kind !== 'text' || quoted.deleted)) throw new HearthError('invalid-arguments', 'A reply must quote a message of the same conversation.');
    requireSendable(conversation);
    this.drafts.check(draftIds);
    const sealed = await this.drafts.take(draftIds);
    const uid = hex(newMessageId());
    const now = this.ctx.now();
    // As for text: the clock of a disappearing message starts when it is sent.
    const expiresInMs = conversation.expireTimerMs ?? null;
    const expiresAt = expiresInMs === null ? null : now + expiresInMs;
    let messageId = 0;
    try {
      await this.ctx.vault.write((tx) => {
        for (const d of sealed) {
          attachmentRows.insertOutgoing(tx, {
            id: d.id,
            fileKey: d.key,
            size: d.size,
            sha256: d.sha256,
            createdAt: now,
            contentType: d.meta.contentType,
            fileName: d.meta.fileName,
            thumbnail: d.meta.thumbnail ? Buffer.from(d.meta.thumbnail, 'base64') : null,
            width: d.meta.width ?? null,
            height: d.meta.height ?? null,
            durationMs: d.meta.durationMs ?? null,
            voiceNote: d.meta.voiceNote ?? false,
          });
          const upload = uploaded.get(d.id);
          if (upload) attachmentRows.markUploaded(tx, d.id, upload.blobId, upload.key, upload.digest, upload.fetchToken);
        }
        messageId = messages.insertMessage(tx, {
          uid,
          conversationId,
          authorId: null,
          direction: 'outgoing',
          body,
          status: 'pending',
          sentAt: now,
          receivedAt: now,
          replyToUid: quoted?.id ?? null,
          expiresInMs,
          expiresAt,
          attachmentIds: sealed.map((d) => d.id),
        });
      });
    } catch (error) {
      for (const d of sealed) this.ctx.vault.attachments.removeFile(d.id);
      throw error;
    } finally {
      for (const d of sealed) wipe(d.key);
    }
    const message = this.view(uid);
    if (expiresAt !== null) this.ctx.expiry.rearm();
    this.ctx.events.emit('messages.onDidAdd', { message });
    if (this.ctx.events.wanted) this.ctx.events.emit('conversations.onDidUpdate', { conversation: requireConversation(this.ctx, conversationId) });
    if (sealed.every((d) => uploaded.has(d.id))) await this.enqueueMessage(messageId, []).catch(() => this.enqueue({ kind: 'upload', messageId }));
    else this.enqueue({ kind: 'upload', messageId });
    return message;
  }

  /**
   * Sends a file from disk (the CLI, the benchmark): streamed into a draft,
   * then sent like any other. When online, the same pass over the file also
   * encrypts and uploads it (one read feeding both), so the message is ready
   * for the outbox as soon as it is committed; if that upload fails, the
   * rest of the file goes into the draft and the usual upload job sends it.
   */
  async sendFile(conversationId: string, file: string, options: { caption?: string; contentType?: string } = {}): Promise<Message> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new HearthError('not-found', 'No such file.');
    if (info.size === 0) throw new HearthError('invalid-arguments', 'The file is empty.');
    const conversation = requireConversation(this.ctx, conversationId);
    requireSendable(conversation);
    const members = uploadRecipients(conversation);
    const draftId = this.createDraft({ fileName: path.basename(file).slice(0, 255) || 'file', contentType: options.contentType ?? contentTypeOf(file), size: info.size });
    const uploaded = new Map<string, Upload>();
    const append = (piece: Buffer) => this.appendDraft(draftId, piece);
    const finishDraft = () => this.drafts.finishEarly(draftId);
    /** Bytes sealed into the draft so far: where a later pass goes on. */
    let position = 0;
    let readError: unknown = null;
    /**
     * The file from where the last pass stopped, each piece sealed into the
     * draft before it goes on. Two buffers, refilled in turn: the next piece
     * is read (on the thread pool) while this one is sealed and encrypted;
     * the draft and the cipher copy what they take.
     */
    async function* pieces(handle: FileHandle): AsyncGenerator<Buffer> {
      let filling = Buffer.allocUnsafe(512 * 1024);
      let spare = Buffer.allocUnsafe(512 * 1024);
      let reading = handle.read(filling, 0, filling.length, position);
      try {
        for (let read = (await reading).bytesRead; read > 0; read = (await reading).bytesRead) {
          const piece = filling.subarray(0, read);
          // The next read goes into the other buffer: the consumer is done with it, having asked for this piece.
          [filling, spare] = [spare, filling];
          reading = handle.read(filling, 0, filling.length, position + read);
          append(piece);
          position += read;
          yield piece;
        }
        // All of it is sealed: the draft's flush overlaps the rest of the upload.
        finishDraft();
      } catch (error) {
        readError = error;
        throw error;
      } finally {
        // A pass given up early (the upload failed) leaves a read in flight into its own buffer; the next pass starts again at `position`.
        reading.catch(() => undefined);
      }
    }
    let handle: FileHandle | null = null;
    try {
      handle = await open(file, 'r');
      if (members && this.ctx.connection.isOnline) {
        try {
          uploaded.set(draftId, await this.uploadStream(counted(pieces(handle), garbageCollectorEvery(GARBAGE_EVERY_BYTES)), info.size, members));
        } catch {
          // The file itself failed: reported below. The network or the relay: the upload job tries again.
          if (readError) throw readError;
        }
      }
      // Whatever the upload did not take (all of it when offline) still goes into the draft.
      for await (const piece of pieces(handle)) void piece;
    } catch (error) {
      this.discardDraft(draftId);
      throw error instanceof HearthError ? error : new HearthError('unavailable', 'The file could not be read.');
    } finally {
      await handle?.close();
    }
    return this.send(conversationId, options.caption ?? '', [draftId], undefined, uploaded);
  }

  // ------------------------------------------------------------ reading

  /** A piece of a stored attachment's plaintext. */
  read(attachmentId: string, offset: number, length: number): { data: Buffer; size: number } {
    const row = this.requireReady(attachmentId);
    return { data: this.ctx.vault.attachments.readRange(attachmentId, offset, length), size: row.size };
  }

  /** The whole plaintext as chunks (the CLI's `save`). */
  chunks(attachmentId: string): AsyncGenerator<Buffer> {
    this.requireReady(attachmentId);
    return this.ctx.vault.attachments.chunks(attachmentId);
  }

  private requireReady(attachmentId: string): attachmentRows.AttachmentRow {
    const row = this.ctx.vault.read((db) => attachmentRows.getAttachment(db, attachmentId));
    if (!row) throw new HearthError('not-found', 'No such attachment.');
    // Our own files are readable from the start (while uploading too); theirs once verified and stored.
    if (!row.stored) throw new HearthError('unavailable', row.state === 'failed' ? (row.error ?? 'The transfer failed.') : 'The file is not here yet.');
    return row;
  }

  // ------------------------------------------------------------ retries

  /** Tries a failed upload or download again; resolves with the message holding it. */
  async retry(attachmentId: string): Promise<Message> {
    const row = this.ctx.vault.read((db) => attachmentRows.getAttachment(db, attachmentId));
    if (!row) throw new HearthError('not-found', 'No such attachment.');
    if (row.state === 'failed') await this.restart(row);
    return this.view(row.messageUid);
  }

  /** messages.retry for a message whose uploads failed: they start again. */
  async retryUploads(messageUid: string): Promise<Message | null> {
    const message = requireMessage(this.ctx, messageUid);
    const rows = this.ctx.vault.read((db) => attachmentRows.attachmentsOfMessage(db, message.seq));
    const failed = rows.filter((r) => r.state === 'failed');
    if (message.direction !== 'outgoing' || failed.length === 0) return null;
    for (const row of failed) await this.restart(row);
    return this.view(messageUid);
  }

  private async restart(row: attachmentRows.AttachmentRow): Promise<void> {
    const upload = row.direction === 'outgoing';
    await this.ctx.vault.write((tx) => {
      attachmentRows.restartTransfer(tx, row.id, upload ? 'uploading' : 'downloading');
      if (upload) messages.setMessageStatus(tx, row.messageUid, 'pending');
    });
    this.emitUpdate(row.messageUid);
    this.enqueue(upload ? { kind: 'upload', messageId: row.messageId } : { kind: 'download', attachmentId: row.id });
  }

  // ---------------------------------------------------------- receiving

  /** Picks up every transfer left to do (after unlock, and after the receiver stored new attachments). */
  resume(): void {
    const { transfers, unsent, unconfirmed } = this.ctx.vault.read((db) => ({
      transfers: attachmentRows.attachmentsInTransfer(db),
      unsent: attachmentRows.uploadedButUnsent(db),
      unconfirmed: attachmentRows.unconfirmedDownloads(db),
    }));
    for (const row of transfers) this.enqueue(row.direction === 'outgoing' ? { kind: 'upload', messageId: row.messageId } : { kind: 'download', attachmentId: row.id });
    for (const messageId of unsent) this.enqueue({ kind: 'upload', messageId });
    for (const row of unconfirmed) this.enqueue({ kind: 'confirm', attachmentId: row.id });
  }

  async idle(): Promise<void> {
    while (this.lanes.upload.running || this.lanes.download.running) {
      await Promise.all([this.lanes.upload.running, this.lanes.download.running]);
    }
  }

  get busy(): boolean {
    return this.lanes.upload.running !== null || this.lanes.download.running !== null;
  }

  /** Stops transfers (they resume at the next unlock) and discards unsent drafts. */
  async close(): Promise<void> {
    this.closed = true;
    this.lanes.upload.queue.length = 0;
    this.lanes.download.queue.length = 0;
    this.queued.clear();
    this.abort.abort();
    await this.idle();
    this.drafts.discardAll();
  }

  private enqueue(job: Job): void {
    if (this.closed) return;
    const key = jobKey(job);
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const lane = this.lanes[laneOf(job)];
    lane.queue.push(job);
    lane.running ??= this.pump(lane).finally(() => {
      lane.running = null;
    });
  }

  private async pump(lane: Lane): Promise<void> {
    for (let job = lane.queue.shift(); job && !this.closed; job = lane.queue.shift()) {
      try {
        if (job.kind === 'upload') await this.upload(job.messageId);
        else if (job.kind === 'download') await this.download(job.attachmentId);
        else await this.confirm(job.attachmentId);
      } catch {
        // Each job records its own failure on its rows; a locked vault (closing) ends the loop.
      } finally {
        this.queued.delete(jobKey(job));
      }
    }
  }

  // ------------------------------------------------------------ uploads

  private async upload(messageId: number): Promise<void> {
    const rows = this.ctx.vault.read((db) => attachmentRows.attachmentsOfMessage(db, messageId));
    const first = rows[0];
    if (!first || first.direction !== 'outgoing') return;
    const stored = requireMessage(this.ctx, first.messageUid);
    if (stored.status !== 'pending') return;
    const members = uploadRecipients(requireConversation(this.ctx, stored.conversationId));
    if (!members) return;
    const uploaded: Uploaded[] = [];
    for (const row of rows) {
      if (row.state !== 'uploading') continue;
      try {
        uploaded.push({ id: row.id, ...(await this.uploadOne(row, members)) });
      } catch (error) {
        if (this.closed) return;
        const reason = failureReason(error, 'upload');
        await this.ctx.vault.write((tx) => {
          for (const u of uploaded) attachmentRows.markUploaded(tx, u.id, u.blobId, u.key, u.digest, u.fetchToken);
          attachmentRows.markFailed(tx, row.id, reason);
          messages.setMessageStatus(tx, row.messageUid, 'failed');
        });
        this.emitUpdate(row.messageUid);
        return;
      }
    }
    await this.enqueueMessage(messageId, uploaded);
  }

  private async uploadOne(row: attachmentRows.AttachmentRow, members: readonly string[]): Promise<Upload> {
    const { connection } = this.ctx;
    while (!connection.isOnline) {
      if (this.closed) throw new HearthError('unavailable', 'Stopped.');
      await connection.whenOnline(60_000).catch(() => undefined);
    }
    return this.uploadStream(counted(this.ctx.vault.attachments.chunks(row.id), this.progress(row)), row.size, members);
  }

  /** Reserves a blob on the relay, then encrypts `plainSize` bytes of plaintext from `source` into it. */
  private async uploadStream(source: AsyncIterable<Uint8Array>, plainSize: number, members: readonly string[]): Promise<Upload> {
    const size = encryptedSize(plainSize);
    // The relay hears how many devices will confirm, never which: they download with the token in the pointer.
    const fetchCount = Math.min(MAX_FETCH_COUNT, Math.max(1, await this.recipientDeviceCount(members)));
    const fetchToken = randomBytes(FETCH_TOKEN_BYTES);
    const fetchTokenHash = createHash('sha256').update(fetchToken).digest();
    const created = await this.ctx.connection.request('createAttachment', { size: BigInt(size), fetchCount, fetchTokenHash });
    const key = newRemoteKey();
    const encrypted = encryptAttachment(source, key, plainSize);
    await uploadBlob(this.options.relayUrl(), this.options.credentials, created.attachmentId, size, encrypted.stream, this.abort.signal);
    return { blobId: created.attachmentId, key, digest: encrypted.digest(), fetchToken };
  }

  /**
   * How many devices will confirm the download (the relay deletes the blob
   * after that many): each member's devices we have sessions with (the ones
   * the message goes to), else every device the relay lists for them.
   */
  private async recipientDeviceCount(members: readonly string[]): Promise<number> {
    let count = 0;
    for (const username of members) {
      let devices = this.ctx.vault.read((db) => protocolRows.sessionDeviceIds(db, username)).length;
      if (devices === 0) devices = (await this.ctx.connection.request('lookup', { target: { case: 'username', value: username } })).devices.length;
      count += devices;
    }
    return count;
  }

  /**
   * Every file is on the relay: the uploads are recorded and the DataMessage
   * with their pointers goes into the outbox (once), in one commit.
   */
  private async enqueueMessage(messageId: number, uploaded: readonly Uploaded[]): Promise<void> {
    const rows = this.ctx.vault.read((db) => attachmentRows.attachmentsOfMessage(db, messageId)).map((r) => {
      const u = uploaded.find((x) => x.id === r.id);
      return u ? { ...r, state: 'ready' as const, blobId: u.blobId, remoteKey: u.key, digest: u.digest, fetchToken: u.fetchToken } : r;
    });
    if (rows.some((r) => r.state !== 'ready')) return;
    const first = rows[0];
    if (!first) return;
    const message = requireMessage(this.ctx, first.messageUid);
    const conversation = requireConversation(this.ctx, message.conversationId);
    if ((conversation.type === 'direct' && !conversation.contactId) || conversation.isMember === false || message.status !== 'pending') return;
    const quoted = message.replyTo ? this.ctx.vault.read((db) => messageView(db, message.replyTo ?? '')) : null;
    const quote = quoted ? { id: Buffer.from(quoted.id, 'hex'), author: quoted.authorId ?? this.ctx.self.name, text: (quoted.body ?? '').slice(0, QUOTE_TEXT_LENGTH) } : undefined;
    const payload = encodeDataWithAttachments(Buffer.from(message.id, 'hex'), message.body ?? '', message.sentAt, rows.map(pointerOf), quote, timerSeconds(message.expireTimerMs ?? null));
    const now = this.ctx.now();
    const queued = await this.ctx.vault.write((tx) => {
      for (const u of uploaded) attachmentRows.markUploaded(tx, u.id, u.blobId, u.key, u.digest, u.fetchToken);
      if (tx.get('SELECT 1 AS x FROM outbox WHERE message_id = ?', [messageId])) return false;
      enqueueForConversation(tx, message.conversationId, { kind: 'message', messageId, payload, now });
      return true;
    });
    this.emitUpdate(first.messageUid);
    if (queued) this.sends.kick();
  }

  // ---------------------------------------------------------- downloads

  private async download(attachmentId: string): Promise<void> {
    const row = this.ctx.vault.read((db) => attachmentRows.getAttachment(db, attachmentId));
    if (!row || row.state !== 'downloading' || !row.blobId || !row.remoteKey || !row.digest) return;
    if (!row.fetchToken) {
      // Announced before fetch tokens (vault migration 008): the relay has no way to hand it out any more.
      await this.ctx.vault.write((tx) => attachmentRows.markFailed(tx, row.id, 'The relay no longer has this file; ask the sender to send it again.'));
      this.emitUpdate(row.messageUid);
      return;
    }
    const store = this.ctx.vault.attachments;
    const writer = store.createWriter(row.id);
    let finished: { key: Buffer; sha256: Uint8Array } | null = null;
    let committed = false;
    try {
      const body = await downloadBlob(this.options.relayUrl(), row.blobId, row.fetchToken, this.abort.signal);
      try {
        for await (const plain of decryptAttachment(counted(body, this.progress(row)), row.remoteKey, row.size, row.digest)) writer.append(plain);
      } finally {
        body.destroy();
      }
      // Verified: the flush runs on the thread pool, so this thread goes on with messages meanwhile.
      finished = await writer.finishInBackground();
      const sealed = finished;
      const kept = await this.ctx.vault.write((tx) => attachmentRows.markDownloaded(tx, row.id, sealed.key, sealed.sha256));
      committed = true;
      // The message was removed meanwhile (expired, deleted): its file goes too.
      if (kept === 0) store.removeFile(row.id);
    } catch (error) {
      writer.abort();
      if (finished) store.removeFile(row.id);
      if (this.closed) return;
      const reason = failureReason(error, 'download');
      await this.ctx.vault.write((tx) => attachmentRows.markFailed(tx, row.id, reason));
    } finally {
      if (finished) wipe(finished.key);
    }
    this.emitUpdate(row.messageUid);
    // Only now, with the verified file committed, may the relay count this device as done.
    if (committed) await this.confirmDownload(row.id, row.blobId, row.fetchToken);
  }

  private async confirm(attachmentId: string): Promise<void> {
    const row = this.ctx.vault.read((db) => attachmentRows.getAttachment(db, attachmentId));
    if (!row || row.direction !== 'incoming' || row.state !== 'ready' || !row.blobId || !row.fetchToken) return;
    await this.confirmDownload(row.id, row.blobId, row.fetchToken);
  }

  /**
   * Confirms this device's download to the relay and forgets the token. A
   * failure leaves the token in place: the next resume tries again, and the
   * relay's TTL deletes the blob if nobody ever does.
   */
  private async confirmDownload(attachmentId: string, blobId: string, fetchToken: Uint8Array): Promise<void> {
    try {
      await confirmFetched(this.options.relayUrl(), blobId, fetchToken, confirmationId(attachmentId, fetchToken), this.abort.signal);
    } catch {
      return;
    }
    await this.ctx.vault.write((tx) => attachmentRows.forgetFetchToken(tx, attachmentId));
  }

  // ------------------------------------------------------------- events

  private view(uid: string): Message {
    const view = this.ctx.vault.read((db) => messageView(db, uid));
    if (!view) throw new HearthError('not-found', 'No such message.');
    return view;
  }

  private emitUpdate(uid: string, live?: { attachmentId: string; transferred: number }): void {
    if (!this.ctx.events.wanted) return;
    const view = this.ctx.vault.read((db) => messageView(db, uid));
    if (!view) return;
    if (live) view.attachments = view.attachments?.map((a) => (a.id === live.attachmentId ? { ...a, transferred: Math.min(a.size, live.transferred) } : a));
    this.ctx.events.emit('messages.onDidUpdate', { message: view });
  }

  /**
   * A progress callback for one transfer: emits every PROGRESS_STEP of the
   * size or PROGRESS_INTERVAL_MS, whichever comes first, and at most every
   * PROGRESS_MIN_INTERVAL_MS after the first (each event reads the message's view).
   */
  private progress(row: attachmentRows.AttachmentRow): (plainBytes: number) => void {
    let lastAt = this.ctx.now();
    let lastBytes = 0;
    let first = true;
    const step = Math.max(1, Math.floor(row.size * PROGRESS_STEP));
    const collect = garbageCollectorEvery(GARBAGE_EVERY_BYTES);
    return (bytes) => {
      collect(bytes);
      const now = this.ctx.now();
      const stepped = bytes - lastBytes >= step && (first || now - lastAt >= PROGRESS_MIN_INTERVAL_MS);
      if (!stepped && now - lastAt < PROGRESS_INTERVAL_MS) return;
      first = false;
      lastAt = now;
      lastBytes = bytes;
      this.emitUpdate(row.messageUid, { attachmentId: row.id, transferred: bytes });
    };
  }
}

/**
 * What a failed transfer says. The relay's errors (WebSocket or HTTP) and the
 * vault's are written for people; anything else is the network.
 */
function failureReason(error: unknown, what: 'upload' | 'download'): string {
  if (error instanceof AttachmentIntegrityError) return TAMPERED_ERROR;
  if (error instanceof HearthError || error instanceof BlobTransferError || isRelayError(error) || isVaultError(error)) return error.message;
  return networkMessage(error, what);
}

/** A file on the relay: where, and what the recipients need to fetch and check it. */
interface Upload {
  readonly blobId: string;
  readonly key: Buffer;
  readonly digest: Buffer;
  readonly fetchToken: Buffer;
}

interface Uploaded extends Upload {
  readonly id: string;
}

/** Who an upload is for (their devices confirm the download), or null when the conversation has nobody to send to. */
function uploadRecipients(conversation: ReturnType<typeof requireConversation>): readonly string[] | null {
  const members = conversation.type === 'direct' ? (conversation.contactId ? [conversation.contactId] : []) : (conversation.memberIds ?? []);
  return members.length === 0 || conversation.isMember === false ? null : members;
}

/**
 * This device's confirmation id for a received blob: the same on every retry
 * (so the relay counts it once), different on every device (the local
 * attachment id is random), and telling the relay nothing else.
 */
function confirmationId(attachmentId: string, fetchToken: Uint8Array): Buffer {
  return createHash('sha256').update('hearth attachment fetched\0').update(fetchToken).update(attachmentId).digest().subarray(0, 16);
}

/** Passes pieces through, reporting the running total. */
async function* counted<T extends Uint8Array>(source: AsyncIterable<T>, report: (total: number) => void): AsyncGenerator<T> {
  let total = 0;
  for await (const piece of source) {
    total += piece.length;
    report(total);
    yield piece;
  }
}

function pointerOf(row: attachmentRows.AttachmentRow) {
  return {
    blobId: row.blobId ?? '',
    key: row.remoteKey ?? new Uint8Array(),
    digest: row.digest ?? new Uint8Array(),
    size: BigInt(row.size),
    contentType: row.contentType,
    fileName: row.fileName ?? '',
    thumbnail: row.thumbnail ?? new Uint8Array(),
    width: row.width ?? 0,
    height: row.height ?? 0,
    durationMs: row.durationMs ?? 0,
    voiceNote: row.voiceNote,
    fetchToken: row.fetchToken ?? new Uint8Array(),
  };
}

/**
 * Records the attachments of a received message (inside the receiver's
 * transaction) as 'downloading'; a pointer that cannot be used is stored
 * 'failed' with the reason, so the message still shows what was sent.
 * Returns them for the message's view.
 */
export function storeIncomingAttachments(tx: SqlWriter, messageId: number, pointers: readonly AttachmentPointer[], now: number): StoredAttachment[] {
  const ids: string[] = [];
  // No more than a Hearth client sends: a modified one cannot make us fetch and store without bound.
  for (const p of pointers.slice(0, MAX_ATTACHMENTS_PER_MESSAGE)) {
    const id = hex(newMessageId());
    const size = Number(p.size);
    const nameFits = p.fileName.length <= MAX_FILE_NAME_LENGTH;
    const details = {
      contentType: p.contentType.slice(0, 255) || 'application/octet-stream',
      fileName: nameFits ? p.fileName || null : null,
      thumbnail: p.thumbnail.length > 0 && p.thumbnail.length <= MAX_THUMBNAIL_BYTES ? p.thumbnail : null,
      width: p.width > 0 ? p.width : null,
      height: p.height > 0 ? p.height : null,
      durationMs: p.durationMs > 0 ? p.durationMs : null,
      voiceNote: p.voiceNote,
    };
    const usable = BLOB_ID.test(p.blobId) && p.key.length === REMOTE_KEY_BYTES && p.digest.length === DIGEST_BYTES && p.fetchToken.length === FETCH_TOKEN_BYTES && nameFits;
    const fetchToken = usable ? p.fetchToken : null;
    attachmentRows.insertIncoming(tx, { id, size: Number.isSafeInteger(size) ? size : 0, blobId: p.blobId, remoteKey: p.key, digest: p.digest, fetchToken, createdAt: now, ...details });
    if (!usable) attachmentRows.markFailed(tx, id, 'This attachment could not be read; ask the sender to send it again.');
    else if (size > MAX_ATTACHMENT_BYTES) attachmentRows.markFailed(tx, id, 'This file is larger than 100 MB and was not downloaded.');
    ids.push(id);
  }
  attachmentRows.linkToMessage(tx, messageId, ids);
  return attachmentRows.attachmentsOfMessage(tx, messageId).map((r) => ({
    id: r.id,
    contentType: r.contentType,
    fileName: r.fileName,
    size: r.size,
    state: r.state,
    transferred: r.transferred,
    error: r.error,
    thumbnail: r.thumbnail,
    width: r.width,
    height: r.height,
    durationMs: r.durationMs,
    voiceNote: r.voiceNote,
  }));
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.zip': 'application/zip',
};

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
