/**
 * Encodes `Frame { push { envelopes { envelopes: [...] } } }` around envelopes
 * that are already encoded, without decoding and re-encoding them: the relay
 * encodes each envelope once, when it accepts it. The bytes are exactly what
 * protobuf would produce (test/unit/relay/push-frame.test.ts checks this).
 */
const FRAME_PUSH_TAG = (3 << 3) | 2; // Frame.push, length-delimited
const PUSH_ENVELOPES_TAG = (1 << 3) | 2; // Push.envelopes (EnvelopeBatch)
const BATCH_ENVELOPE_TAG = (1 << 3) | 2; // EnvelopeBatch.envelopes (repeated Envelope)

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

export function encodeEnvelopePush(envelopes: readonly Uint8Array[]): Buffer {
  let batchSize = 0;
  for (const envelope of envelopes) batchSize += 1 + varintSize(envelope.length) + envelope.length;
  const pushSize = 1 + varintSize(batchSize) + batchSize;
  const out = Buffer.allocUnsafe(1 + varintSize(pushSize) + pushSize);
  let at = 0;
  const varint = (value: number) => {
    while (value >= 0x80) {
      out[at++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    out[at++] = value;
  };
  out[at++] = FRAME_PUSH_TAG;
  varint(pushSize);
  out[at++] = PUSH_ENVELOPES_TAG;
  varint(batchSize);
  for (const envelope of envelopes) {
    out[at++] = BATCH_ENVELOPE_TAG;
    varint(envelope.length);
    out.set(envelope, at);
    at += envelope.length;
  }
  return out;
}
