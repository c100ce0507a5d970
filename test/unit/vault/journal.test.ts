import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeFs } from '../../../main/core/vault/file-io';
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

  it('reports a changed byte in the last record, or a sector of zeros in an earlier one, as damage', async () => {
    const { file, records } = await writeJournal(12);
    const original = fs.readFileSync(file);
    const [lastStart, lastEnd] = records.at(-1) as [number, number];
    for (let offset = lastStart + 16; offset < lastEnd; offset += 13) {
      const bytes = Buffer.from(original);
      bytes[offset] = (bytes[offset] as number) ^ 0x10;
      fs.writeFileSync(file, bytes);
      expect(() => replay(file)).toThrow(expect.objectContaining({ kind: 'corrupt-journal' }));
    }
    const [start, end] = records[5] as [number, number];
    const bytes = Buffer.from(original);
    bytes.fill(0, start + 16, Math.min(end, start + 16 + 64));
    fs.writeFileSync(file, bytes);
    expect(() => replay(file)).toThrow(expect.objectContaining({ kind: 'corrupt-journal' }));
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
