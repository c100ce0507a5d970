import path from 'node:path';
import { deriveSubkey, keyIdOf, wipe } from './crypto';
import { VaultError, isVaultError } from './errors';
import { type VaultFs, ioError, syncDirectory } from './file-io';
import { JournalWriter, type JournalHeader, checkJournalKey, createJournal, readJournalHeader, replayJournal } from './journal';
import { type KeyHeader, keyIdText, vaultIdOf } from './key-header';
import { fileNames, vaultPath } from './layout';
import type { LoadedVault } from './load';
import { loadSnapshot, readSnapshotHeader, writeSnapshot } from './snapshot';
import { SqlDatabase } from './sqlite';

/**
 * Opening a vault whose journal is damaged, missing or from another
 * generation, keeping everything that can be proven intact: the snapshot and
 * the journal's records up to the first bad one. Plain open refuses such a
 * vault and changes nothing; this is what the person chooses afterwards,
 * instead of losing the whole history to one bad sector in the last few
 * minutes of it. Nothing is deleted: the journals that could not be read are
 * renamed aside (docs/vault-format.md, "Salvage").
 */

export interface SalvageReport {
  /** Journal records (commits) kept on top of the snapshot. */
  keptCommits: number;
  /** Why the rest could not be kept: the error plain open gave, in words a person can read. */
  reason: string;
  /** Names of the journals moved aside in the profile folder (sealed, as they were). */
  setAside: string[];
}

interface Candidate {
  name: typeof fileNames.journal | typeof fileNames.nextJournal;
  header: JournalHeader | null;
  /** Why the header could not be read, when it could not. */
  problem: VaultError | null;
}

function readCandidate(io: VaultFs, dir: string, name: Candidate['name']): Candidate {
  try {
    return { name, header: readJournalHeader(io, vaultPath(dir, name)), problem: null };
  } catch (error) {
    if (!isVaultError(error)) throw error;
    return { name, header: null, problem: error };
  }
}

/**
 * The journals that apply on top of a generation-`generation` snapshot, in
 * order: the current one, then (a compaction cut short) the next one.
 */
function applicable(candidates: readonly Candidate[], vaultId: Buffer, generation: number): Candidate[] {
  const belongs = (c: Candidate | undefined, g: number): c is Candidate & { header: JournalHeader } =>
    c?.header != null && c.header.vaultId.equals(vaultId) && c.header.generation === g;
  const [journal, next] = candidates;
  if (belongs(journal, generation)) return belongs(next, generation + 1) ? [journal, next] : [journal];
  return belongs(next, generation) ? [next] : [];
}

/**
 * Builds the in-memory database from the snapshot and every intact record,
 * then makes that the vault's new state on disk: a new snapshot one
 * generation above anything present, the unreadable journals renamed aside,
 * and a fresh journal. Each step is atomic and the order keeps a crash
 * harmless: until the fresh journal exists, open refuses the files (the new
 * snapshot's generation matches no journal) and salvage gets the same result
 * again from the new snapshot alone.
 */
export async function salvageVault(
  io: VaultFs,
  dir: string,
  keyHeader: KeyHeader,
  keys: Map<string, Buffer>,
  reason: VaultError,
  options: { snapshotPageBytes?: number } = {},
): Promise<{ loaded: LoadedVault; report: SalvageReport }> {
  const vaultId = vaultIdOf(keyHeader);
  const snapshotFile = vaultPath(dir, fileNames.snapshot);
  const snapshotHeader = readSnapshotHeader(io, snapshotFile);
  if (!snapshotHeader.vaultId.equals(vaultId)) throw new VaultError('corrupt-snapshot', 'The snapshot belongs to another vault.');
  const databaseKey = keys.get(keyIdText(snapshotHeader.keyId));
  if (!databaseKey) throw new VaultError('wrong-key', 'The key given does not open this vault\'s snapshot.');
  const { image } = loadSnapshot(io, snapshotFile, deriveSubkey(databaseKey, vaultId, 'snapshot'));

  const candidates = [readCandidate(io, dir, fileNames.journal), readCandidate(io, dir, fileNames.nextJournal)];
  const db = await SqlDatabase.open(image);
  try {
    const keptCommits = replayIntact(io, dir, db, applicable(candidates, vaultId, snapshotHeader.generation), keys, vaultId);
    const newest = Math.max(snapshotHeader.generation, ...candidates.map((c) => c.header?.generation ?? 0));
    const identity = { vaultId, keyId: keyIdOf(databaseKey), generation: newest + 1 };

    await writeSnapshot(io, snapshotFile, db.export(), identity, deriveSubkey(databaseKey, vaultId, 'snapshot'), { pageBytes: options.snapshotPageBytes });
    const setAside: string[] = [];
    for (const { name } of candidates) {
      if (!io.existsSync(vaultPath(dir, name))) continue;
      const aside = `${name}.damaged-${identity.generation}`;
      try {
        io.renameSync(vaultPath(dir, name), path.join(dir, aside));
      } catch (error) {
        throw ioError(error, 'setting the damaged journal aside');
      }
      setAside.push(aside);
    }
    syncDirectory(io, dir);
    const journalKey = deriveSubkey(databaseKey, vaultId, 'journal');
    const header = createJournal(io, vaultPath(dir, fileNames.journal), identity, journalKey);
    const writer = JournalWriter.open(io, vaultPath(dir, fileNames.journal), header, journalKey, JournalWriter.emptyTail(header));
    for (const key of keys.values()) if (key !== databaseKey) wipe(key);
    return {
      loaded: { db, databaseKey, generation: identity.generation, writer, unfinished: null, replayedRecords: keptCommits, snapshotBytes: image.length },
      report: { keptCommits, reason: reason.message, setAside },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Applies each journal's records in order, each record in a savepoint, and
 * stops at the first record (or journal) that fails any check: what came
 * before it is exactly the commits that were made before it. Returns how many
 * records were kept.
 */
function replayIntact(io: VaultFs, dir: string, db: SqlDatabase, journals: readonly Candidate[], keys: Map<string, Buffer>, vaultId: Buffer): number {
  let kept = 0;
  db.run('BEGIN');
  try {
    for (const { name, header } of journals) {
      if (!header) break;
      const key = keys.get(keyIdText(header.keyId));
      if (!key) break;
      const file = vaultPath(dir, name);
      const journalKey = deriveSubkey(key, vaultId, 'journal');
      try {
        checkJournalKey(io, file, journalKey);
        replayJournal(io, file, header, journalKey, (statements) => {
          db.run('SAVEPOINT record');
          try {
            for (const { sql, params } of statements) db.run(sql, params);
          } catch (error) {
            db.run('ROLLBACK TO record');
            db.run('RELEASE record');
            throw new VaultError('corrupt-journal', `A journal record could not be applied (${(error as Error).message}).`);
          }
          db.run('RELEASE record');
          kept++;
        });
      } catch (error) {
        if (!isVaultError(error)) throw error;
        break;
      } finally {
        wipe(journalKey);
      }
    }
  } finally {
    db.run('COMMIT');
  }
  return kept;
}
