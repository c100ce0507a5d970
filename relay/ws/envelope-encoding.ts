import { ErrorCode } from '../../shared/proto/gen/hearth/v1/relay_pb';
import { WireType, WireWriter, delimitedSize, varintSize } from './wire-writer';

/** The fields of hearth.v1.Envelope, numbered as in relay.proto. */
export interface EnvelopeFields {
  readonly id: Uint8Array;
  readonly type: number;
  readonly content: Uint8Array;
  /** Empty for sealed-sender envelopes, which carry no sender. */
  readonly senderUsername: string;
  readonly senderDeviceId: number;
  readonly senderAccountId: string;
  readonly serverTimestampMs: number;
}

/** Encodes an Envelope as protobuf does: fields in number order, defaults (0, empty) left out. */
export function encodeEnvelope(e: EnvelopeFields): Buffer {
  const username = e.senderUsername ? Buffer.from(e.senderUsername) : undefined;
  const accountId = e.senderAccountId ? Buffer.from(e.senderAccountId) : undefined;
  let size = 0;
  if (e.id.length) size += delimitedSize(1, e.id.length);
  if (e.type) size += 1 + varintSize(e.type);
  if (e.content.length) size += delimitedSize(3, e.content.length);
  if (username) size += delimitedSize(4, username.length);
  if (e.senderDeviceId) size += 1 + varintSize(e.senderDeviceId);
  if (accountId) size += delimitedSize(6, accountId.length);
  if (e.serverTimestampMs) size += 1 + varintSize(e.serverTimestampMs);
  const w = WireWriter.sized(size);
  if (e.id.length) w.tag(1, WireType.LengthDelimited).varint(e.id.length).bytes(e.id);
  if (e.type) w.tag(2, WireType.Varint).varint(e.type);
  if (e.content.length) w.tag(3, WireType.LengthDelimited).varint(e.content.length).bytes(e.content);
  if (username) w.tag(4, WireType.LengthDelimited).varint(username.length).bytes(username);
  if (e.senderDeviceId) w.tag(5, WireType.Varint).varint(e.senderDeviceId);
  if (accountId) w.tag(6, WireType.LengthDelimited).varint(accountId.length).bytes(accountId);
  if (e.serverTimestampMs) w.tag(7, WireType.Varint).varint(e.serverTimestampMs);
  return w.finish();
}

/** Encodes `Frame { response { id, send { results } } }`. */
export function encodeSendResponse(id: number, results: ReadonlyArray<{ error?: ErrorCode; duplicate?: boolean }>): Buffer {
  const resultSize = (r: { error?: ErrorCode; duplicate?: boolean }) => (r.error ? 1 + varintSize(r.error) : 0) + (r.duplicate ? 2 : 0);
  let sendSize = 0;
  for (const r of results) sendSize += delimitedSize(1, resultSize(r));
  const responseSize = (id ? 1 + varintSize(id) : 0) + delimitedSize(20, sendSize);
  const w = WireWriter.sized(delimitedSize(2, responseSize));
  w.tag(2, WireType.LengthDelimited).varint(responseSize);
  if (id) w.tag(1, WireType.Varint).varint(id);
  w.tag(20, WireType.LengthDelimited).varint(sendSize);
  for (const r of results) {
    w.tag(1, WireType.LengthDelimited).varint(resultSize(r));
    if (r.error) w.tag(1, WireType.Varint).varint(r.error);
    if (r.duplicate) w.tag(2, WireType.Varint).varint(1);
  }
  return w.finish();
}
