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

export interface AttachmentMeta {
  contentType: string;
  fileName?: string | null;
  createdAt: number;
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
   * Seals `source` into a new attachment file, then records it (with its key)
   * in the database. Resolves once both are durable.
   */
  async put(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, meta: AttachmentMeta): Promise<AttachmentInfo> {
    this.io.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const idBytes = randomBytes(16);
    const id = idBytes.toString('hex');
    const key = randomBytes(KEY_BYTES);
    const file = this.fileOf(id);
    const temp = `${file}.tmp`;
    const hash = createHash('sha256');
    let size = 0;
    const fd = this.io.openSync(temp, 'w', 0o600);
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      header.write(MAGIC, 0, 'latin1');
      header.writeUInt16LE(VERSION, 8);
      header.writeUInt32LE(ATTACHMENT_CHUNK_BYTES, 12);
      idBytes.copy(header, 16);
      writeAll(this.io, fd, header, 0);
      let position = HEADER_BYTES;
      let index = 0;
      const out = Buffer.allocUnsafe(ATTACHMENT_CHUNK_BYTES + SEAL_OVERHEAD);
      // Holds at most one chunk plus one incoming piece: a chunk is sealed only once
      // more data follows it, so the last chunk is known when it is sealed.
      let pending = Buffer.alloc(0);
      const sealChunk = (plain: Buffer, final: boolean) => {
        const end = sealInto(key, plain, chunkAad(idBytes, index++, final), out, 0);
        writeAll(this.io, fd, out.subarray(0, end), position);
        position += end;
      };
      for await (const piece of source) {
        hash.update(piece);
        size += piece.length;
        pending = pending.length === 0 ? Buffer.from(piece) : Buffer.concat([pending, piece]);
        while (pending.length > ATTACHMENT_CHUNK_BYTES) {
          sealChunk(pending.subarray(0, ATTACHMENT_CHUNK_BYTES), false);
          pending = pending.subarray(ATTACHMENT_CHUNK_BYTES);
        }
      }
      sealChunk(pending, true);
      this.io.fdatasyncSync(fd);
    } catch (error) {
      this.io.closeSync(fd);
      removeQuietly(this.io, temp);
      wipe(key);
      throw ioError(error, 'storing an attachment');
    }
    this.io.closeSync(fd);
    this.io.renameSync(temp, file);
    syncDirectory(this.io, this.dir);
    const info: AttachmentInfo = { id, size, sha256: hash.digest(), contentType: meta.contentType, fileName: meta.fileName ?? null, createdAt: meta.createdAt };
    try {
      await this.host.write((tx) =>
        tx.run('INSERT INTO attachments (id, file_key, size, sha256, content_type, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          id,
          key,
          size,
          info.sha256,
          info.contentType,
          info.fileName,
          info.createdAt,
        ]),
      );
    } catch (error) {
      removeQuietly(this.io, file);
      throw error;
    } finally {
      wipe(key);
    }
    return info;
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
      if (header.toString('latin1', 0, 8) !== MAGIC || header.readUInt16LE(8) !== VERSION) throw corrupt('unknown signature or version');
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

  /** Deletes files that no database row refers to (left by a crash between file and commit). */
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
