import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeFs, type VaultFs } from '../../../main/core/vault/file-io';
import { JournalWriter, createJournal, readJournalHeader, replayJournal, type JournalHeader } from '../../../main/core/vault/journal';
import type { RecordedStatement } from '../../../main/core/vault/sql-value';
import { tempDir } from './helpers';

/**
 * The journal file on its own: version 2 writes records into zeros laid down
 * ahead of them (an fdatasync inside the file is cheaper than one that also
 * grows it), which needs its own rules for where records start and what a
 * torn write looks like; version 1 files are still read and continued.
 */

const SECTOR = 512;
const key = randomBytes(32);
const identity = { vaultId: randomBytes(16), keyId: randomBytes(16), generation: 7 };

/** One statement whose text length varies, so records land at every offset within a sector. */
const statementsFor = (n: number): RecordedStatement[] => [{ sql: 'INSERT INTO t (x) VALUES (?)', params: [`record ${n} `.padEnd(20 + ((n * 37) % 300), '.')] }];

interface Written {
  file: string;
  header: JournalHeader;
  /** [start, end) of each record, header included. */
  records: Array<[number, number]>;
}

/** Where a record written after `end` starts (docs/vault-format.md): in version 2, never with its header across a sector. */
const startAfter = (end: number, version: number) => (version >= 2 && SECTOR - (end % SECTOR) < 16 ? end + SECTOR - (end % SECTOR) : end);

async function writeJournal(count: number, version = 2): Promise<Written> {
  const file = path.join(tempDir(), 'vault.journal');
  const header = createJournal(nodeFs, file, identity, key, version);
  const writer = JournalWriter.open(nodeFs, file, header, key, JournalWriter.emptyTail(header));
  const records: Array<[number, number]> = [];
  for (let n = 1; n <= count; n++) {
    const before = writer.size;
    writer.append(statementsFor(n));
    records.push([startAfter(before, version), writer.size]);
  }
  await writer.close();
  return { file, header, records };
}

function replay(file: string): { texts: string[]; tail: ReturnType<typeof replayJournal> } {
  const header = readJournalHeader(nodeFs, file) as JournalHeader;
  const texts: string[] = [];
  const tail = replayJournal(nodeFs, file, header, key, (statements) => texts.push(statements[0]?.params[0] as string));
  return { texts, tail };
}

/** node:fs on a disk with `space.bytes` left: a write that would grow a file by more fails with ENOSPC. */
function nearlyFull(space: { bytes: number }): VaultFs {
  return {
    ...nodeFs,
    writeSync: ((fd: number, data: Uint8Array, offset: number, length: number, position: number) => {
      const growth = Math.max(0, position + length - fs.fstatSync(fd).size);
      if (growth > space.bytes) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      space.bytes -= growth;
      return fs.writeSync(fd, data, offset, length, position);
    }) as VaultFs['writeSync'],
    ftruncateSync: (fd: number, length?: number) => {
      space.bytes += Math.max(0, fs.fstatSync(fd).size - (length ?? 0));
      fs.ftruncateSync(fd, length);
    },
  };
}

const expected = (count: number) => Array.from({ length: count }, (_, i) => statementsFor(i + 1)[0]?.params[0] as string);

describe('the journal file (version 2: records written in place, ahead of them zeros)', () => {
  it('lays zeros down ahead of the records, never lets a record header cross a sector, and replays every record', async () => {
    const { file, header, records } = await writeJournal(60);
    expect(header.version).toBe(2);
    const bytes = fs.readFileSync(file);
    const end = (records.at(-1) as [number, number])[1];
    // One extension, a MiB past the first record, holds all sixty.
    expect(bytes.length).toBe((records[0] as [number, number])[1] + (1 << 20));
    expect(bytes.subarray(end).every((b) => b === 0)).toBe(true);
    let padded = 0;
    for (const [start] of records) {
      expect(SECTOR - (start % SECTOR)).toBeGreaterThanOrEqual(16);
      if (start % SECTOR === 0) padded++;
    }
    // Lengths vary enough that some record needed moving to a sector boundary.
    expect(padded).toBeGreaterThan(0);
    const { texts, tail } = replay(file);
    expect(texts).toEqual(expected(60));
    expect(tail).toMatchObject({ endOffset: end, lastSequence: 60, tornBytes: 0, fileBytes: bytes.length });
  });

  it('drops a last record torn in place (a sector of it never written), keeps the file as it is, and writes over it next', async () => {
    const { file, header, records } = await writeJournal(12);
    const [start, end] = records.at(-1) as [number, number];
    const bytes = fs.readFileSync(file);
    // The record's part in its last sector stays zero, as when a crash stops the write there.
    bytes.fill(0, Math.max(start + 16, Math.floor((end - 1) / SECTOR) * SECTOR), end);
    fs.writeFileSync(file, bytes);
    const torn = replay(file);
    expect(torn.texts).toEqual(expected(11));
    expect(torn.tail.endOffset).toBe((records[10] as [number, number])[1]);
    expect(torn.tail.tornBytes).toBeGreaterThan(0);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);

    const writer = JournalWriter.open(nodeFs, file, header, key, torn.tail);
    writer.append(statementsFor(99));
    await writer.close();
    expect(replay(file).texts).toEqual([...expected(11), statementsFor(99)[0]?.params[0]]);
  });

  it('reports a changed byte in any record as damage', async () => {
    const { file, records } = await writeJournal(12);
    const original = fs.readFileSync(file);
    for (const [start, end] of [records[5], records.at(-1)] as Array<[number, number]>) {
      for (let offset = start + 16; offset < end; offset += 13) {
        const bytes = Buffer.from(original);
        bytes[offset] = (bytes[offset] as number) ^ 0x10;
        fs.writeFileSync(file, bytes);
        expect(() => replay(file)).toThrow(expect.objectContaining({ kind: 'corrupt-journal' }));
      }
    }
  });

  it('drops a record torn in place and every record after it, which a crash before the shared sync leaves intact', async () => {
    // Commits made together share one fdatasync, so a crash can lose a sector of one record and keep the
    // next; neither was acknowledged. (A sector read back as zeros from a failing disk looks the same.)
    const { file, header, records } = await writeJournal(12);
    const [start, end] = records[9] as [number, number];
    const bytes = fs.readFileSync(file);
    // The record's sealed bytes in the sector its header is in never arrived; the next record did.
    bytes.fill(0, start + 16, Math.min(end, Math.ceil((start + 17) / SECTOR) * SECTOR));
    fs.writeFileSync(file, bytes);
    const { texts, tail } = replay(file);
    expect(texts).toEqual(expected(9));
    expect(tail.endOffset).toBe((records[8] as [number, number])[1]);
    expect(tail.tornBytes).toBe(bytes.length - tail.endOffset);
    const writer = JournalWriter.open(nodeFs, file, header, key, tail);
    writer.append(statementsFor(10));
    await writer.close();
    expect(replay(file).texts).toEqual(expected(10));
  });

  it('on a nearly full disk, commits go on without room ahead, and one that does not fit fails and leaves nothing', async () => {
    const file = path.join(tempDir(), 'vault.journal');
    const header = createJournal(nodeFs, file, identity, key);
    const space = { bytes: 2000 };
    const disk = nearlyFull(space);
    const writer = JournalWriter.open(disk, file, header, key, JournalWriter.emptyTail(header));
    // No MiB of room fits, so each record grows the file by itself, until the space is gone.
    let written = 0;
    for (let n = 1; n <= 20; n++) {
      try {
        writer.append(statementsFor(n));
        written = n;
      } catch (error) {
        expect(error).toMatchObject({ kind: 'disk-full' });
        break;
      }
    }
    expect(written).toBeGreaterThan(2);
    expect(written).toBeLessThan(20);
    expect(fs.statSync(file).size).toBe(writer.size);
    space.bytes = 4 << 20;
    writer.append(statementsFor(written + 1));
    await writer.close();
    expect(replay(file).texts).toEqual(expected(written + 1));
    // With space again, the room ahead is back.
    expect(fs.statSync(file).size).toBe(writer.size + (1 << 20));
  });

  it('ends the records at an all-zero record header, and treats what follows as room (cut at the next write)', async () => {
    const { file, header, records } = await writeJournal(12);
    const bytes = fs.readFileSync(file);
    const end = (records.at(-1) as [number, number])[1];
    // A torn write whose first sector never arrived leaves its later bytes after a zero header.
    randomBytes(40).copy(bytes, end + 600);
    fs.writeFileSync(file, bytes);
    const { texts, tail } = replay(file);
    expect(texts).toEqual(expected(12));
    expect(tail.tornBytes).toBe(bytes.length - end);
    const writer = JournalWriter.open(nodeFs, file, header, key, tail);
    writer.append(statementsFor(13));
    await writer.close();
    expect(replay(file).texts).toEqual(expected(13));
    // The junk went with the cut; past the records there are zeros again.
    expect(fs.readFileSync(file).subarray(writer.size).every((b) => b === 0)).toBe(true);
  });

  it('still reads version 1 files, and continues them by appending (no room laid down, no sector rule)', async () => {
    const { file, header, records } = await writeJournal(40, 1);
    expect(header.version).toBe(1);
    const end = (records.at(-1) as [number, number])[1];
    expect(fs.statSync(file).size).toBe(end);
    for (let i = 1; i < records.length; i++) expect((records[i] as [number, number])[0]).toBe((records[i - 1] as [number, number])[1]);
    const { texts, tail } = replay(file);
    expect(texts).toEqual(expected(40));
    const writer = JournalWriter.open(nodeFs, file, readJournalHeader(nodeFs, file) as JournalHeader, key, tail);
    writer.append(statementsFor(41));
    await writer.close();
    expect(fs.statSync(file).size).toBe(writer.size);
    expect(replay(file).texts).toEqual(expected(41));
  });
});
