import { create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeSchema, FrameSchema } from '../../../shared/proto';
import { encodeEnvelope, encodeSendResponse } from '../../../relay/ws/envelope-encoding';
import { encodeEnvelopePush } from '../../../relay/ws/push-frame';

/** The relay's hand-written encoders must produce exactly what protobuf-es produces. */
const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.from(a).toString('hex')).toBe(Buffer.from(b).toString('hex'));

const envelope = fc.record({
  id: fc.uint8Array({ maxLength: 16 }),
  type: fc.integer({ min: 0, max: 300 }),
  content: fc.uint8Array({ maxLength: 70_000 }),
  senderUsername: fc.oneof(fc.constant(''), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 10 })),
  senderDeviceId: fc.integer({ min: 0, max: 127 }),
  senderAccountId: fc.oneof(fc.constant(''), fc.uuid()),
  serverTimestampMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});

describe('hand-written wire encoding', () => {
  it('encodes envelopes as protobuf-es does', () => {
    fc.assert(
      fc.property(envelope, (fields) => {
        same(encodeEnvelope(fields), toBinary(EnvelopeSchema, create(EnvelopeSchema, { ...fields, serverTimestampMs: BigInt(fields.serverTimestampMs) })));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes push frames around encoded envelopes as protobuf-es does', () => {
    fc.assert(
      fc.property(fc.array(envelope, { maxLength: 5 }), (list) => {
        const envelopes = list.map((e) => create(EnvelopeSchema, { ...e, serverTimestampMs: BigInt(e.serverTimestampMs) }));
        const expected = toBinary(FrameSchema, create(FrameSchema, { kind: { case: 'push', value: { body: { case: 'envelopes', value: { envelopes } } } } }));
        same(encodeEnvelopePush(envelopes.map((e) => toBinary(EnvelopeSchema, e))), expected);
      }),
      { numRuns: 200 },
    );
  });

  it('encodes send responses as protobuf-es does', () => {
    const result = fc.record({ error: fc.integer({ min: 0, max: 17 }), duplicate: fc.boolean() });
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.array(result, { maxLength: 300 }), (id, results) => {
        const expected = toBinary(FrameSchema, create(FrameSchema, { kind: { case: 'response', value: { id, body: { case: 'send', value: { results } } } } }));
        same(encodeSendResponse(id, results), expected);
      }),
      { numRuns: 300 },
    );
  });
});
