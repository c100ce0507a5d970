import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { KEY_BYTES, SEAL_OVERHEAD, open, sealInto, wipe } from './crypto';
import { VaultError } from './errors';
import { type VaultFs, ioError, removeQuietly, syncDirectory, writeAll } from './file-io';
import type { Row, SqlReader, SqlWriter } from './sqlite';

/**
 * Attachments at rest: one file per attachment under attachments/, sealed in
 * 64 KiB chunks with the attachment's own random key, which lives in the
 * (sealed) database. Chunks stream in and out, so a 100 MB file never sits
 * whole in memory. docs/vault-format.md, "Attachments".
 */
const MAGIC = 'HRTHATT1';
const HEADER_BYTES = 32;
const VERSION = 1;
export const ATTACHMENT_CHUNK_BYTES = 64 * 1024;
/** Sealed chunks gather into writes of about 512 KiB: a third of the write cost of one write per chunk. */
const WRITE_CHUNKS = 8;

export interface AttachmentMeta {
  contentType: string;
  fileName?: string | null;
  createdAt: number;
}

/** A sealed file in place: its key (for the caller to record, then wipe), plaintext size and SHA-256. */
export interface FinishedAttachment {
  id: string;
  key: Buffer;
  size: number;
  sha256: Uint8Array;
}

export interface AttachmentInfo {
  id: string;
  size: number;
  sha256: Uint8Array;
  contentType: string;
  fileName: string | null;
  createdAt: number;
}

/** What the store needs from the vault: reads, and durable writes. */
export interface AttachmentHost {
  read<T>(fn: (db: SqlReader) => T): T;
  write<T>(fn: (tx: SqlWriter) => T): Promise<T>;
}

function chunkAad(id: Buffer, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(8 + 16 + 8 + 1);
  aad.write(MAGIC, 0, 'latin1');
  id.copy(aad, 8);
  aad.writeBigUInt64LE(BigInt(index), 24);
  aad[32] = final ? 1 : 0;
  return aad;
}

function infoFromRow(row: Row): AttachmentInfo {
  return {
    id: row.id as string,
    size: row.size as number,
    sha256: row.sha256 as Uint8Array,
    contentType: row.content_type as string,
    fileName: (row.file_name as string | null) ?? null,
    createdAt: row.created_at as number,
  };
}

export class AttachmentStore {
  constructor(
    private readonly io: VaultFs,
    private readonly dir: string,
    private readonly host: AttachmentHost,
  ) {}

  private fileOf(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new VaultError('invalid-argument', 'An attachment id is 32 lowercase hex characters.');
    return path.join(this.dir, id);
  }

  /**
   * Starts a new sealed file for attachment `id` (a fresh one by default).
   * Pieces go in as they arrive; `finish` moves the file into place, durably,
   * and hands back its key for the caller to record; `abort` leaves nothing.
   */
  createWriter(id: string = randomBytes(16).toString('hex')): AttachmentWriter {
    this.io.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return new AttachmentWriter(this.io, this.dir, this.fileOf(id), id);
  }

  /**
   * Seals `source` into a new attachment file, then records it (with its key)
   * in the database. Resolves once both are durable.
   */
  async put(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, meta: AttachmentMeta): Promise<AttachmentInfo> {
    const writer = this.createWriter();
    try {
      for await (const piece of source) writer.append(piece);
    } catch (error) {
      writer.abort();
      throw ioError(error, 'storing an attachment');
    }
    const sealed = writer.finish();
    const info: AttachmentInfo = { id: sealed.id, size: sealed.size, sha256: sealed.sha256, contentType: meta.contentType, fileName: meta.fileName ?? null, createdAt: meta.createdAt };
    try {
      await this.host.write((tx) =>
        tx.run('INSERT INTO attachments (id, file_key, size, sha256, content_type, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          sealed.id,
          sealed.key,
          sealed.size,
          info.sha256,
          info.contentType,
          info.fileName,
          info.createdAt,
        ]),
      );
    } catch (error) {
      this.removeFile(sealed.id);
      throw error;
    } finally {
      wipe(sealed.key);
    }
    return info;
  }

  /** Removes a file that no row refers to (a finished writer whose commit failed or was abandoned). */
  removeFile(id: string): void {
    removeQuietly(this.io, this.fileOf(id));
  }

  info(id: string): AttachmentInfo | null {
    const row = this.host.read((db) => db.get('SELECT id, size, sha256, content_type, file_name, created_at FROM attachments WHERE id = ?', [id]));
    return row ? infoFromRow(row) : null;
  }

  /** The plaintext, chunk by chunk; a damaged or truncated file ends the stream with a 'corrupt-attachment' error. */
  async *chunks(id: string): AsyncGenerator<Buffer> {
    const file = this.fileOf(id);
    const row = this.host.read((db) => db.get('SELECT file_key, size FROM attachments WHERE id = ?', [id]));
    if (!row) throw new VaultError('not-found', 'No such attachment.');
    const key = Buffer.from(row.file_key as Uint8Array);
    const expectedSize = row.size as number;
    const corrupt = (why: string) => new VaultError('corrupt-attachment', `The attachment file is damaged: ${why}.`);
    let fd: number;
    try {
      fd = this.io.openSync(file, 'r');
    } catch {
      wipe(key);
      throw new VaultError('corrupt-attachment', 'The attachment file is missing.');
    }
    try {
      const fileSize = this.io.fstatSync(fd).size;
      const header = Buffer.alloc(HEADER_BYTES);
      if (this.io.readSync(fd, header, 0, HEADER_BYTES, 0) < HEADER_BYTES) throw corrupt('it is shorter than its header');
      if (header.toString('latin1', 0, 8) !== MAGIC) throw corrupt('unknown signature');
      const version = header.readUInt16LE(8);
      if (version > VERSION) throw new VaultError('newer-format', `The attachment file was written by a newer Hearth (format version ${version}; this one reads up to ${VERSION}). Update Hearth to open it.`);
      if (version !== VERSION) throw corrupt(`unknown format version ${version}`);
      const chunkBytes = header.readUInt32LE(12);
      const idBytes = Buffer.from(id, 'hex');
      if (chunkBytes === 0 || chunkBytes > 16 * 1024 * 1024 || !header.subarray(16, 32).equals(idBytes)) throw corrupt('its header does not match');
      const frameBytes = chunkBytes + SEAL_OVERHEAD;
      const frames = Math.max(1, Math.ceil((fileSize - HEADER_BYTES) / frameBytes));
      const frame = Buffer.allocUnsafe(frameBytes);
      let position = HEADER_BYTES;
      let total = 0;
      for (let index = 0; index < frames; index++) {
        const length = Math.min(frameBytes, fileSize - position);
        if (length < SEAL_OVERHEAD || this.io.readSync(fd, frame, 0, length, position) < length) throw corrupt('it ends early');
        const plain = open(key, frame.subarray(0, length), chunkAad(idBytes, index, index === frames - 1));
        if (!plain) throw corrupt(`chunk ${index} failed authentication (changed, moved or cut off)`);
        position += length;
        total += plain.length;
        yield plain;
      }
      if (total !== expectedSize) throw corrupt('its length differs from the recorded size');
    } finally {
      this.io.closeSync(fd);
      wipe(key);
    }
  }

  /**
   * Up to `length` bytes of the plaintext from `offset` (fewer at the end),
   * opening only the chunks that hold them.
   */
  readRange(id: string, offset: number, length: number): Buffer {
    const file = this.fileOf(id);
    const row = this.host.read((db) => db.get('SELECT file_key, size FROM attachments WHERE id = ?', [id]));
    if (!row) throw new VaultError('not-found', 'No such attachment.');
    const size = row.size as number;
    const end = Math.min(size, offset + length);
    if (offset >= end) return Buffer.alloc(0);
    const key = Buffer.from(row.file_key as Uint8Array);
    const corrupt = (why: string) => new VaultError('corrupt-attachment', `The attachment file is damaged: ${why}.`);
    let fd: number;
    try {
      fd = this.io.openSync(file, 'r');
    } catch {
      wipe(key);
      throw new VaultError('corrupt-attachment', 'The attachment file is missing.');
    }
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      const idBytes = Buffer.from(id, 'hex');
      if (this.io.readSync(fd, header, 0, HEADER_BYTES, 0) < HEADER_BYTES) throw corrupt('it is shorter than its header');
      const chunkBytes = header.readUInt32LE(12);
      if (header.toString('latin1', 0, 8) !== MAGIC || header.readUInt16LE(8) !== VERSION || chunkBytes === 0 || chunkBytes > 16 * 1024 * 1024 || !header.subarray(16, 32).equals(idBytes)) {
        throw corrupt('its header does not match');
      }
      const frames = Math.max(1, Math.ceil(size / chunkBytes));
      const frameBytes = chunkBytes + SEAL_OVERHEAD;
      const frame = Buffer.allocUnsafe(frameBytes);
      const parts: Buffer[] = [];
      for (let index = Math.floor(offset / chunkBytes); index * chunkBytes < end; index++) {
        const plainLength = Math.min(chunkBytes, size - index * chunkBytes);
        const length = plainLength + SEAL_OVERHEAD;
        if (this.io.readSync(fd, frame, 0, length, HEADER_BYTES + index * frameBytes) < length) throw corrupt('it ends early');
        const plain = open(key, frame.subarray(0, length), chunkAad(idBytes, index, index === frames - 1));
        if (!plain) throw corrupt(`chunk ${index} failed authentication (changed, moved or cut off)`);
        const from = Math.max(0, offset - index * chunkBytes);
        parts.push(plain.subarray(from, Math.min(plain.length, end - index * chunkBytes)));
      }
      return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    } finally {
      this.io.closeSync(fd);
      wipe(key);
    }
  }

  /** A Node stream of the plaintext (for piping to a file or an HTTP response). */
  createReadStream(id: string): Readable {
    return Readable.from(this.chunks(id), { objectMode: false });
  }

  /** Removes the attachment's row (and the message references to it), then its file. */
  async delete(id: string): Promise<void> {
    const file = this.fileOf(id);
    await this.host.write((tx) => {
      tx.run('DELETE FROM message_attachments WHERE attachment_id = ?', [id]);
      tx.run('DELETE FROM attachments WHERE id = ?', [id]);
    });
    removeQuietly(this.io, file);
    syncDirectory(this.io, this.dir);
  }

  /**
   * Removes the sealed files of attachments whose rows a committed
   * transaction already deleted (message removal). A crash before this leaves
   * files without rows, which sweep() removes.
   */
  removeFiles(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const id of ids) removeQuietly(this.io, this.fileOf(id));
    syncDirectory(this.io, this.dir);
  }

  /**
   * Deletes files that no database row refers to (left by a crash between
   * file and commit, or drafts never sent). Run before any writer starts.
   */
  sweep(): number {
    let names: string[];
    try {
      names = this.io.readdirSync(this.dir) as string[];
    } catch {
      return 0;
    }
    const known = new Set(this.host.read((db) => db.all('SELECT id FROM attachments').map((r) => r.id as string)));
    let removed = 0;
    for (const name of names) {
      const id = name.replace(/\.tmp$/, '');
      if (known.has(id) && !name.endsWith('.tmp')) continue;
      removeQuietly(this.io, path.join(this.dir, name));
      removed++;
    }
    return removed;
  }
}

/**
 * One attachment file being sealed, piece by piece, into <id>.tmp. Holds at
 * most one chunk plus one incoming piece: a chunk is sealed only once more
 * data follows it, so the last chunk is known when it is sealed. Sealed
 * chunks are written a few at a time.
 */
export class AttachmentWriter {
  private readonly key = randomBytes(KEY_BYTES);
  private readonly idBytes: Buffer;
  private readonly hash = createHash('sha256');
  private readonly out = Buffer.allocUnsafe(WRITE_CHUNKS * (ATTACHMENT_CHUNK_BYTES + SEAL_OVERHEAD));
  private outLength = 0;
  /** The last chunk is sealed: the file takes no more. */
  private ended = false;
  private readonly temp: string;
  private fd: number | null;
  private pending = Buffer.allocUnsafe(ATTACHMENT_CHUNK_BYTES);
  private pendingLength = 0;
  private position = HEADER_BYTES;
  private index = 0;
  private size = 0;

  constructor(
    private readonly io: VaultFs,
    private readonly dir: string,
    private readonly file: string,
    readonly id: string,
  ) {
    this.idBytes = Buffer.from(id, 'hex');
    this.temp = `${file}.tmp`;
    this.fd = io.openSync(this.temp, 'w', 0o600);
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      header.write(MAGIC, 0, 'latin1');
      header.writeUInt16LE(VERSION, 8);
      header.writeUInt32LE(ATTACHMENT_CHUNK_BYTES, 12);
      this.idBytes.copy(header, 16);
      writeAll(io, this.fd, header, 0);
    } catch (error) {
      this.abort();
      throw ioError(error, 'storing an attachment');
    }
  }

  /** Plaintext bytes taken so far. */
  get written(): number {
    return this.size;
  }

  append(piece: Uint8Array): void {
    if (this.fd === null || this.ended) throw new VaultError('invalid-argument', 'This attachment file is already closed.');
    try {
      this.hash.update(piece);
      this.size += piece.length;
      let from = 0;
      while (from < piece.length) {
        if (this.pendingLength === ATTACHMENT_CHUNK_BYTES) {
          this.seal(false);
        }
        const take = Math.min(piece.length - from, ATTACHMENT_CHUNK_BYTES - this.pendingLength);
        this.pending.set(piece.subarray(from, from + take), this.pendingLength);
        this.pendingLength += take;
        from += take;
      }
    } catch (error) {
      this.abort();
      throw ioError(error, 'storing an attachment');
    }
  }

  /** Seals the last chunk, flushes, and moves the file into place; the caller records (then wipes) the key. */
  finish(): FinishedAttachment {
    this.sealEnd();
    return this.complete(true);
  }

  /**
   * finish(), with the flush on libuv's thread pool: for a caller that has
   * something else to wait for meanwhile (sendFile: the relay's answer to
   * the upload), so the disk's latency overlaps it.
   */
  async finishInBackground(): Promise<FinishedAttachment> {
    const fd = this.sealEnd();
    try {
      await new Promise<void>((resolve, reject) => this.io.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
    } catch (error) {
      this.abort();
      throw ioError(error, 'storing an attachment');
    }
    return this.complete(false);
  }

  /** Seals and writes the last chunk; nothing may be appended after it. */
  private sealEnd(): number {
    if (this.fd === null || this.ended) throw new VaultError('invalid-argument', 'This attachment file is already closed.');
    this.ended = true;
    try {
      this.seal(true);
      this.writeOut();
    } catch (error) {
      this.abort();
      throw ioError(error, 'storing an attachment');
    }
    return this.fd;
  }

  /** Closes the sealed file (synced first, unless that is done) and moves it into place, durably. */
  private complete(sync: boolean): FinishedAttachment {
    // An abort() while a background flush ran: the file is gone.
    if (this.fd === null) throw new VaultError('invalid-argument', 'This attachment file is already closed.');
    try {
      if (sync) this.io.fdatasyncSync(this.fd);
      this.io.closeSync(this.fd);
      this.fd = null;
      this.io.renameSync(this.temp, this.file);
      syncDirectory(this.io, this.dir);
    } catch (error) {
      this.abort();
      throw ioError(error, 'storing an attachment');
    }
    return { id: this.id, key: this.key, size: this.size, sha256: this.hash.digest() };
  }

  /** Drops the partial file and the key. Safe to call more than once. */
  abort(): void {
    if (this.fd !== null) {
      try {
        this.io.closeSync(this.fd);
      } catch {
        // Already gone; the file is removed below either way.
      }
      this.fd = null;
    }
    removeQuietly(this.io, this.temp);
    wipe(this.key);
    this.pending.fill(0);
  }

  private seal(final: boolean): void {
    if (this.outLength + ATTACHMENT_CHUNK_BYTES + SEAL_OVERHEAD > this.out.length) this.writeOut();
    this.outLength = sealInto(this.key, this.pending.subarray(0, this.pendingLength), chunkAad(this.idBytes, this.index++, final), this.out, this.outLength);
    this.pendingLength = 0;
  }

  private writeOut(): void {
    writeAll(this.io, this.fd as number, this.out.subarray(0, this.outLength), this.position);
    this.position += this.outLength;
    this.outLength = 0;
  }
}
