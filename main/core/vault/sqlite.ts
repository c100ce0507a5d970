import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import v8 from 'node:v8';
import type { Database as SqlJsDatabase, SqlJsStatic, Statement } from 'sql.js';
import type { SqlParams, SqlValue } from './sql-value';
import { sqlFunctions } from './sql-functions';
import { defineTextFunction, type SqlJsModule } from './sqljs-function';

/**
 * sql.js, one fresh WebAssembly instance per unlocked vault. Its own instance
 * means locking can zero the whole linear memory (SQLite's page cache and
 * freed buffers) after closing the database, instead of leaving plaintext
 * pages to be reused some day. The compiled module is shared; instantiating
 * it again costs about a millisecond.
 */
const requireHere = createRequire(import.meta.url);
const sqlJsEntry = requireHere.resolve('sql.js/dist/sql-wasm.js');

// The project's Node typings (lib ES2023, no DOM) do not declare WebAssembly; these are the parts used.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Memory: abstract new (...args: never[]) => WasmMemory;
  instantiate(module: object, imports: unknown): Promise<WasmInstance>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * V8 runs WebAssembly on its baseline compiler's code first and recompiles a
 * function with the optimizing compiler only once it has run a lot in the
 * process. SQLite's code for a given query runs a few times per unlock, so it
 * stayed on baseline code: the first page of a conversation after unlocking
 * took 2-3x as long as with optimized code (0.6-1.2 ms against 0.4-0.5 ms at
 * 200,000 messages). Eager tier-up starts just as fast on baseline code and
 * optimizes each function in the background as soon as it first runs. The
 * flag is process-wide and read when a module is compiled; Node and
 * Electron's main process both allow setting V8 flags at run time.
 */
v8.setFlagsFromString('--no-wasm-dynamic-tiering');

/**
 * Compiling sql.js's WebAssembly takes ~100 ms; it starts in the background as
 * soon as the vault module loads, so it is usually done before anyone unlocks.
 */
let compiled: Promise<object> | null = null;
function compiledSqlJs(): Promise<object> {
  compiled ??= wasm.compile(readFileSync(requireHere.resolve('sql.js/dist/sql-wasm.wasm')));
  return compiled;
}
void compiledSqlJs().catch(() => {
  compiled = null;
});

type InitSqlJs = (config: Record<string, unknown>) => Promise<SqlJsStatic>;

/**
 * sql.js keeps one instance per evaluation of its script, so each vault
 * evaluates it afresh. Not through require(): the module cache and the
 * parent's `children` list would keep every old instance (and its memory) alive.
 */
let script: Script | null = null;

function sqlJsFactory(): InitSqlJs {
  script ??= new Script(`(function (module, exports, require, __filename, __dirname) {${readFileSync(sqlJsEntry, 'utf8')}\n})`, { filename: sqlJsEntry });
  const load = script.runInThisContext() as (module: { exports: unknown }, exports: unknown, require: NodeJS.Require, filename: string, dirname: string) => void;
  const module: { exports: unknown } = { exports: {} };
  load(module, module.exports, requireHere, sqlJsEntry, path.dirname(sqlJsEntry));
  return module.exports as InitSqlJs;
}

async function freshSqlJs(): Promise<{ sql: SqlJsStatic; memory: WasmMemory }> {
  const module = await compiledSqlJs();
  const init = sqlJsFactory();
  let memory: WasmMemory | null = null;
  const sql = await init({
    instantiateWasm(imports: unknown, done: (instance: WasmInstance) => void) {
      void wasm.instantiate(module, imports).then((instance) => {
        memory = Object.values(instance.exports).find((e): e is WasmMemory => e instanceof wasm.Memory) ?? null;
        done(instance);
      });
      return {};
    },
  });
  if (!memory) throw new Error('sql.js exported no linear memory');
  return { sql, memory };
}

export type Row = Record<string, SqlValue>;

/** Reads: what the typed query modules need from a connection. */
export interface SqlReader {
  all(sql: string, params?: SqlParams): Row[];
  get(sql: string, params?: SqlParams): Row | undefined;
}

/** Writes inside a vault transaction; every `run` is recorded for the journal. */
export interface SqlWriter extends SqlReader {
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: SqlParams): number;
  /** Runs an INSERT; returns the new rowid. */
  insert(sql: string, params?: SqlParams): number;
}

/**
 * One in-memory SQLite database with a cache of prepared statements (sql.js
 * would otherwise compile every statement on every call).
 */
export class SqlDatabase implements SqlReader {
  private readonly statements = new Map<string, Statement>();
  private readonly columns = new Map<Statement, string[]>();

  private constructor(
    private db: SqlJsDatabase | null,
    private readonly memory: WasmMemory,
    private image: Buffer | null,
  ) {}

  /**
   * Opens an image (or a new, empty database when `image` is null). The
   * database takes the buffer over: sql.js's in-memory file system "copies" it
   * with slice(), which for a Node Buffer is a view, so a large snapshot is not
   * copied again. The caller must not touch `image` afterwards; close() zeroes it.
   */
  static async open(image: Buffer | null): Promise<SqlDatabase> {
    const { sql, memory } = await freshSqlJs();
    const db = new sql.Database(image);
    const handle = (db as unknown as { db: number }).db;
    for (const { name, argc, fn } of sqlFunctions) defineTextFunction(sql as unknown as SqlJsModule, memory, handle, name, argc, fn);
    const database = new SqlDatabase(db, memory, image);
    // The file lives in memory and durability is the journal's job: SQLite's own rollback journal
    // only needs to support ROLLBACK, so keep it in memory too, and skip the lock calls.
    database.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -4096; PRAGMA foreign_keys = ON;');
    // Deleted rows (expired or deleted messages) are overwritten with zeros, not left in free pages of the next snapshot.
    database.exec('PRAGMA secure_delete = ON;');
    return database;
  }

  private handle(): SqlJsDatabase {
    if (!this.db) throw new Error('database is closed');
    return this.db;
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.handle().prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs one statement and returns how many rows it changed. */
  run(sql: string, params: SqlParams = []): number {
    const statement = this.prepare(sql);
    statement.run(params as SqlValue[]);
    return this.handle().getRowsModified();
  }

  all(sql: string, params: SqlParams = []): Row[] {
    const statement = this.prepare(sql);
    let names = this.columns.get(statement);
    if (!names) {
      names = statement.getColumnNames();
      this.columns.set(statement, names);
    }
    const rows: Row[] = [];
    try {
      statement.bind(params as SqlValue[]);
      while (statement.step()) {
        const values = statement.get();
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i] as SqlValue;
        rows.push(row);
      }
    } finally {
      statement.reset();
    }
    return rows;
  }

  get(sql: string, params: SqlParams = []): Row | undefined {
    return this.all(sql, params)[0];
  }

  /**
   * Compiles statements ahead of their first use, and runs those given
   * parameters once (on keys that match nothing), so the first real query
   * finds its code paths warm. One that does not compile yet (older schema)
   * is skipped.
   */
  warm(statements: ReadonlyArray<{ sql: string; params?: SqlParams }>): void {
    for (const { sql, params } of statements) {
      try {
        if (params) this.all(sql, params);
        else this.prepare(sql);
      } catch {
        // Prepared on first use instead.
      }
    }
  }

  /** Several statements without parameters (migrations, pragmas). */
  exec(sql: string): void {
    this.handle().exec(sql);
  }

  /** A consistent copy of the database file (SQLite's backup API; prepared statements survive). */
  export(): Uint8Array {
    return this.handle().export();
  }

  /** Frees every statement, closes SQLite and zeroes the instance's memory. */
  close(): void {
    if (!this.db) return;
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
    this.columns.clear();
    this.db.close();
    this.db = null;
    new Uint8Array(this.memory.buffer).fill(0);
    // The file system may have moved the file to a bigger buffer since; zeroing the first one still helps.
    this.image?.fill(0);
    this.image = null;
  }
}
