/**
 * The relay wire protocol (docs/wire-protocol.md). hearth/v1/relay.proto is
 * the source of truth; gen/ is generated from it by `npx buf generate` (run in
 * this folder) and committed.
 */
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { FrameSchema, type Frame } from './gen/hearth/v1/relay_pb';

export * from './gen/hearth/v1/relay_pb';

/** The WebSocket path on the relay. */
export const RELAY_WEBSOCKET_PATH = '/v1/websocket';
/** Attachment bytes live at this path + the attachment id (HTTP PUT to upload, GET to download). */
export const RELAY_ATTACHMENTS_PATH = '/v1/attachments/';

export function encodeFrame(frame: Frame | MessageInitShape<typeof FrameSchema>): Uint8Array {
  return toBinary(FrameSchema, create(FrameSchema, frame));
}

/** Decodes one frame; throws on bytes that are not a valid Frame. Unknown fields are dropped, not kept. */
export function decodeFrame(bytes: Uint8Array): Frame {
  return fromBinary(FrameSchema, bytes, { readUnknownFields: false });
}
