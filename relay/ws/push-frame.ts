import { WireType, WireWriter, delimitedSize } from './wire-writer';

/**
 * Encodes `Frame { push { envelopes { envelopes: [...] } } }` around envelopes
 * that are already encoded, without decoding and re-encoding them: the relay
 * encodes each envelope once, when it accepts it.
 */
const FRAME_PUSH = 3;
const PUSH_ENVELOPES = 1;
const BATCH_ENVELOPES = 1;

export function encodeEnvelopePush(envelopes: readonly Uint8Array[]): Buffer {
  let batchSize = 0;
  for (const envelope of envelopes) batchSize += delimitedSize(BATCH_ENVELOPES, envelope.length);
  const pushSize = delimitedSize(PUSH_ENVELOPES, batchSize);
  const w = WireWriter.sized(delimitedSize(FRAME_PUSH, pushSize));
  w.tag(FRAME_PUSH, WireType.LengthDelimited).varint(pushSize);
  w.tag(PUSH_ENVELOPES, WireType.LengthDelimited).varint(batchSize);
  for (const envelope of envelopes) w.tag(BATCH_ENVELOPES, WireType.LengthDelimited).varint(envelope.length).bytes(envelope);
  return w.finish();
}
