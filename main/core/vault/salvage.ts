import path from 'node:path';
import { deriveSubkey, keyIdOf, wipe } from './crypto';
import { VaultError } from './errors';
import { type VaultFs, ioError, syncDirectory } from './file-io';
import { JournalWriter, type JournalHeader, checkJournalKey, createJournal, readJournalHeader, replayJournal } from './journal';
import { type KeyHeader, keyIdText, vaultIdOf, writeKeyHeader } from './key-header';
import { fileNames, vaultPath } from './layout';
import { type LoadedVault, applyRecord, decryptSnapshot, notDamage, snapshotOf } from './load';
import { SCHEMA_VERSION, newerSchemaError, schemaVersionOf } from './schema';
import { writeSnapshot } from './snapshot';
import { SqlDatabase } from './sqlite';

/**
 * Opening a vault whose journal is damaged, missing or from another
 * generation, keeping everything that can be proven intact: the snapshot and
 * the journal's records up to the first bad one. Plain open refuses such a
 * vault and changes nothing; this is what the person chooses afterwards,
 * instead of losing the whole history to one bad sector in the last few
 * minutes of it. Nothing is deleted: the journals that could not be read, and
 * the attachment files only their lost records referred to, are moved aside
 * (docs/vault-format.md, "Salvage").
 */

/**
 * The setting salvage leaves in the database it keeps: the Signal protocol
 * state in it may be older than what this device already used, and must be
 * retired before anything is sent (main/core/account/rolled-back-keys.ts, which
 * removes it). It is written into the new snapshot itself, so no crash can
 * separate the salvage from the retiring.
 */
export const ROLLED_BACK_SETTING = 'vault.rolled-back';

export interface SalvageReport {
  /** Journal records (commits) kept on top of the snapshot. */
  keptCommits: number;
  /** Why the rest could not be kept: the error plain open gave, in words a person can read. */
  reason: string;
  /** Names, in the profile folder, of what was moved aside (sealed, as it was). */
  setAside: string[];
}

interface Candidate {
  name: typeof fileNames.journal | typeof fileNames.nextJournal;
  header: JournalHeader | null;
}

/** A journal's header, or null when it is missing or unreadable; one a newer Hearth wrote is not damage and stops salvage. */
function readCandidate(io: VaultFs, dir: string, name: Candidate['name']): Candidate {
  try {
    return { name, header: readJournalHeader(io, vaultPath(dir, name)) };
  } catch (error) {
    if (!(error instanceof VaultError) || notDamage.has(error.kind)) throw error;
    return { name, header: null };
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
 * generation above anything of this vault present, the journals renamed
 * aside, orphaned attachment files moved aside, and a fresh journal. Each step
 * is atomic and the order keeps a crash harmless: until the fresh journal
 * exists, open refuses the files (the new snapshot's generation matches no
 * journal) and salvage gets the same result again from the new snapshot.
 * Everything that would refuse the result (a newer schema) is checked before
 * the first write.
 */
export async function salvageVault(
  io: VaultFs,
  dir: string,
  keyHeader: KeyHeader,
  keys: Map<string, Buffer>,
  reason: VaultError,
  options: { snapshotPageBytes?: number } = {},
): Promise<{ keyHeader: KeyHeader; loaded: LoadedVault; report: SalvageReport }> {
  const vaultId = vaultIdOf(keyHeader);
  const snapshot = snapshotOf(io, dir, vaultId, keys);
  const snapshotHeader = snapshot.header;
  // The newest key: during a full rekey that a crash interrupted, salvage finishes it as open would.
  const databaseKey = keys.get(keyHeader.keys[0]?.keyId ?? '') ?? snapshot.key;
  // Before the snapshot is decrypted: a journal from a newer Hearth stops salvage with no plaintext in memory.
  const candidates = [readCandidate(io, dir, fileNames.journal), readCandidate(io, dir, fileNames.nextJournal)];
  const image = decryptSnapshot(io, snapshot, vaultId);

  let db: SqlDatabase;
  try {
    db = await SqlDatabase.open(image);
  } catch (error) {
    image.fill(0);
    throw error;
  }
  const journalKey = deriveSubkey(databaseKey, vaultId, 'journal');
  try {
    const keptCommits = replayIntact(io, dir, db, applicable(candidates, vaultId, snapshotHeader.generation), keys, vaultId);
    markRolledBack(db);
    // Worked out before the first write, so nothing below can fail on the database after files changed.
    const orphans = orphanedAttachments(io, dir, db);
    const ours = candidates.filter((c) => c.header?.vaultId.equals(vaultId));
    const identity = { vaultId, keyId: keyIdOf(databaseKey), generation: 1 + Math.max(snapshotHeader.generation, ...ours.map((c) => c.header?.generation ?? 0)) };

    const exported = db.export();
    const snapshotBytes = exported.length;
    const writeKey = deriveSubkey(databaseKey, vaultId, 'snapshot');
    try {
      await writeSnapshot(io, snapshot.file, exported, identity, writeKey, { pageBytes: options.snapshotPageBytes });
    } finally {
      wipe(writeKey, exported);
    }
    const setAside: string[] = [];
    for (const { name } of candidates) {
      if (io.existsSync(vaultPath(dir, name))) setAside.push(moveAside(io, dir, name, `${name}.damaged-${identity.generation}`));
    }
    const attachmentsAside = moveAttachmentsAside(io, dir, orphans, `${fileNames.attachments}.damaged-${identity.generation}`);
    if (attachmentsAside) setAside.push(attachmentsAside);
    syncDirectory(io, dir);
    const header = createJournal(io, vaultPath(dir, fileNames.journal), identity, journalKey);
    const writer = JournalWriter.open(io, vaultPath(dir, fileNames.journal), header, journalKey, JournalWriter.emptyTail(header));
    // Snapshot and journal are sealed with one key now: an interrupted rekey is complete, its old key can go.
    const current = keyIdText(identity.keyId);
    let finalHeader = keyHeader;
    if (keyHeader.keys.length > 1 || keyHeader.rekey) {
      const { rekey: _done, ...rest } = keyHeader;
      finalHeader = { ...rest, keys: rest.keys.filter((k) => k.keyId === current) };
      writeKeyHeader(io, vaultPath(dir, fileNames.keys), finalHeader);
    }
    for (const key of keys.values()) if (key !== databaseKey) wipe(key);
    return {
      keyHeader: finalHeader,
      loaded: { db, databaseKey, generation: identity.generation, writer, unfinished: null, replayedRecords: keptCommits, snapshotBytes },
      report: { keptCommits, reason: reason.message.slice(0, 2000), setAside },
    };
  } catch (error) {
    wipe(journalKey);
    db.close();
    throw error;
  }
}

/**
 * Applies each journal's records in order, each record in a savepoint, and
 * stops at the first record (or journal) that fails any check: what came
 * before it is exactly the commits that were made before it. Returns how many
 * records were kept. A database (or record) from a newer schema is refused
 * instead: that is not damage.
 */
function replayIntact(io: VaultFs, dir: string, db: SqlDatabase, journals: readonly Candidate[], keys: Map<string, Buffer>, vaultId: Buffer): number {
  const refuseNewer = () => {
    const version = schemaVersionOf(db);
    if (version > SCHEMA_VERSION) throw newerSchemaError(version);
  };
  refuseNewer();
  let kept = 0;
  db.run('BEGIN');
  for (const { name, header } of journals) {
    const key = header && keys.get(keyIdText(header.keyId));
    if (!header || !key) break;
    const file = vaultPath(dir, name);
    const journalKey = deriveSubkey(key, vaultId, 'journal');
    try {
      checkJournalKey(io, file, journalKey);
      replayJournal(io, file, header, journalKey, (statements, sequence) => {
        db.run('SAVEPOINT record');
        try {
          applyRecord(db, statements, sequence);
        } catch (error) {
          db.run('ROLLBACK TO record');
          db.run('RELEASE record');
          throw error;
        }
        db.run('RELEASE record');
        kept++;
      });
    } catch (error) {
      if (!(error instanceof VaultError) || notDamage.has(error.kind)) throw error;
      break;
    } finally {
      wipe(journalKey);
    }
  }
  db.run('COMMIT');
  refuseNewer();
  return kept;
}

/** Renames `name` to `aside` (or `aside-2`, … when taken) and returns the name used. */
function moveAside(io: VaultFs, dir: string, name: string, aside: string): string {
  let target = aside;
  for (let n = 2; io.existsSync(path.join(dir, target)); n++) target = `${aside}-${n}`;
  try {
    io.renameSync(path.join(dir, name), path.join(dir, target));
  } catch (error) {
    throw ioError(error, 'setting a damaged file aside');
  }
  return target;
}

/**
 * Attachment files that only the lost records referred to: their keys were
 * in those records, so they are kept (sealed) for whoever recovers them from
 * the set-aside journal, instead of being swept away as orphans. A database
 * from before attachments existed refers to none.
 */
function orphanedAttachments(io: VaultFs, dir: string, db: SqlDatabase): string[] {
  let names: string[];
  try {
    names = io.readdirSync(vaultPath(dir, fileNames.attachments)) as string[];
  } catch {
    return [];
  }
  const hasTable = db.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'attachments'") !== undefined;
  const known = new Set(hasTable ? db.all('SELECT id FROM attachments').map((r) => r.id as string) : []);
  return names.filter((name) => !known.has(name));
}

function moveAttachmentsAside(io: VaultFs, dir: string, orphans: readonly string[], aside: string): string | null {
  if (orphans.length === 0) return null;
  const folder = vaultPath(dir, fileNames.attachments);
  let target = aside;
  for (let n = 2; io.existsSync(path.join(dir, target)); n++) target = `${aside}-${n}`;
  try {
    io.mkdirSync(path.join(dir, target), { mode: 0o700 });
    for (const name of orphans) io.renameSync(path.join(folder, name), path.join(dir, target, name));
  } catch (error) {
    throw ioError(error, 'setting attachment files aside');
  }
  syncDirectory(io, folder);
  return target;
}

/** Sets ROLLED_BACK_SETTING (schema 003 and later hold settings; a vault from before has never sent anything). */
function markRolledBack(db: SqlDatabase): void {
  if (!db.get("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'settings'")) return;
  db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [ROLLED_BACK_SETTING, JSON.stringify(true)]);
}
