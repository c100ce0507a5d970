import path from 'node:path';
import { crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { SEAL_OVERHEAD, TAG_BYTES, open, sealInto } from './crypto';
import { VaultError, isDiskFull } from './errors';
import { type VaultFs, ioError, syncDirectory, writeAll } from './file-io';
import { SqlDictionary, decodeRecord, encodeRecord } from './record-codec';
import { HEADER_BYTES, decodeHeader, encodeHeader, headerSealValid } from './sealed-header';
import type { RecordedStatement } from './sql-value';

/**
 * The journal: one sealed record per committed transaction, written and
 * fsynced before the commit returns. Each record's associated data binds the
 * vault, the generation, its sequence number and the previous record's tag,
 * so records cannot be reordered, dropped from the middle, or moved to another
 * journal. docs/vault-format.md, "Journal".
 *
 * Version 2 files hold a MiB of zeros ahead of the records, laid down whenever
 * a record has no room left, and each record is written over those zeros. An fdatasync after a
 * write that makes a file longer must also commit the new length to the file
 * system's own journal; one after a write inside the file need not. Measured
 * on this machine's ext4: an fdatasync 0.085 ms against 0.119 ms, and a
 * one-message commit 0.30 ms against 0.35 ms (p50). Reading such a file
 * needs three more rules (a zero record header ends the records, a record
 * header never crosses a 512-byte sector, and a record torn in place is told
 * from a damaged one by a sector of zeros): replayJournal.
 */
export const JOURNAL_MAGIC = 'HRTHJRNL';
/** The version new journals are written in; version 1 files (appended, never extended ahead) are still read and continued. */
export const JOURNAL_VERSION = 2;
const JOURNAL_VERSIONS = [1, 2] as const;
/** sealed length u32 ‖ sequence u64 ‖ CRC-32 of those 12 bytes. */
const RECORD_HEADER_BYTES = 16;
/** The unit a disk writes whole or not at all; no device has a smaller one. */
const SECTOR_BYTES = 512;
/** The zeros a version 2 file gets ahead of its records whenever a record has no room left. */
const PREALLOCATE_BYTES = 1 << 20;
const MAX_SEALED_BYTES = 1 << 30;
let zeroRoom: Buffer | null = null;
/** PREALLOCATE_BYTES of zeros, made once (never written into). */
const zeros = (): Buffer => (zeroRoom ??= Buffer.alloc(PREALLOCATE_BYTES));
/** Above this average fdatasync time the journal syncs on libuv's thread pool instead of inline. */
const SLOW_SYNC_MS = 2;

export interface JournalIdentity {
  vaultId: Buffer;
  keyId: Buffer;
  generation: number;
}

export interface JournalHeader extends JournalIdentity {
  /** Random per file; stands in for the "previous tag" of record 1. */
  chainSeed: Buffer;
  /** 1: records appended; 2: records written into zeros laid down ahead of them. */
  version: number;
}

/** Where a replay stopped: what a writer needs to go on appending to the same file. */
export interface JournalTail {
  endOffset: number;
  lastSequence: number;
  lastTag: Buffer;
  dictionary: SqlDictionary;
  /** Bytes of a torn (never acknowledged) last record after endOffset; cut before the next append. */
  tornBytes: number;
  /** The file's length: past endOffset (when nothing is torn) only zeros, room for the next records. */
  fileBytes: number;
}

function recordAad(header: JournalIdentity, sequence: number, previousTag: Buffer): Buffer {
  const aad = Buffer.alloc(56);
  aad.write('HRTHJREC', 0, 'latin1');
  header.vaultId.copy(aad, 8);
  aad.writeBigUInt64LE(BigInt(header.generation), 24);
  aad.writeBigUInt64LE(BigInt(sequence), 32);
  previousTag.copy(aad, 40);
  return aad;
}

export function readJournalHeader(io: VaultFs, file: string): JournalHeader | null {
  let bytes: Buffer;
  try {
    const fd = io.openSync(file, 'r');
    try {
      bytes = Buffer.alloc(HEADER_BYTES);
      const got = io.readSync(fd, bytes, 0, HEADER_BYTES, 0);
      bytes = bytes.subarray(0, got);
    } finally {
      io.closeSync(fd);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
  const fields = decodeHeader(bytes, JOURNAL_MAGIC, `journal (${path.basename(file)})`, 'corrupt-journal', JOURNAL_VERSIONS);
  return { vaultId: fields.vaultId, keyId: fields.keyId, generation: fields.generation, chainSeed: fields.extra, version: fields.version };
}

export function checkJournalKey(io: VaultFs, file: string, key: Uint8Array): void {
  const fd = io.openSync(file, 'r');
  try {
    const raw = Buffer.alloc(HEADER_BYTES);
    io.readSync(fd, raw, 0, HEADER_BYTES, 0);
    if (!headerSealValid(raw, key)) throw new VaultError('wrong-key', 'The journal was sealed with a different key than the snapshot; the files do not belong together.');
  } finally {
    io.closeSync(fd);
  }
}

/**
 * Creates an empty journal atomically (temp file, sync, rename, folder sync),
 * so a crash never leaves a journal with a half-written header.
 */
export function createJournal(io: VaultFs, file: string, identity: JournalIdentity, key: Uint8Array, version: number = JOURNAL_VERSION): JournalHeader {
  const header: JournalHeader = { ...identity, chainSeed: randomBytes(16), version };
  const temp = `${file}.tmp`;
  const fd = io.openSync(temp, 'w', 0o600);
  try {
    writeAll(io, fd, encodeHeader(JOURNAL_MAGIC, { ...identity, extra: header.chainSeed }, key, version), 0);
    io.fdatasyncSync(fd);
  } catch (error) {
    io.closeSync(fd);
    throw ioError(error, 'starting a new journal');
  }
  io.closeSync(fd);
  io.renameSync(temp, file);
  syncDirectory(io, path.dirname(file));
  return header;
}

/**
 * Where the record after `offset` starts. In version 2 a record header never
 * crosses a sector boundary: with fewer than 16 bytes left before one, the
 * record starts at the boundary and the bytes before it stay zero. So a torn
 * write leaves a header either whole or all zero, never half of each.
 */
function recordStart(offset: number, version: number): number {
  if (version < 2) return offset;
  const room = SECTOR_BYTES - (offset % SECTOR_BYTES);
  return room < RECORD_HEADER_BYTES ? offset + room : offset;
}

function allZero(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * A version 2 record that fails authentication is a torn write (a crash
 * while it was being written in place over zeros) when the part of it in some
 * sector is all zero: that sector never reached the disk. A changed byte
 * leaves no such sector (sealed bytes are random), so it is damage. Records
 * written after a torn one were not acknowledged either (a sync covers every
 * record written before it), so reading stops there.
 */
function hasZeroSector(bytes: Buffer, start: number, end: number): boolean {
  for (let sector = start - (start % SECTOR_BYTES); sector < end; sector += SECTOR_BYTES) {
    if (allZero(bytes, Math.max(start, sector), Math.min(end, sector + SECTOR_BYTES))) return true;
  }
  return false;
}

/**
 * Reads every record after the header, checks it and hands its statements to
 * `apply` in order. A record cut off by the end of the file, or (version 2)
 * torn in place, ends the replay: a crash while it was being written, so
 * never acknowledged. So does (version 2) an all-zero record header: the
 * rest of the file is room laid down for later records. Any other problem
 * throws, and the caller discards what was applied.
 */
export function replayJournal(io: VaultFs, file: string, header: JournalHeader, key: Uint8Array, apply: (statements: RecordedStatement[], sequence: number) => void): JournalTail {
  const bytes = io.readFileSync(file);
  const name = path.basename(file);
  const dictionary = new SqlDictionary();
  const { version } = header;
  let offset = HEADER_BYTES;
  let sequence = 0;
  let previousTag = header.chainSeed;
  while (offset < bytes.length) {
    const start = recordStart(offset, version);
    if (!allZero(bytes, offset, Math.min(start, bytes.length))) {
      throw new VaultError('corrupt-journal', `Journal ${name}: the bytes before record ${sequence + 1} are damaged (they must be zero).`);
    }
    if (start >= bytes.length) break;
    const remaining = bytes.length - start;
    if (remaining < RECORD_HEADER_BYTES) break; // torn inside a record header
    if (version >= 2 && allZero(bytes, start, start + RECORD_HEADER_BYTES)) break; // the end of the records
    const sealedLength = bytes.readUInt32LE(start);
    const recordSequence = Number(bytes.readBigUInt64LE(start + 4));
    if (bytes.readUInt32LE(start + 12) !== crc32(bytes.subarray(start, start + 12))) {
      throw new VaultError('corrupt-journal', `Journal ${name}: the header of record ${sequence + 1} is damaged (checksum mismatch).`);
    }
    if (recordSequence !== sequence + 1) {
      throw new VaultError('corrupt-journal', `Journal ${name}: expected record ${sequence + 1} but found record ${recordSequence}; records were removed or reordered.`);
    }
    if (sealedLength < SEAL_OVERHEAD || sealedLength > MAX_SEALED_BYTES) {
      throw new VaultError('corrupt-journal', `Journal ${name}: record ${recordSequence} declares an impossible length.`);
    }
    if (remaining < RECORD_HEADER_BYTES + sealedLength) break; // torn inside the sealed payload
    const end = start + RECORD_HEADER_BYTES + sealedLength;
    const sealed = bytes.subarray(start + RECORD_HEADER_BYTES, end);
    const payload = open(key, sealed, recordAad(header, recordSequence, previousTag));
    if (!payload) {
      if (version >= 2 && hasZeroSector(bytes, start + RECORD_HEADER_BYTES, end)) break; // torn in place
      throw new VaultError('corrupt-journal', `Journal ${name}: record ${recordSequence} failed authentication (a byte was changed, or the record belongs elsewhere).`);
    }
    try {
      apply(decodeRecord(payload, dictionary), recordSequence);
    } finally {
      payload.fill(0);
    }
    previousTag = Buffer.from(sealed.subarray(sealed.length - TAG_BYTES));
    sequence = recordSequence;
    offset = end;
  }
  // What follows the records: zeros (version 2's room ahead) are kept; anything else is torn records, cut at the next write.
  const torn = version >= 2 && allZero(bytes, offset, bytes.length) ? 0 : bytes.length - offset;
  const fileBytes = bytes.length;
  bytes.fill(0);
  return { endOffset: offset, lastSequence: sequence, lastTag: previousTag, dictionary, tornBytes: torn, fileBytes };
}

export interface JournalStats {
  records: number;
  bytes: number;
  syncs: number;
}

interface Waiter {
  sequence: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes records to one open journal file with group commit: a record is
 * written at once (so it is ordered), and every commit that arrives while an
 * fdatasync is in flight waits for the next one, which covers them all.
 */
export class JournalWriter {
  /** Where the records end. */
  private offset: number;
  /** The file's length; in a version 2 file, everything from `offset` to here is zero. */
  private allocated: number;
  private sequence: number;
  private previousTag: Buffer;
  private readonly dictionary: SqlDictionary;
  private tornBytes: number;
  private durableSequence: number;
  private inflight: Promise<void> | null = null;
  private scheduled = false;
  /** Recent fdatasync time (moving average), which picks a synchronous or pooled sync. */
  private syncMillis = 0;
  private failure: VaultError | null = null;
  private readonly waiters: Waiter[] = [];
  readonly stats: JournalStats = { records: 0, bytes: 0, syncs: 0 };

  constructor(
    private readonly io: VaultFs,
    private readonly fd: number,
    readonly file: string,
    readonly header: JournalHeader,
    private readonly key: Uint8Array,
    tail: JournalTail,
  ) {
    this.offset = tail.endOffset;
    this.allocated = tail.tornBytes > 0 ? tail.endOffset : tail.fileBytes;
    this.sequence = tail.lastSequence;
    this.durableSequence = tail.lastSequence;
    this.previousTag = tail.lastTag;
    this.dictionary = tail.dictionary;
    this.tornBytes = tail.tornBytes;
  }

  static open(io: VaultFs, file: string, header: JournalHeader, key: Uint8Array, tail: JournalTail): JournalWriter {
    return new JournalWriter(io, io.openSync(file, 'r+'), file, header, key, tail);
  }

  static emptyTail(header: JournalHeader): JournalTail {
    return { endOffset: HEADER_BYTES, lastSequence: 0, lastTag: header.chainSeed, dictionary: new SqlDictionary(), tornBytes: 0, fileBytes: HEADER_BYTES };
  }

  /** Bytes of header and records (not the zeros laid down after them). */
  get size(): number {
    return this.offset;
  }

  get lastSequence(): number {
    return this.sequence;
  }

  get failed(): VaultError | null {
    return this.failure;
  }

  /**
   * Seals and writes one record; returns its sequence number. On failure the
   * file is cut back to the end of the records, so the next append starts clean.
   */
  append(statements: readonly RecordedStatement[]): number {
    if (this.failure) throw this.failure;
    if (this.tornBytes > 0) {
      // Records that were never acknowledged: cut them, durably, before writing where they were.
      // Otherwise a crash could keep the new record's first sector beside the old bytes after it,
      // which would read as damage rather than as a torn write.
      try {
        this.io.ftruncateSync(this.fd, this.offset);
      } catch (error) {
        throw ioError(error, 'dropping a torn journal record');
      }
      this.syncOrFail();
      this.tornBytes = 0;
      this.allocated = this.offset;
    }
    const dictionarySize = this.dictionary.size;
    const sequence = this.sequence + 1;
    let record: Buffer;
    let start = this.offset;
    try {
      const payload = encodeRecord(statements, this.dictionary);
      const sealedLength = payload.length + SEAL_OVERHEAD;
      record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + sealedLength);
      record.writeUInt32LE(sealedLength, 0);
      record.writeBigUInt64LE(BigInt(sequence), 4);
      record.writeUInt32LE(crc32(record.subarray(0, 12)), 12);
      sealInto(this.key, payload, recordAad(this.header, sequence, this.previousTag), record, RECORD_HEADER_BYTES);
      payload.fill(0);
      start = recordStart(this.offset, this.header.version);
      // Inside the room laid down ahead, or (version 1, or no room left) growing the file.
      writeAll(this.io, this.fd, record, start);
      if (this.header.version >= 2 && start + record.length > this.allocated) this.layRoomAfter(start + record.length);
    } catch (error) {
      this.dictionary.truncate(dictionarySize);
      // Whatever part of the record reached the file goes now, durably: a failed commit must not come back at the
      // next open, and nothing may be written there while a crash could still bring the old bytes back.
      try {
        this.io.ftruncateSync(this.fd, this.offset);
        this.allocated = this.offset;
      } catch {
        this.tornBytes = 1;
        throw ioError(error, 'writing a commit to the journal');
      }
      this.syncOrFail();
      throw ioError(error, 'writing a commit to the journal');
    }
    this.offset = start + record.length;
    this.sequence = sequence;
    this.previousTag = Buffer.from(record.subarray(record.length - TAG_BYTES));
    this.stats.records++;
    this.stats.bytes += record.length;
    return sequence;
  }

  /**
   * Lays a MiB of zeros down after the record that just grew the file, so the
   * records that follow are written inside it. The next fdatasync writes them
   * out with the new length, once per MiB of records. On a disk too full for
   * them the commit goes on without room ahead; the next one tries again.
   */
  private layRoomAfter(end: number): void {
    try {
      writeAll(this.io, this.fd, zeros(), end);
      this.allocated = end + PREALLOCATE_BYTES;
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      // The file ends somewhere between `end` and the MiB: only zeros past the record either way.
      this.allocated = end;
    }
  }

  /** fdatasync now; a failure stops the journal, as any failed sync does. */
  private syncOrFail(): void {
    try {
      this.io.fdatasyncSync(this.fd);
    } catch (error) {
      this.fail(error);
      throw this.failure;
    }
  }

  /** Resolves once record `sequence` (and every record before it) is on stable storage. */
  whenDurable(sequence: number): Promise<void> {
    if (sequence <= this.durableSequence) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ sequence, resolve, reject });
      this.scheduleSync();
    });
  }

  flush(): Promise<void> {
    return this.whenDurable(this.sequence);
  }

  /**
   * Group commit. The sync runs as a microtask, once the code that is running
   * now is done, so every commit it made shares that sync (and no turn of the
   * event loop is lost); while an asynchronous sync is in flight, commits
   * queue up and share the next one.
   */
  private scheduleSync(): void {
    if (this.scheduled || this.inflight) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.sync();
    });
  }

  /**
   * On a disk that syncs in well under a millisecond, fdatasync on this
   * thread answers sooner than a round trip through libuv's thread pool (and
   * blocks no longer than SQLite's own synchronous commit would). On a slow
   * disk the sync goes to the pool, so reads go on meanwhile.
   */
  private sync(): void {
    if (this.failure || this.sequence <= this.durableSequence) return;
    if (this.syncMillis < SLOW_SYNC_MS) {
      const target = this.sequence;
      const start = performance.now();
      try {
        this.io.fdatasyncSync(this.fd);
      } catch (error) {
        this.fail(error);
        return;
      }
      this.observe(performance.now() - start);
      this.stats.syncs++;
      this.markDurable(target);
      return;
    }
    this.startAsyncSync();
  }

  private observe(millis: number): void {
    this.syncMillis = this.syncMillis * 0.8 + millis * 0.2;
  }

  private startAsyncSync(): void {
    const target = this.sequence;
    const start = performance.now();
    this.stats.syncs++;
    this.inflight = new Promise<void>((settled) => {
      this.io.fdatasync(this.fd, (error) => {
        this.inflight = null;
        this.observe(performance.now() - start);
        settled();
        if (error) this.fail(error);
        else this.markDurable(target);
        if (this.waiters.length > 0) this.scheduleSync();
      });
    });
  }

  private fail(error: unknown): void {
    // After a failed fsync nothing is known about what reached the disk ("fsyncgate"); stop here.
    this.failure = ioError(error, 'syncing the journal');
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
  }

  private markDurable(sequence: number): void {
    if (sequence > this.durableSequence) this.durableSequence = sequence;
    while (this.waiters.length > 0 && (this.waiters[0] as Waiter).sequence <= this.durableSequence) (this.waiters.shift() as Waiter).resolve();
  }

  /**
   * Syncs everything written so far, now, on this thread. Used once per
   * compaction, before commits move to the next journal: a record there must
   * never be durable while one before it, here, is not.
   */
  syncNow(): void {
    if (this.failure) throw this.failure;
    this.syncOrFail();
    this.stats.syncs++;
    this.markDurable(this.sequence);
  }

  /** Waits for outstanding syncs (an fd must not close under a sync in flight), then closes the file. */
  async close(): Promise<void> {
    try {
      if (!this.failure) await this.flush();
    } finally {
      while (this.inflight) await this.inflight;
      this.io.closeSync(this.fd);
    }
  }
}
