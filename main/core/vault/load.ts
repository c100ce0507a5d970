import { deriveSubkey, wipe } from './crypto';
import { VaultError, type VaultErrorKind } from './errors';
import type { VaultFs } from './file-io';
import { JournalWriter, type JournalHeader, checkJournalKey, readJournalHeader, replayJournal } from './journal';
import { type KeyHeader, keyIdText, vaultIdOf } from './key-header';
import { fileNames, vaultPath } from './layout';
import { type SnapshotHeader, loadSnapshot, readSnapshotHeader } from './snapshot';
import { SCHEMA_VERSION, newerSchemaError, schemaVersionOf } from './schema';
import type { RecordedStatement } from './sql-value';
import { SqlDatabase } from './sqlite';

/** A compaction that a crash interrupted after its new journal began (docs/vault-format.md, "Open"). */
export interface UnfinishedCompaction {
  generation: number;
  /** The image the new snapshot must hold; null when that snapshot is already in place and only the journal rename is left. */
  image: Uint8Array | null;
}

export interface LoadedVault {
  db: SqlDatabase;
  databaseKey: Buffer;
  generation: number;
  writer: JournalWriter;
  unfinished: UnfinishedCompaction | null;
  replayedRecords: number;
  /** Plaintext size of the snapshot loaded (sets the compaction threshold). */
  snapshotBytes: number;
}

function sameVault(header: { vaultId: Buffer }, vaultId: Buffer, what: string, kind: 'corrupt-snapshot' | 'corrupt-journal'): void {
  if (!header.vaultId.equals(vaultId)) throw new VaultError(kind, `The ${what} belongs to another vault.`);
}

/**
 * Reads snapshot and journal(s), checks everything, and builds the in-memory
 * database. Reads only: a damaged vault fails here with nothing modified.
 */
export async function loadVault(io: VaultFs, dir: string, keyHeader: KeyHeader, keys: Map<string, Buffer>): Promise<LoadedVault> {
  const vaultId = vaultIdOf(keyHeader);
  const snapshot = snapshotOf(io, dir, vaultId, keys);
  const image = decryptSnapshot(io, snapshot, vaultId);
  try {
    return await applyJournals(io, dir, image, snapshot.header, vaultId, keys);
  } catch (error) {
    image.fill(0); // if the database never took it over
    // The key and the snapshot are fine: what failed from here on was the journal, which salvage can get past,
    // unless a newer Hearth wrote it (that is not damage; updating opens it).
    if (error instanceof VaultError && !notDamage.has(error.kind)) throw new VaultError(error.kind, error.message, { cause: error.cause, salvageable: true });
    throw error;
  }
}

export interface SnapshotInPlace {
  file: string;
  header: SnapshotHeader;
  /** The database key that sealed it. */
  key: Buffer;
}

/** The snapshot's header (checked to belong to this vault) and the database key that opens it; reads only the header. */
export function snapshotOf(io: VaultFs, dir: string, vaultId: Buffer, keys: Map<string, Buffer>): SnapshotInPlace {
  const file = vaultPath(dir, fileNames.snapshot);
  const header = readSnapshotHeader(io, file);
  sameVault(header, vaultId, 'snapshot', 'corrupt-snapshot');
  const key = keys.get(keyIdText(header.keyId));
  if (!key) throw new VaultError('wrong-key', 'The key given does not open this vault\'s snapshot.');
  return { file, header, key };
}

/** Every page of the snapshot, opened into one plaintext image (the caller zeroes it, or hands it to SqlDatabase). */
export function decryptSnapshot(io: VaultFs, snapshot: SnapshotInPlace, vaultId: Buffer): Buffer {
  const subkey = deriveSubkey(snapshot.key, vaultId, 'snapshot');
  try {
    return loadSnapshot(io, snapshot.file, subkey).image;
  } finally {
    wipe(subkey);
  }
}

/** Refusals that are not damage: salvage must not "repair" what a newer Hearth wrote, nor drop records over a failing read or a full memory. */
export const notDamage: ReadonlySet<VaultErrorKind> = new Set(['newer-format', 'newer-schema', 'io-error']);

/** SQLite running out of memory (or room) applying a record that checked out: the record is fine, the machine is not. */
const OUT_OF_RESOURCES = /out of memory|SQLITE_NOMEM|SQLITE_FULL|database or disk is full/i;

/**
 * Applies one journal record. A record that fails after the database went to
 * a schema this Hearth does not know was written by a newer Hearth (its SQL
 * may call functions this one lacks): that is not damage.
 */
export function applyRecord(db: SqlDatabase, statements: readonly RecordedStatement[], sequence: number): void {
  try {
    for (const { sql, params } of statements) db.run(sql, params);
  } catch (error) {
    const version = schemaVersionOf(db);
    if (version > SCHEMA_VERSION) throw newerSchemaError(version);
    const message = (error as Error).message;
    if (OUT_OF_RESOURCES.test(message)) throw new VaultError('io-error', `Journal record ${sequence} could not be applied: ${message}. Close other programs and try again.`, { cause: error });
    throw new VaultError('corrupt-journal', `Journal record ${sequence} could not be applied (${message}).`);
  }
}

/** Replays the journal(s) that belong on top of the snapshot (see "Open" in the format doc) into a database holding `image`. */
async function applyJournals(io: VaultFs, dir: string, image: Buffer, snapshotHeader: SnapshotHeader, vaultId: Buffer, keys: Map<string, Buffer>): Promise<LoadedVault> {
  const generation = snapshotHeader.generation;
  const journalFile = vaultPath(dir, fileNames.journal);
  const nextFile = vaultPath(dir, fileNames.nextJournal);
  const journal = readJournalHeader(io, journalFile);
  const next = readJournalHeader(io, nextFile);
  if (!journal) throw new VaultError('missing-file', 'The vault\'s journal (vault.journal) is missing.');
  sameVault(journal, vaultId, 'journal', 'corrupt-journal');
  if (next) sameVault(next, vaultId, 'next journal', 'corrupt-journal');

  // Which journals apply on top of this snapshot, in order (see "Open" in the format doc).
  let replay: Array<{ file: string; header: JournalHeader }>;
  let unfinished: UnfinishedCompaction | null = null;
  if (!next) {
    if (journal.generation !== generation) throw mismatch(journal.generation, generation);
    replay = [{ file: journalFile, header: journal }];
  } else if (journal.generation === generation && next.generation === generation + 1) {
    replay = [{ file: journalFile, header: journal }, { file: nextFile, header: next }];
    unfinished = { generation: generation + 1, image: null };
  } else if (journal.generation === generation - 1 && next.generation === generation) {
    replay = [{ file: nextFile, header: next }];
    unfinished = { generation, image: null };
  } else {
    throw mismatch(next.generation, generation);
  }

  const journalKeys: Buffer[] = [];
  let db: SqlDatabase | null = null;
  let replayedRecords = 0;
  try {
    for (const { file, header } of replay) {
      const key = keys.get(keyIdText(header.keyId));
      if (!key) throw new VaultError('wrong-key', 'The key given does not open this vault\'s journal.');
      journalKeys.push(deriveSubkey(key, vaultId, 'journal'));
      checkJournalKey(io, file, journalKeys[journalKeys.length - 1] as Buffer);
    }
    const database = await SqlDatabase.open(image);
    db = database;
    const version = schemaVersionOf(database);
    if (version > SCHEMA_VERSION) throw newerSchemaError(version);
    let tail = null;
    for (let i = 0; i < replay.length; i++) {
      const { file, header } = replay[i] as (typeof replay)[number];
      // One SQLite transaction per file: replaying thousands of small commits one by one would
      // pay for thousands of index flushes; the journal's own records are the unit of durability.
      database.run('BEGIN');
      tail = replayJournal(io, file, header, journalKeys[i] as Buffer, (statements, sequence) => {
        applyRecord(database, statements, sequence);
        replayedRecords++;
      });
      database.run('COMMIT');
      if (unfinished && replay.length === 2 && i === 0) unfinished.image = database.export();
    }
    const last = replay[replay.length - 1] as (typeof replay)[number];
    const writerKey = journalKeys[journalKeys.length - 1] as Buffer;
    const writer = JournalWriter.open(io, last.file, last.header, writerKey, tail ?? JournalWriter.emptyTail(last.header));
    for (const key of journalKeys.slice(0, -1)) wipe(key);
    const writerKeyId = keyIdText(last.header.keyId);
    const currentKey = keys.get(writerKeyId) as Buffer;
    for (const [id, key] of keys) if (id !== writerKeyId) wipe(key);
    return { db: database, databaseKey: currentKey, generation: unfinished ? unfinished.generation : generation, writer, unfinished, replayedRecords, snapshotBytes: snapshotHeader.imageLength };
  } catch (error) {
    wipe(...journalKeys);
    unfinished?.image?.fill(0);
    db?.close();
    throw error;
  }
}

function mismatch(found: number, snapshot: number): VaultError {
  return new VaultError(
    'journal-generation-mismatch',
    `The journal is from generation ${found} but the snapshot is generation ${snapshot}: an older (or foreign) journal was put in place. Restore the matching files from a backup.`,
  );
}
