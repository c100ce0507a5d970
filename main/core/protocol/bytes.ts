/**
 * libsignal's API takes Uint8Array<ArrayBuffer>; storage and the network may
 * hand us views over other buffers (Node Buffers, shared memory). Copy only
 * when the type demands it.
 */
export function toLibsignalBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** Public values only (keys, fingerprints): no constant-time need. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
