import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlDictionary, decodeRecord, encodeRecord } from '../../../main/core/vault/record-codec';
import type { RecordedStatement, SqlValue } from '../../../main/core/vault/sql-value';

const value: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noNaN: true }),
  fc.string({ unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 300 }),
);

describe('journal record payload', () => {
  it('round-trips every kind of value exactly, blobs included', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ sql: fc.constantFrom('INSERT A', 'UPDATE B', 'DELETE C'), params: fc.array(value, { maxLength: 12 }) }), { maxLength: 8 }), (statements) => {
        const decoded = decodeRecord(encodeRecord(statements, new SqlDictionary()), new SqlDictionary());
        expect(decoded).toEqual(statements.map((s) => ({ sql: s.sql, params: s.params.map((p) => (p instanceof Uint8Array ? new Uint8Array(p) : Object.is(p, -0) ? 0 : p)) })));
      }),
    );
  });

  it('writes each SQL text once per journal and refers to it by number afterwards', () => {
    const writer = new SqlDictionary();
    const reader = new SqlDictionary();
    const statement: RecordedStatement = { sql: 'INSERT INTO messages (body) VALUES (?)', params: ['hello'] };
    const first = encodeRecord([statement], writer);
    const second = encodeRecord([statement], writer);
    expect(second.length).toBeLessThan(first.length - statement.sql.length + 5);
    expect(decodeRecord(first, reader)).toEqual([statement]);
    expect(decodeRecord(second, reader)).toEqual([statement]);
  });

  it('forgets SQL texts of a record that never reached the disk', () => {
    const writer = new SqlDictionary();
    encodeRecord([{ sql: 'A', params: [] }], writer);
    const size = writer.size;
    encodeRecord([{ sql: 'B', params: [] }], writer);
    writer.truncate(size);
    const reader = new SqlDictionary();
    decodeRecord(encodeRecord([{ sql: 'A', params: [] }], new SqlDictionary()), reader);
    // 'B' is defined again in full by the next record that uses it.
    expect(decodeRecord(encodeRecord([{ sql: 'B', params: [1] }], writer), reader)).toEqual([{ sql: 'B', params: [1] }]);
  });

  it('refuses a payload that refers to an undefined SQL text', () => {
    const payload = encodeRecord([{ sql: 'A', params: [] }, { sql: 'A', params: [] }], new SqlDictionary());
    const reader = new SqlDictionary();
    expect(() => decodeRecord(payload.subarray(0, payload.length), reader)).not.toThrow();
    expect(() => decodeRecord(Buffer.from([1, 5, 0]), new SqlDictionary())).toThrow(/never defined/);
  });
});
