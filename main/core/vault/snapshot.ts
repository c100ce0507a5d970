import { SEAL_OVERHEAD, open, sealInto } from './crypto';
import { VaultError } from './errors';
import { type VaultFs, ioError, removeQuietly, syncDirectory, writeAll } from './file-io';
import { HEADER_BYTES, decodeHeader, encodeHeader, headerSealValid, type HeaderFields } from './sealed-header';
import path from 'node:path';

/**
 * The snapshot: the SQLite database image cut into pages, each sealed with
 * AES-256-GCM. A page's associated data names the vault, the generation, its
 * number and the page count, so a page cannot be moved, replayed from an older
 * snapshot or cut off without the seal failing. docs/vault-format.md, "Snapshot".
 */
export const SNAPSHOT_MAGIC = 'HRTHSNAP';
export const DEFAULT_PAGE_BYTES = 64 * 1024;
const MAX_PAGE_BYTES = 16 * 1024 * 1024;
/** How much is read or written per system call; also the unit between pauses during compaction. */
const IO_CHUNK_BYTES = 4 * 1024 * 1024;

export interface SnapshotIdentity {
  vaultId: Buffer;
  keyId: Buffer;
  generation: number;
}

export interface SnapshotHeader extends SnapshotIdentity {
  pageBytes: number;
  pageCount: number;
  imageLength: number;
  raw: Buffer;
}

function pageAad(header: SnapshotIdentity, pageNumber: number, pageCount: number, imageLength: number): Buffer {
  const aad = Buffer.alloc(48);
  aad.write(SNAPSHOT_MAGIC, 0, 'latin1');
  header.vaultId.copy(aad, 8);
  aad.writeBigUInt64LE(BigInt(header.generation), 24);
  aad.writeUInt32LE(pageNumber, 32);
  aad.writeUInt32LE(pageCount, 36);
  aad.writeBigUInt64LE(BigInt(imageLength), 40);
  return aad;
}

function extraField(pageBytes: number, pageCount: number, imageLength: number): Buffer {
  const extra = Buffer.alloc(16);
  extra.writeUInt32LE(pageBytes, 0);
  extra.writeUInt32LE(pageCount, 4);
  extra.writeBigUInt64LE(BigInt(imageLength), 8);
  return extra;
}

function pageLength(header: SnapshotHeader, pageNumber: number): number {
  return pageNumber < header.pageCount - 1 ? header.pageBytes : header.imageLength - header.pageBytes * (header.pageCount - 1);
}

export function expectedSnapshotSize(header: Pick<SnapshotHeader, 'pageCount' | 'imageLength'>): number {
  return HEADER_BYTES + header.imageLength + header.pageCount * SEAL_OVERHEAD;
}

function parseHeader(raw: Buffer): SnapshotHeader {
  const fields: HeaderFields = decodeHeader(raw, SNAPSHOT_MAGIC, 'snapshot', 'corrupt-snapshot');
  const pageBytes = fields.extra.readUInt32LE(0);
  const pageCount = fields.extra.readUInt32LE(4);
  const imageLength = Number(fields.extra.readBigUInt64LE(8));
  if (pageBytes === 0 || pageBytes > MAX_PAGE_BYTES || pageCount !== Math.ceil(imageLength / pageBytes)) {
    throw new VaultError('corrupt-snapshot', 'The snapshot header describes an impossible page layout.');
  }
  return { vaultId: fields.vaultId, keyId: fields.keyId, generation: fields.generation, pageBytes, pageCount, imageLength, raw };
}

function openForRead(io: VaultFs, file: string): number {
  try {
    return io.openSync(file, 'r');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw new VaultError('missing-file', `The vault's snapshot (${path.basename(file)}) is missing.`);
    throw error;
  }
}

function readAt(io: VaultFs, fd: number, into: Buffer, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = io.readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Reads and checks the header only (no key needed): which vault, key and generation this snapshot is. */
export function readSnapshotHeader(io: VaultFs, file: string): SnapshotHeader {
  const fd = openForRead(io, file);
  try {
    const raw = Buffer.alloc(HEADER_BYTES);
    const got = readAt(io, fd, raw, 0);
    return parseHeader(raw.subarray(0, got));
  } finally {
    io.closeSync(fd);
  }
}

/**
 * Decrypts the whole snapshot into one image buffer, reading a few MiB at a
 * time so the sealed file and the image never both sit whole in memory.
 */
export function loadSnapshot(io: VaultFs, file: string, key: Uint8Array): { header: SnapshotHeader; image: Buffer } {
  const fd = openForRead(io, file);
  try {
    const raw = Buffer.alloc(HEADER_BYTES);
    const header = parseHeader(raw.subarray(0, readAt(io, fd, raw, 0)));
    if (!headerSealValid(raw, key)) {
      throw new VaultError('wrong-key', 'The key does not open this vault: the snapshot was sealed with a different key.');
    }
    const size = io.fstatSync(fd).size;
    const expected = expectedSnapshotSize(header);
    if (size < expected) throw new VaultError('truncated', `The snapshot is truncated: ${size} of ${expected} bytes are present.`);
    if (size > expected) throw new VaultError('corrupt-snapshot', `The snapshot has ${size - expected} unexpected bytes after its last page.`);

    const image = Buffer.allocUnsafe(header.imageLength);
    const sealedPage = header.pageBytes + SEAL_OVERHEAD;
    const pagesPerChunk = Math.max(1, Math.floor(IO_CHUNK_BYTES / sealedPage));
    const chunk = Buffer.allocUnsafe(Math.min(pagesPerChunk * sealedPage, expected - HEADER_BYTES));
    let position = HEADER_BYTES;
    let page = 0;
    while (page < header.pageCount) {
      const pages = Math.min(pagesPerChunk, header.pageCount - page);
      let bytes = 0;
      for (let i = 0; i < pages; i++) bytes += pageLength(header, page + i) + SEAL_OVERHEAD;
      const view = chunk.subarray(0, bytes);
      if (readAt(io, fd, view, position) < bytes) throw new VaultError('truncated', 'The snapshot ended while it was being read.');
      let at = 0;
      for (let i = 0; i < pages; i++, page++) {
        const length = pageLength(header, page) + SEAL_OVERHEAD;
        const plain = open(key, view.subarray(at, at + length), pageAad(header, page, header.pageCount, header.imageLength));
        if (!plain) {
          image.fill(0);
          throw new VaultError('corrupt-snapshot', `Snapshot page ${page} of ${header.pageCount} failed authentication: a byte was changed, or pages were swapped or replaced.`);
        }
        // TypedArray.set is a plain memcpy; Buffer.copy was a third of open's time. The page's
        // plaintext copy is not wiped: the image it goes into holds the same bytes until lock.
        image.set(plain, page * header.pageBytes);
        at += length;
      }
      position += bytes;
    }
    return { header, image };
  } finally {
    io.closeSync(fd);
  }
}

export interface WriteSnapshotOptions {
  pageBytes?: number;
  /** Called between chunks so a compaction lets commits through; resolves when work may go on. */
  pause?: () => Promise<void>;
}

/**
 * Writes a new snapshot to `<target>.tmp`, syncs it, renames it over
 * `target` and syncs the folder. A crash at any point leaves the old snapshot
 * or the new one, whole.
 */
export async function writeSnapshot(io: VaultFs, target: string, image: Uint8Array, identity: SnapshotIdentity, key: Uint8Array, options: WriteSnapshotOptions = {}): Promise<void> {
  const pageBytes = options.pageBytes ?? DEFAULT_PAGE_BYTES;
  const pageCount = Math.ceil(image.length / pageBytes);
  const header: SnapshotHeader = { ...identity, pageBytes, pageCount, imageLength: image.length, raw: Buffer.alloc(0) };
  const temp = `${target}.tmp`;
  const fd = io.openSync(temp, 'w', 0o600);
  try {
    writeAll(io, fd, encodeHeader(SNAPSHOT_MAGIC, { ...identity, extra: extraField(pageBytes, pageCount, image.length) }, key), 0);
    const sealedPage = pageBytes + SEAL_OVERHEAD;
    const pagesPerChunk = Math.max(1, Math.floor(IO_CHUNK_BYTES / sealedPage));
    const chunk = Buffer.allocUnsafe(Math.min(pagesPerChunk, Math.max(pageCount, 1)) * sealedPage);
    let position = HEADER_BYTES;
    for (let page = 0; page < pageCount; ) {
      let at = 0;
      for (let i = 0; i < pagesPerChunk && page < pageCount; i++, page++) {
        const start = page * pageBytes;
        const plain = image.subarray(start, start + pageLength(header, page));
        at = sealInto(key, plain, pageAad(header, page, pageCount, image.length), chunk, at);
      }
      writeAll(io, fd, chunk.subarray(0, at), position);
      position += at;
      if (options.pause) await options.pause();
    }
    await new Promise<void>((resolve, reject) => io.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  } catch (error) {
    io.closeSync(fd);
    removeQuietly(io, temp);
    throw ioError(error, 'writing a snapshot');
  }
  io.closeSync(fd);
  io.renameSync(temp, target);
  syncDirectory(io, path.dirname(target));
}
