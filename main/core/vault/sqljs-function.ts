/**
 * Defines an SQL function on a sql.js database through SQLite's C API
 * directly. sql.js's own create_function passes every argument and result
 * through Emscripten's cwrap conversions: about 12 µs a call, which for the
 * search index's trigger function (one call per message stored) was more
 * than all the rest of the index's work for that message. Here a call reads
 * its arguments straight from the instance's memory: about 1 µs.
 *
 * Text functions only: each argument arrives as a string (SQLite converts
 * numbers to text) or null, and the result is a string or null.
 */

/** The parts of sql.js's Emscripten module (exported by sql.js for its own use) that this needs. */
export interface SqlJsModule {
  addFunction(fn: (context: number, argc: number, argv: number) => void, signature: 'viii'): number;
  _sqlite3_create_function_v2(db: number, name: number, argc: number, flags: number, app: number, fn: number, step: number, final: number, destroy: number): number;
  _sqlite3_value_type(value: number): number;
  _sqlite3_value_text(value: number): number;
  _sqlite3_value_bytes(value: number): number;
  _sqlite3_result_text(context: number, text: number, bytes: number, destructor: number): void;
  _sqlite3_result_null(context: number): void;
  _sqlite3_result_error(context: number, message: number, bytes: number): void;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

export type TextFunction = (...args: Array<string | null>) => string | null;

const SQLITE_OK = 0;
const SQLITE_NULL = 5;
const SQLITE_UTF8 = 1;
/** Same arguments, same result: lets SQLite use it anywhere, and says what the index relies on. */
const SQLITE_DETERMINISTIC = 0x800;
/** SQLite copies the result before the call returns. */
const SQLITE_TRANSIENT = -1;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function defineTextFunction(module: SqlJsModule, memory: { readonly buffer: ArrayBuffer }, db: number, name: string, argc: number, fn: TextFunction): void {
  // Results are encoded into one buffer in the instance's memory, kept for the database's life
  // and grown as needed (SQLite copies a result before the call returns).
  let scratch = 0;
  let scratchBytes = 0;
  const encodeIntoScratch = (text: string): number => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const needed = Math.max(64, text.length * 3);
    if (needed > scratchBytes) {
      if (scratch) module._free(scratch);
      scratchBytes = Math.max(needed, scratchBytes * 2);
      scratch = module._malloc(scratchBytes);
      if (!scratch) throw new Error('out of memory');
    }
    return encoder.encodeInto(text, new Uint8Array(memory.buffer, scratch, scratchBytes)).written;
  };
  const call = (context: number, count: number, argv: number): void => {
    try {
      const args: Array<string | null> = [];
      for (let i = 0; i < count; i++) {
        const value = new DataView(memory.buffer).getUint32(argv + 4 * i, true);
        if (module._sqlite3_value_type(value) === SQLITE_NULL) {
          args.push(null);
          continue;
        }
        const text = module._sqlite3_value_text(value);
        const length = module._sqlite3_value_bytes(value);
        // After both calls: converting a value to text may grow the memory (a new buffer).
        args.push(decoder.decode(new Uint8Array(memory.buffer, text, length)));
      }
      const result = fn(...args);
      if (result === null) module._sqlite3_result_null(context);
      else {
        const written = encodeIntoScratch(result);
        module._sqlite3_result_text(context, scratch, written, SQLITE_TRANSIENT);
      }
    } catch (error) {
      const written = encodeIntoScratch(`${name}(): ${error instanceof Error ? error.message : String(error)}`);
      module._sqlite3_result_error(context, scratch, written);
    }
  };
  const pointer = module.addFunction(call, 'viii');
  const written = encodeIntoScratch(`${name}\0`);
  const code = module._sqlite3_create_function_v2(db, scratch, argc, SQLITE_UTF8 | SQLITE_DETERMINISTIC, 0, pointer, 0, 0, 0);
  if (code !== SQLITE_OK || written === 0) throw new Error(`could not define the SQL function ${name} (SQLite error ${code})`);
}
