import { VaultError } from './errors';
import type { RecordedStatement, SqlValue } from './sql-value';

/**
 * The plaintext of a journal record: the statements of one committed
 * transaction. Compact and exact (blobs round-trip, integers stay integers),
 * and each SQL text is written once per journal file and then referred to by
 * number, so a one-message commit costs a few dozen bytes plus its values.
 * Layout in docs/vault-format.md, "Record payload".
 */

const enum Tag {
  Null = 0,
  Integer = 1,
  Float = 2,
  Text = 3,
  Blob = 4,
}

/** The SQL texts a journal file has already defined, in order of first use. */
export class SqlDictionary {
  private readonly indexBySql = new Map<string, number>();
  private readonly sqlByIndex: string[] = [];

  get size(): number {
    return this.sqlByIndex.length;
  }

  indexOf(sql: string): number | undefined {
    return this.indexBySql.get(sql);
  }

  add(sql: string): number {
    const index = this.sqlByIndex.length;
    this.sqlByIndex.push(sql);
    this.indexBySql.set(sql, index);
    return index;
  }

  at(index: number): string | undefined {
    return this.sqlByIndex[index];
  }

  /** Forgets entries added by a record that never reached the disk. */
  truncate(size: number): void {
    while (this.sqlByIndex.length > size) this.indexBySql.delete(this.sqlByIndex.pop() as string);
  }
}

class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  /** Unsigned LEB128 for 0 ≤ value ≤ 2^53; arithmetic, not bit operators, so values above 2^31 survive. */
  varint(value: number): void {
    this.ensure(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  float(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
  }

  text(value: string): void {
    const max = Buffer.byteLength(value);
    this.varint(max);
    this.ensure(max);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

class ByteReader {
  private at = 0;
  constructor(private readonly buffer: Buffer) {}

  get done(): boolean {
    return this.at === this.buffer.length;
  }

  private need(count: number): void {
    if (this.at + count > this.buffer.length) throw malformed('it ends early');
  }

  byte(): number {
    this.need(1);
    return this.buffer[this.at++] as number;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
    throw malformed('a number is too long');
  }

  float(): number {
    this.need(8);
    const value = this.buffer.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  text(): string {
    const length = this.varint();
    this.need(length);
    const value = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  bytes(): Uint8Array {
    const length = this.varint();
    this.need(length);
    // A copy, so a blob handed to SQLite never aliases the decrypted record buffer.
    const value = new Uint8Array(this.buffer.subarray(this.at, this.at + length));
    this.at += length;
    return value;
  }
}

function malformed(why: string): VaultError {
  return new VaultError('corrupt-journal', `A journal record authenticated but could not be decoded (${why}); the file was written by an incompatible version.`);
}

function writeValue(out: ByteWriter, value: SqlValue): void {
  if (value === null) out.byte(Tag.Null);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && Math.abs(value) < 2 ** 52) {
      out.byte(Tag.Integer);
      // Zig-zag keeps small negatives short (and stays below 2^53, so it is exact).
      out.varint(value >= 0 ? value * 2 : -value * 2 - 1);
    } else {
      out.byte(Tag.Float);
      out.float(value);
    }
  } else if (typeof value === 'string') {
    out.byte(Tag.Text);
    out.text(value);
  } else if (value instanceof Uint8Array) {
    out.byte(Tag.Blob);
    out.bytes(value);
  } else {
    throw new VaultError('invalid-argument', `A statement parameter has type ${typeof value}; use null, a number, a string or a Uint8Array.`);
  }
}

function readValue(input: ByteReader): SqlValue {
  const tag = input.byte();
  switch (tag) {
    case Tag.Null:
      return null;
    case Tag.Integer: {
      const z = input.varint();
      return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    }
    case Tag.Float:
      return input.float();
    case Tag.Text:
      return input.text();
    case Tag.Blob:
      return input.bytes();
    default:
      throw malformed(`unknown value tag ${tag}`);
  }
}

/** Encodes one transaction, adding new SQL texts to `dictionary` (the caller truncates it back if the write fails). */
export function encodeRecord(statements: readonly RecordedStatement[], dictionary: SqlDictionary): Buffer {
  const out = new ByteWriter(256);
  out.varint(statements.length);
  for (const { sql, params } of statements) {
    const known = dictionary.indexOf(sql);
    if (known === undefined) {
      out.varint(0);
      out.text(sql);
      dictionary.add(sql);
    } else {
      out.varint(known + 1);
    }
    out.varint(params.length);
    for (const value of params) writeValue(out, value);
  }
  return out.result();
}

export function decodeRecord(payload: Buffer, dictionary: SqlDictionary): RecordedStatement[] {
  const input = new ByteReader(payload);
  const count = input.varint();
  const statements: RecordedStatement[] = [];
  for (let i = 0; i < count; i++) {
    const ref = input.varint();
    let sql: string | undefined;
    if (ref === 0) {
      sql = input.text();
      dictionary.add(sql);
    } else {
      sql = dictionary.at(ref - 1);
      if (sql === undefined) throw malformed('it refers to an SQL text that was never defined');
    }
    const paramCount = input.varint();
    const params: SqlValue[] = new Array(paramCount);
    for (let p = 0; p < paramCount; p++) params[p] = readValue(input);
    statements.push({ sql, params });
  }
  if (!input.done) throw malformed('bytes follow the last statement');
  return statements;
}
