import { crc32 } from 'node:zlib';
import { SEAL_OVERHEAD, open, sealInto } from './crypto';
import { VaultError, type VaultErrorKind } from './errors';

/**
 * The 100-byte header shared in shape by the snapshot and the journal:
 *
 *   0  magic (8)        8  version u16   10  flags u16
 *  12  vault id (16)   28  key id (16)   44  generation u64
 *  52  16 bytes that depend on the file (snapshot: page size, page count,
 *      image length; journal: chain seed)
 *  68  header seal: nonce ‖ tag of AES-GCM over nothing, AAD = bytes 0..68
 *  96  CRC-32 of bytes 0..96
 *
 * The CRC catches a damaged header without any key (so a flipped byte is
 * "corrupt", not "wrong key"); the seal proves the key is the right one.
 */
export const HEADER_BYTES = 100;
const SEALED_PART = 68;
/** The snapshot's format version (and the journal's before version 2; journal.ts). */
export const FORMAT_VERSION = 1;

export interface HeaderFields {
  vaultId: Buffer;
  keyId: Buffer;
  generation: number;
  /** 16 bytes whose meaning is the file type's. */
  extra: Buffer;
}

export function encodeHeader(magic: string, fields: HeaderFields, key: Uint8Array, version = FORMAT_VERSION): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  out.write(magic, 0, 'latin1');
  out.writeUInt16LE(version, 8);
  out.writeUInt16LE(0, 10);
  fields.vaultId.copy(out, 12);
  fields.keyId.copy(out, 28);
  out.writeBigUInt64LE(BigInt(fields.generation), 44);
  fields.extra.copy(out, 52);
  const aad = out.subarray(0, SEALED_PART);
  sealInto(key, new Uint8Array(0), aad, out, SEALED_PART);
  out.writeUInt32LE(crc32(out.subarray(0, 96)), 96);
  return out;
}

/** Checks length, magic, version (one of `versions`) and CRC (no key needed) and returns the fields. */
export function decodeHeader(bytes: Buffer, magic: string, what: string, corrupt: VaultErrorKind, versions: readonly number[] = [FORMAT_VERSION]): HeaderFields & { version: number } {
  if (bytes.length < HEADER_BYTES) throw new VaultError('truncated', `The ${what} is truncated: it ends inside its header (${bytes.length} of ${HEADER_BYTES} bytes).`);
  if (bytes.toString('latin1', 0, 8) !== magic) throw new VaultError(corrupt, `The ${what} does not start with the vault's signature; it is damaged or not a Hearth file.`);
  if (bytes.readUInt32LE(96) !== crc32(bytes.subarray(0, 96))) throw new VaultError(corrupt, `The ${what}'s header is damaged (checksum mismatch).`);
  const version = bytes.readUInt16LE(8);
  const newest = Math.max(...versions);
  // A later version is not damage: a newer Hearth wrote it (after a downgrade, say), and updating opens it.
  if (version > newest) throw new VaultError('newer-format', `The ${what} was written by a newer Hearth (format version ${version}; this one reads up to ${newest}). Update Hearth to open it; nothing was changed.`);
  if (!versions.includes(version)) throw new VaultError(corrupt, `The ${what} has format version ${version}; this Hearth reads version ${versions.join(' or ')}.`);
  return {
    version,
    vaultId: Buffer.from(bytes.subarray(12, 28)),
    keyId: Buffer.from(bytes.subarray(28, 44)),
    generation: Number(bytes.readBigUInt64LE(44)),
    extra: Buffer.from(bytes.subarray(52, 68)),
  };
}

/** True when `key` sealed this header. */
export function headerSealValid(bytes: Buffer, key: Uint8Array): boolean {
  const sealed = bytes.subarray(SEALED_PART, SEALED_PART + SEAL_OVERHEAD);
  const opened = open(key, sealed, bytes.subarray(0, SEALED_PART));
  return opened !== null;
}
