import path from 'node:path';
import { crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { SEAL_OVERHEAD, TAG_BYTES, open, sealInto } from './crypto';
import { VaultError } from './errors';
import { type VaultFs, ioError, syncDirectory, writeAll } from './file-io';
import { SqlDictionary, decodeRecord, encodeRecord } from './record-codec';
import { HEADER_BYTES, decodeHeader, encodeHeader, headerSealValid } from './sealed-header';
import type { RecordedStatement } from './sql-value';

/**
 * The journal: one sealed record per committed transaction, appended and
 * fsynced before the commit returns. Each record's associated data binds the
 * vault, the generation, its sequence number and the previous record's tag,
 * so records cannot be reordered, dropped from the middle, or moved to another
 * journal. docs/vault-format.md, "Journal".
 */
export const JOURNAL_MAGIC = 'HRTHJRNL';
/** sealed length u32 ‖ sequence u64 ‖ CRC-32 of those 12 bytes. */
const RECORD_HEADER_BYTES = 16;
const MAX_SEALED_BYTES = 1 << 30;
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
}

/** Where a replay stopped: what a writer needs to go on appending to the same file. */
export interface JournalTail {
  endOffset: number;
  lastSequence: number;
  lastTag: Buffer;
  dictionary: SqlDictionary;
  /** Bytes of a torn (never acknowledged) last record after endOffset; cut before the next append. */
  tornBytes: number;
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
  const fields = decodeHeader(bytes, JOURNAL_MAGIC, `journal (${path.basename(file)})`, 'corrupt-journal');
  return { vaultId: fields.vaultId, keyId: fields.keyId, generation: fields.generation, chainSeed: fields.extra };
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
export function createJournal(io: VaultFs, file: string, identity: JournalIdentity, key: Uint8Array): JournalHeader {
  const header: JournalHeader = { ...identity, chainSeed: randomBytes(16) };
  const temp = `${file}.tmp`;
  const fd = io.openSync(temp, 'w', 0o600);
  try {
    writeAll(io, fd, encodeHeader(JOURNAL_MAGIC, { ...identity, extra: header.chainSeed }, key), 0);
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
 * Reads every record after the header, checks it and hands its statements to
 * `apply` in order. A record cut off by the end of the file (a crash while it
 * was being written, so never acknowledged) ends the replay; any other
 * problem throws, and the caller discards what was applied.
 */
export function replayJournal(io: VaultFs, file: string, header: JournalHeader, key: Uint8Array, apply: (statements: RecordedStatement[], sequence: number) => void): JournalTail {
  const bytes = io.readFileSync(file);
  const name = path.basename(file);
  const dictionary = new SqlDictionary();
  let offset = HEADER_BYTES;
  let sequence = 0;
  let previousTag = header.chainSeed;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    if (remaining < RECORD_HEADER_BYTES) break; // torn inside a record header
    const sealedLength = bytes.readUInt32LE(offset);
    const recordSequence = Number(bytes.readBigUInt64LE(offset + 4));
    if (bytes.readUInt32LE(offset + 12) !== crc32(bytes.subarray(offset, offset + 12))) {
      throw new VaultError('corrupt-journal', `Journal ${name}: the header of record ${sequence + 1} is damaged (checksum mismatch).`);
    }
    if (recordSequence !== sequence + 1) {
      throw new VaultError('corrupt-journal', `Journal ${name}: expected record ${sequence + 1} but found record ${recordSequence}; records were removed or reordered.`);
    }
    if (sealedLength < SEAL_OVERHEAD || sealedLength > MAX_SEALED_BYTES) {
      throw new VaultError('corrupt-journal', `Journal ${name}: record ${recordSequence} declares an impossible length.`);
    }
    if (remaining < RECORD_HEADER_BYTES + sealedLength) break; // torn inside the sealed payload
    const sealed = bytes.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + sealedLength);
    const payload = open(key, sealed, recordAad(header, recordSequence, previousTag));
    if (!payload) {
      throw new VaultError('corrupt-journal', `Journal ${name}: record ${recordSequence} failed authentication (a byte was changed, or the record belongs elsewhere).`);
    }
    apply(decodeRecord(payload, dictionary), recordSequence);
    payload.fill(0);
    previousTag = Buffer.from(sealed.subarray(sealed.length - TAG_BYTES));
    sequence = recordSequence;
    offset += RECORD_HEADER_BYTES + sealedLength;
  }
  bytes.fill(0);
  return { endOffset: offset, lastSequence: sequence, lastTag: previousTag, dictionary, tornBytes: bytes.length - offset };
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
 * Appends records to one open journal file with group commit: a record is
 * written at once (so it is ordered), and every commit that arrives while an
 * fdatasync is in flight waits for the next one, which covers them all.
 */
export class JournalWriter {
  private offset: number;
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
    return { endOffset: HEADER_BYTES, lastSequence: 0, lastTag: header.chainSeed, dictionary: new SqlDictionary(), tornBytes: 0 };
  }

  /** Bytes in the file, header included. */
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
   * file is cut back to where it was, so the next append starts clean.
   */
  append(statements: readonly RecordedStatement[]): number {
    if (this.failure) throw this.failure;
    if (this.tornBytes > 0) {
      // The tail of a record that was never acknowledged: drop it before writing after it.
      try {
        this.io.ftruncateSync(this.fd, this.offset);
      } catch (error) {
        throw ioError(error, 'dropping a torn journal record');
      }
      this.tornBytes = 0;
    }
    const dictionarySize = this.dictionary.size;
    const sequence = this.sequence + 1;
    let record: Buffer;
    try {
      const payload = encodeRecord(statements, this.dictionary);
      const sealedLength = payload.length + SEAL_OVERHEAD;
      record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + sealedLength);
      record.writeUInt32LE(sealedLength, 0);
      record.writeBigUInt64LE(BigInt(sequence), 4);
      record.writeUInt32LE(crc32(record.subarray(0, 12)), 12);
      sealInto(this.key, payload, recordAad(this.header, sequence, this.previousTag), record, RECORD_HEADER_BYTES);
      payload.fill(0);
      writeAll(this.io, this.fd, record, this.offset);
    } catch (error) {
      this.dictionary.truncate(dictionarySize);
      try {
        this.io.ftruncateSync(this.fd, this.offset);
      } catch {
        // Whatever part of the record reached the file is a torn tail; cut it next time.
        this.tornBytes = 1;
      }
      throw ioError(error, 'writing a commit to the journal');
    }
    this.offset += record.length;
    this.sequence = sequence;
    this.previousTag = Buffer.from(record.subarray(record.length - TAG_BYTES));
    this.stats.records++;
    this.stats.bytes += record.length;
    return sequence;
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
    try {
      this.io.fdatasyncSync(this.fd);
    } catch (error) {
      this.fail(error);
      throw this.failure;
    }
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
