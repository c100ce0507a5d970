import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WriteOp } from '../../../relay/store/sqlite/mailbox-writer';
import { packWriteOps, unpackWriteOps } from '../../../relay/store/sqlite/write-batch';

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((b) => Buffer.from(b));
const row = fc.record({
  username: fc.string({ maxLength: 40 }),
  deviceId: fc.integer({ min: 1, max: 127 }),
  fingerprint: bytes(32),
  id: bytes(16),
  body: fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
  expiresAt: fc.integer({ min: 0, max: 2 ** 52 }),
});
const op: fc.Arbitrary<WriteOp> = fc.oneof(
  fc.record({ kind: fc.constant('enqueue' as const), rows: fc.array(row, { maxLength: 5 }), maxQueue: fc.integer({ min: 1, max: 2 ** 31 }) }),
  fc.record({
    kind: fc.constant('ack' as const),
    address: fc.record({ accountId: fc.uuid(), deviceId: fc.integer({ min: 1, max: 127 }) }),
    ids: fc.array(bytes(16), { maxLength: 5 }),
  }),
);

describe('writer batches', () => {
  it('unpack what was packed, op for op', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), (ops) => {
        expect(unpackWriteOps(packWriteOps(ops))).toEqual(ops);
      }),
      { numRuns: 300 },
    );
  });

  it('refuse ids and fingerprints of the wrong length', () => {
    expect(() => packWriteOps([{ kind: 'ack', address: { accountId: 'a', deviceId: 1 }, ids: [Buffer.alloc(15)] }])).toThrow(RangeError);
  });
});
