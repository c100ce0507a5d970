import { randomBytes } from 'node:crypto';
import { AttachmentStore } from './attachments';
import { deriveSubkey, keyIdOf, randomKey, wipe } from './crypto';
import { VaultError } from './errors';
import { type VaultFs, nodeFs, removeQuietly, syncDirectory, writeFileAtomic } from './file-io';
import { JournalWriter, createJournal } from './journal';
import {
  type KeyHeader,
  type Protection,
  type Unlock,
  buildKeyEntry,
  keyIdText,
  primarySlot,
  readKeyFile,
  readKeyHeader,
  recoverySlot,
  rekeyHeader,
  unlockEntry,
  unlockKeys,
  vaultIdOf,
  withPrimarySlot,
  writeKeyHeader,
} from './key-header';
import type { PassphraseKdfParams } from './kdf';
import { fileNames, vaultPath } from './layout';
import { type LoadedVault, type UnfinishedCompaction, loadVault } from './load';
import { type SalvageReport, salvageVault } from './salvage';
import { RecordingWriter } from './recording-writer';
import { formatRecoveryKey, newRecoverySecret } from './recovery-key';
import { SCHEMA_VERSION, migrations, newerSchemaError, schemaVersionOf } from './schema';
import { listStatements } from './queries/conversations';
import { pageStatements } from './queries/messages';
import { INDEX_AT_COMMIT_SCHEMA, indexNewMessages, optimizeSearchIndex, searchStatements, tidySearchIndex } from './queries/search';
import { writeSnapshot } from './snapshot';
import { SqlDatabase, type SqlReader, type SqlWriter } from './sqlite';
import fs from 'node:fs';

export interface VaultOptions {
  /** File operations (tests inject failures here). */
  fs?: VaultFs;
  /** Lock after this many milliseconds without a read or write; null or 0 = never. */
  autoLockMs?: number | null;
  /** Compact when the journal passes this many bytes. Default: a quarter of the snapshot, between 4 and 64 MiB. */
  compactJournalBytes?: number;
  /** Compact after this long without a commit (if the journal holds at least idleCompactMinBytes). Default 30 s; null = never. */
  idleCompactMs?: number | null;
  idleCompactMinBytes?: number;
  /** Plaintext bytes per sealed snapshot page. Default 64 KiB. */
  snapshotPageBytes?: number;
  /** Migrate only up to this schema version (tests of migrations). Default: the newest. */
  schemaVersion?: number;
  /** Called after the vault locked itself or was locked. */
  onLock?: (reason: LockReason) => void;
}

export type LockReason = 'manual' | 'idle';

export interface VaultStats {
  generation: number;
  journalBytes: number;
  journalRecords: number;
  /** fdatasync calls on the journal since it was opened: fewer than records means commits shared them. */
  journalSyncs: number;
  compactions: number;
  replayedRecords: number;
  schemaVersion: number;
}

const MIB = 1024 * 1024;
const COMPACTION_RETRY_MS = 30_000;

/**
 * The encrypted local history: an in-memory sql.js database persisted as a
 * page-sealed snapshot plus a sealed, fsynced journal (docs/vault-format.md).
 * Writes go through `write()`, which returns once the commit is durable;
 * reads through `read()`. Lock drops the key and the database from memory.
 */
export class Vault {
  readonly attachments: AttachmentStore;
  private db: SqlDatabase | null;
  private databaseKey: Buffer;
  private writer: JournalWriter;
  private generation: number;
  private unfinished: UnfinishedCompaction | null;
  private compacting: Promise<void> | null = null;
  /** The next compaction merges the search index whole (see purgeRemoved). */
  private purgeSearchIndex = false;
  /** Whether commits index new messages (schema 012 and later, see search.indexNewMessages; a vault held at 011 indexes them at its next commit after 012). */
  private indexesAtCommit = false;
  /** Set while a rekey or lock owns the vault; writes wait for it. */
  private exclusive: Promise<unknown> | null = null;
  private closing: Promise<void> | null = null;
  private snapshotBytes: number;
  private readonly replayedRecords: number;
  private compactions = 0;
  private lastCompactionError: unknown = null;
  private retryCompactionAt = 0;
  private autoLockTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly io: VaultFs;

  private constructor(
    readonly dir: string,
    private keyHeader: KeyHeader,
    loaded: LoadedVault,
    private readonly options: VaultOptions,
  ) {
    this.io = options.fs ?? nodeFs;
    this.db = loaded.db;
    this.databaseKey = loaded.databaseKey;
    this.writer = loaded.writer;
    this.generation = loaded.generation;
    this.unfinished = loaded.unfinished;
    this.replayedRecords = loaded.replayedRecords;
    this.snapshotBytes = loaded.snapshotBytes;
    this.attachments = new AttachmentStore(this.io, vaultPath(dir, fileNames.attachments), this);
    this.touch();
  }

  /** True when a vault (its key header) exists in `dir`. */
  static exists(dir: string, io: VaultFs = nodeFs): boolean {
    return io.existsSync(vaultPath(dir, fileNames.keys));
  }

  /**
   * Sets up a new vault in `dir` and returns it unlocked, with the recovery
   * key to show the person once (it is not stored anywhere).
   */
  static async create(dir: string, protection: Protection, options: VaultOptions = {}): Promise<{ vault: Vault; recoveryKey: string }> {
    const io = options.fs ?? nodeFs;
    io.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (Vault.exists(dir, io)) throw new VaultError('vault-exists', 'A vault already exists in this folder.');
    const databaseKey = protection.kind === 'keyfile' ? readKeyFile(io, protection.path) : randomKey();
    const vaultId = randomBytes(16);
    const secret = newRecoverySecret();
    const entry = await buildKeyEntry(vaultId, databaseKey, protection, secret);
    const recoveryKey = formatRecoveryKey(secret);
    wipe(secret);

    // Snapshot and journal first, key header last: until the header exists there is no vault,
    // so a crash part-way leaves a folder that create() simply starts over in.
    const identity = { vaultId, keyId: keyIdOf(databaseKey), generation: 1 };
    const db = await SqlDatabase.open(null);
    const image = db.export();
    db.close();
    await writeSnapshot(io, vaultPath(dir, fileNames.snapshot), image, identity, deriveSubkey(databaseKey, vaultId, 'snapshot'), { pageBytes: options.snapshotPageBytes });
    removeQuietly(io, vaultPath(dir, fileNames.nextJournal));
    createJournal(io, vaultPath(dir, fileNames.journal), identity, deriveSubkey(databaseKey, vaultId, 'journal'));
    const header: KeyHeader = { format: 'hearth-vault-keys', version: 1, vaultId: vaultId.toString('base64'), keys: [entry] };
    writeKeyHeader(io, vaultPath(dir, fileNames.keys), header);
    const vault = await Vault.openWithKeys(dir, header, new Map([[entry.keyId, databaseKey]]), options);
    return { vault, recoveryKey };
  }

  /** Opens and unlocks the vault in `dir`. Any damage fails here with a VaultError, and no file is modified. */
  static async open(dir: string, unlock: Unlock, options: VaultOptions = {}): Promise<Vault> {
    const io = options.fs ?? nodeFs;
    const header = readKeyHeader(io, vaultPath(dir, fileNames.keys));
    const keys = await unlockKeys(header, unlock, io);
    return Vault.openWithKeys(dir, header, keys, options);
  }

  /**
   * Opens the vault as open() does; when that fails on the journal alone (a
   * VaultError marked `salvageable`: damaged, missing, or from another
   * generation), opens it with the snapshot and the journal's intact records
   * instead, and makes that the state on disk, the unreadable journal set
   * aside (salvage.ts). The report is null when nothing needed salvaging.
   */
  static async salvage(dir: string, unlock: Unlock, options: VaultOptions = {}): Promise<{ vault: Vault; report: SalvageReport | null }> {
    const io = options.fs ?? nodeFs;
    const header = readKeyHeader(io, vaultPath(dir, fileNames.keys));
    const keys = await unlockKeys(header, unlock, io);
    let loaded: LoadedVault;
    let report: SalvageReport | null = null;
    let keyHeader = header;
    try {
      loaded = await loadVault(io, dir, header, keys);
    } catch (error) {
      if (!(error instanceof VaultError) || !error.salvageable) {
        wipe(...keys.values());
        throw error;
      }
      try {
        ({ loaded, report, keyHeader } = await salvageVault(io, dir, header, keys, error, { snapshotPageBytes: options.snapshotPageBytes }));
      } catch (failure) {
        wipe(...keys.values());
        throw failure;
      }
    }
    return { vault: await Vault.fromLoaded(dir, keyHeader, loaded, options), report };
  }

  private static async openWithKeys(dir: string, header: KeyHeader, keys: Map<string, Buffer>, options: VaultOptions): Promise<Vault> {
    let loaded: LoadedVault;
    try {
      loaded = await loadVault(options.fs ?? nodeFs, dir, header, keys);
    } catch (error) {
      wipe(...keys.values());
      throw error;
    }
    return Vault.fromLoaded(dir, header, loaded, options);
  }

  /** Checks the schema, migrates and warms up a freshly loaded database. */
  private static async fromLoaded(dir: string, header: KeyHeader, loaded: LoadedVault, options: VaultOptions): Promise<Vault> {
    const version = schemaVersionOf(loaded.db);
    if (version > SCHEMA_VERSION) {
      loaded.db.close();
      await loaded.writer.close();
      wipe(loaded.databaseKey);
      throw newerSchemaError(version);
    }
    const vault = new Vault(dir, header, loaded, options);
    vault.indexesAtCommit = version >= INDEX_AT_COMMIT_SCHEMA;
    try {
      await vault.migrate(version, options.schemaVersion ?? SCHEMA_VERSION);
    } catch (error) {
      await vault.close({ compact: false });
      throw error;
    }
    loaded.db.warm([...listStatements, ...pageStatements, ...searchStatements]);
    return vault;
  }

  /** Each migration in its own transaction, journaled like any commit so replay reproduces it. */
  private async migrate(from: number, to: number): Promise<void> {
    let migrated = false;
    for (const migration of migrations) {
      if (migration.version <= from || migration.version > to) continue;
      await this.write((tx) => {
        for (const statement of migration.statements) tx.run(statement);
        tx.run(`PRAGMA user_version = ${migration.version}`);
      });
      this.indexesAtCommit = migration.version >= INDEX_AT_COMMIT_SCHEMA;
      migrated = true;
    }
    if (migrated) this.scheduleCompaction();
  }

  get locked(): boolean {
    return this.db === null;
  }

  /** Runs `fn` against the database and returns its result. Reads see every commit made so far. */
  read<T>(fn: (db: SqlReader) => T): T {
    const db = this.requireOpen();
    this.touch();
    return fn(db);
  }

  /**
   * Runs `fn` as one transaction and resolves once it is durable (journaled
   * and fsynced). `fn` must be synchronous; if it throws, nothing is written.
   * Commits that arrive while a sync is in flight share the next one.
   */
  write<T>(fn: (tx: SqlWriter) => T): Promise<T> {
    if (this.exclusive) return this.exclusive.then(() => this.write(fn), () => this.write(fn));
    try {
      return this.commit(fn);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private commit<T>(fn: (tx: SqlWriter) => T): Promise<T> {
    const db = this.requireOpen();
    if (this.closing) throw new VaultError('locked', 'The vault is locking.');
    this.touch();
    const tx = new RecordingWriter(db);
    db.run('BEGIN');
    let result: T;
    let sequence: number;
    try {
      result = fn(tx);
      if (result instanceof Promise) throw new VaultError('invalid-argument', 'A vault transaction must be synchronous; do the async work before write().');
      if (this.indexesAtCommit) indexNewMessages(tx);
      if (tx.statements.length === 0) {
        db.run('COMMIT');
        return Promise.resolve(result);
      }
      sequence = this.writer.append(tx.statements);
    } catch (error) {
      db.run('ROLLBACK');
      throw error;
    }
    db.run('COMMIT');
    const durable = this.writer.whenDurable(sequence);
    this.afterCommit();
    return durable.then(() => result);
  }

  private afterCommit(): void {
    if (this.unfinished || this.writer.size > this.compactThreshold()) this.scheduleCompaction();
    if (this.options.idleCompactMs !== null) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        if (this.writer.size >= (this.options.idleCompactMinBytes ?? 64 * 1024)) this.scheduleCompaction();
      }, this.options.idleCompactMs ?? 30_000);
      this.idleTimer.unref();
    }
  }

  private compactThreshold(): number {
    return this.options.compactJournalBytes ?? Math.min(64 * MIB, Math.max(4 * MIB, this.snapshotBytes / 4));
  }

  private scheduleCompaction(): void {
    // After a failure (a full disk, say) automatic attempts pause, rather than rewrite the snapshot on every commit.
    if (this.compacting || this.closing || Date.now() < this.retryCompactionAt) return;
    setImmediate(() => {
      if (this.db && !this.compacting && !this.closing) this.compact().catch(() => undefined);
    });
  }

  /**
   * Folds the journal into a new snapshot: a short synchronous switch (copy
   * the image, start the next journal), then sealing and writing the snapshot
   * in chunks while commits go on. docs/vault-format.md, "Compaction".
   */
  compact(): Promise<void> {
    this.requireOpen();
    return this.compactAfterOthers();
  }

  /**
   * After messages were removed (expired, deleted): compacts, so the journal
   * no longer holds their plaintext, with the search index first merged into
   * one segment, so the snapshot no longer holds their words either.
   */
  purgeRemoved(): Promise<void> {
    this.purgeSearchIndex = true;
    return this.compact();
  }

  /** A compaction already running started before the latest commits, so wait for it and run another. */
  private async compactAfterOthers(): Promise<void> {
    while (this.compacting) await this.compacting.catch(() => undefined);
    this.requireOpen();
    this.compacting = this.runCompaction().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  private async runCompaction(): Promise<void> {
    try {
      if (this.unfinished) await this.finishCompaction();
      if (this.writer.lastSequence === 0) return;
      this.startNextGeneration(this.databaseKey);
      await this.finishCompaction();
      this.lastCompactionError = null;
      this.retryCompactionAt = 0;
    } catch (error) {
      this.lastCompactionError = error;
      this.retryCompactionAt = Date.now() + COMPACTION_RETRY_MS;
      throw error;
    }
  }

  /** The synchronous half: snapshot image + next journal; commits after this go to the next generation. */
  private startNextGeneration(key: Buffer): void {
    const db = this.requireOpen();
    if (this.purgeSearchIndex) optimizeSearchIndex(db);
    else tidySearchIndex(db);
    this.purgeSearchIndex = false;
    const image = db.export();
    this.writer.syncNow();
    const vaultId = vaultIdOf(this.keyHeader);
    const nextFile = vaultPath(this.dir, fileNames.nextJournal);
    const generation = this.generation + 1;
    const journalKey = deriveSubkey(key, vaultId, 'journal');
    let header;
    try {
      header = createJournal(this.io, nextFile, { vaultId, keyId: keyIdOf(key), generation }, journalKey);
    } catch (error) {
      removeQuietly(this.io, `${nextFile}.tmp`);
      throw error;
    }
    const previous = this.writer;
    this.writer = JournalWriter.open(this.io, nextFile, header, journalKey, JournalWriter.emptyTail(header));
    this.generation = generation;
    this.unfinished = { generation, image };
    void previous.close().catch(() => undefined);
  }

  /** The asynchronous half: write the snapshot, make the next journal the journal, drop stale keys. */
  private async finishCompaction(): Promise<void> {
    const unfinished = this.unfinished;
    if (!unfinished) return;
    const vaultId = vaultIdOf(this.keyHeader);
    if (unfinished.image) {
      const identity = { vaultId, keyId: keyIdOf(this.databaseKey), generation: unfinished.generation };
      const snapshotKey = deriveSubkey(this.databaseKey, vaultId, 'snapshot');
      await writeSnapshot(this.io, vaultPath(this.dir, fileNames.snapshot), unfinished.image, identity, snapshotKey, {
        pageBytes: this.options.snapshotPageBytes,
        pause: () => new Promise((resolve) => setImmediate(resolve)),
      });
      wipe(snapshotKey);
      this.snapshotBytes = unfinished.image.length;
      unfinished.image = null;
    }
    this.io.renameSync(vaultPath(this.dir, fileNames.nextJournal), vaultPath(this.dir, fileNames.journal));
    syncDirectory(this.io, this.dir);
    this.unfinished = null;
    this.compactions++;
    const current = keyIdText(keyIdOf(this.databaseKey));
    if (this.keyHeader.keys.length > 1 || this.keyHeader.rekey) {
      const { rekey: _done, ...header } = this.keyHeader;
      this.saveKeyHeader({ ...header, keys: header.keys.filter((k) => k.keyId === current) });
    }
  }

  private saveKeyHeader(header: KeyHeader): void {
    writeKeyHeader(this.io, vaultPath(this.dir, fileNames.keys), header);
    this.keyHeader = header;
  }

  private currentEntry() {
    const current = keyIdText(keyIdOf(this.databaseKey));
    const entry = this.keyHeader.keys.find((k) => k.keyId === current);
    if (!entry) throw new VaultError('corrupt-keys', 'The key header has no entry for the open key.');
    return entry;
  }

  /** Runs `fn` with writes held back; for key changes, which must not interleave with each other. */
  private async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive.catch(() => undefined);
    this.requireOpen();
    const run = (async () => {
      if (this.compacting) await this.compacting.catch(() => undefined);
      await this.writer.flush();
      return fn();
    })();
    this.exclusive = run;
    try {
      return await run;
    } finally {
      this.exclusive = null;
    }
  }

  /** Rewraps the database key under a new passphrase; the old one must be right. */
  changePassphrase(oldPassphrase: string, newPassphrase: string, kdf?: PassphraseKdfParams): Promise<void> {
    return this.exclusively(async () => {
      const entry = this.currentEntry();
      const check = await unlockEntry(vaultIdOf(this.keyHeader), entry, { kind: 'passphrase', passphrase: oldPassphrase }, this.io);
      wipe(check);
      const slot = await primarySlot(vaultIdOf(this.keyHeader), this.databaseKey, { kind: 'passphrase', passphrase: newPassphrase, kdf });
      this.replaceEntry(withPrimarySlot(entry, slot));
    });
  }

  /**
   * Changes how the database key is protected (keychain ↔ passphrase, or to a
   * raw key file, which is then written with the key). The recovery key stays valid.
   */
  switchProtection(protection: Protection): Promise<void> {
    return this.exclusively(async () => {
      if (protection.kind === 'keyfile') writeFileAtomic(this.io, protection.path, Buffer.from(this.databaseKey.toString('hex') + '\n'));
      const slot = await primarySlot(vaultIdOf(this.keyHeader), this.databaseKey, protection);
      this.replaceEntry(withPrimarySlot(this.currentEntry(), slot));
    });
  }

  /**
   * Issues a new recovery key in place of the old one (which stops working).
   * The vault keeps no copy of a recovery key, so "show it again" means this.
   */
  replaceRecoveryKey(): Promise<{ recoveryKey: string }> {
    return this.exclusively(async () => {
      const secret = newRecoverySecret();
      const entry = this.currentEntry();
      const slot = recoverySlot(vaultIdOf(this.keyHeader), this.databaseKey, secret);
      this.replaceEntry({ keyId: entry.keyId, slots: [...entry.slots.filter((s) => s.type !== 'recovery'), slot] });
      const recoveryKey = formatRecoveryKey(secret);
      wipe(secret);
      return { recoveryKey };
    });
  }

  private replaceEntry(entry: KeyHeader['keys'][number]): void {
    this.saveKeyHeader({ ...this.keyHeader, keys: this.keyHeader.keys.map((k) => (k.keyId === entry.keyId ? entry : k)) });
  }

  /**
   * Full rekey: a new random database key, a new snapshot and journal sealed
   * with it, the old files replaced and the old key removed from the header.
   * Returns the new recovery key (the old one stops working).
   */
  rekey(protection: Protection): Promise<{ recoveryKey: string }> {
    return this.exclusively(async () => {
      if (this.unfinished) await this.finishCompaction();
      const vaultId = vaultIdOf(this.keyHeader);
      const newKey = randomKey();
      if (protection.kind === 'keyfile') writeFileAtomic(this.io, protection.path, Buffer.from(newKey.toString('hex') + '\n'));
      const secret = newRecoverySecret();
      const entry = await buildKeyEntry(vaultId, newKey, protection, secret);
      const recoveryKey = formatRecoveryKey(secret);
      wipe(secret);
      // Both keys in the header until the switch is complete, so a crash at any step still opens.
      this.saveKeyHeader(rekeyHeader(this.keyHeader, entry, newKey, this.databaseKey));
      this.startNextGeneration(newKey);
      const oldKey = this.databaseKey;
      this.databaseKey = newKey;
      wipe(oldKey);
      await this.finishCompaction();
      return { recoveryKey };
    });
  }

  /**
   * Drops the database and the key from memory (closing sql.js zeroes its
   * memory). Waits for commits in flight, and compacts first if the journal
   * holds anything, so the next open replays little.
   */
  lock(reason: LockReason = 'manual', options: { compact?: boolean } = {}): Promise<void> {
    if (!this.db) return Promise.resolve();
    this.closing ??= this.shutDown(reason, options.compact ?? true);
    return this.closing;
  }

  /** Same as lock(): on quit the vault compacts (unless told not to) and lets go. */
  close(options: { compact?: boolean } = {}): Promise<void> {
    return this.lock('manual', options);
  }

  private async shutDown(reason: LockReason, compact: boolean): Promise<void> {
    while (this.exclusive) await this.exclusive.catch(() => undefined);
    if (this.autoLockTimer) clearTimeout(this.autoLockTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      await this.writer.flush();
      if (this.compacting) await this.compacting.catch(() => undefined);
      if (compact && !this.writer.failed && (this.unfinished || this.writer.lastSequence > 0)) await this.compactAfterOthers();
    } catch {
      // The journal still holds every acknowledged commit; the next open replays it.
    } finally {
      await this.writer.close().catch(() => undefined);
      this.db?.close();
      this.db = null;
      if (this.unfinished?.image) wipe(this.unfinished.image);
      wipe(this.databaseKey);
    }
    this.options.onLock?.(reason);
  }

  stats(): VaultStats {
    return {
      generation: this.generation,
      journalBytes: this.writer.size,
      journalRecords: this.writer.lastSequence,
      journalSyncs: this.writer.stats.syncs,
      compactions: this.compactions,
      replayedRecords: this.replayedRecords,
      schemaVersion: (this.requireOpen().get('PRAGMA user_version')?.user_version as number) ?? 0,
    };
  }

  /** The last background compaction's failure, if it has not succeeded since (e.g. disk full). */
  get compactionError(): unknown {
    return this.lastCompactionError;
  }

  private requireOpen(): SqlDatabase {
    if (!this.db) throw new VaultError('locked', 'The vault is locked. Unlock it first.');
    return this.db;
  }

  private touch(): void {
    const ms = this.options.autoLockMs;
    if (!ms) return;
    if (this.autoLockTimer) clearTimeout(this.autoLockTimer);
    this.autoLockTimer = setTimeout(() => void this.lock('idle'), ms);
    this.autoLockTimer.unref();
  }
}

/** For scripts and tests: writes a new random raw key file (64 hex characters), readable only by its owner. */
export function writeNewKeyFile(file: string): void {
  fs.writeFileSync(file, randomKey().toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
}
