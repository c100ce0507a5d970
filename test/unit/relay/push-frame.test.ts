import { create, equals, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeSchema, FrameSchema, decodeFrame } from '../../../shared/proto';
import { encodeEnvelopePush } from '../../../relay/ws/push-frame';

const envelope = fc.record({
  id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  type: fc.integer({ min: 0, max: 4 }),
  content: fc.uint8Array({ maxLength: 70_000 }),
  senderUsername: fc.string({ maxLength: 32 }),
  senderDeviceId: fc.integer({ min: 0, max: 127 }),
  serverTimestampMs: fc.bigInt({ min: 0n, max: 2n ** 53n }),
});

describe('encodeEnvelopePush', () => {
  it('produces exactly the bytes protobuf-es encodes for the same push', () => {
    fc.assert(
      fc.property(fc.array(envelope, { maxLength: 6 }), (inits) => {
        const envelopes = inits.map((init) => create(EnvelopeSchema, init));
        const expected = toBinary(FrameSchema, create(FrameSchema, { kind: { case: 'push', value: { body: { case: 'envelopes', value: { envelopes } } } } }));
        const actual = encodeEnvelopePush(envelopes.map((e) => toBinary(EnvelopeSchema, e)));
        expect(Buffer.from(actual).equals(Buffer.from(expected))).toBe(true);
        const decoded = decodeFrame(actual);
        const body = decoded.kind.case === 'push' ? decoded.kind.value.body : undefined;
        const decodedEnvelopes = body?.case === 'envelopes' ? body.value.envelopes : [];
        expect(decodedEnvelopes).toHaveLength(envelopes.length);
        decodedEnvelopes.forEach((e, i) => expect(equals(EnvelopeSchema, e, envelopes[i] ?? e)).toBe(true));
      }),
      { numRuns: 200 },
    );
  });
});
