/** better-sqlite3 binds Buffers as BLOBs; this views a Uint8Array as one without copying. */
export function blob(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
