import fs from 'node:fs';
import path from 'node:path';
import { VaultError, isDiskFull } from './errors';

/**
 * The file operations the vault uses, injectable so tests can make the disk
 * "full" at an exact moment. Production passes node:fs itself.
 */
export type VaultFs = Pick<
  typeof fs,
  | 'openSync'
  | 'closeSync'
  | 'writeSync'
  | 'readSync'
  | 'fstatSync'
  | 'fdatasyncSync'
  | 'fdatasync'
  | 'fsyncSync'
  | 'ftruncateSync'
  | 'renameSync'
  | 'unlinkSync'
  | 'readFileSync'
  | 'existsSync'
  | 'mkdirSync'
  | 'statSync'
  | 'readdirSync'
>;

export const nodeFs: VaultFs = fs;

/** Writes all of `data` at `position`; a short write is retried, an error is thrown as is. */
export function writeAll(io: VaultFs, fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) {
    done += io.writeSync(fd, data, done, data.length - done, position + done);
  }
}

/** A rename or create is durable only once its directory is synced. */
export function syncDirectory(io: VaultFs, dir: string): void {
  const fd = io.openSync(dir, 'r');
  try {
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}

/** temp file + fsync + rename + directory fsync: readers see the old file or the new one, never a mix. */
export function writeFileAtomic(io: VaultFs, target: string, data: Uint8Array): void {
  const temp = `${target}.tmp`;
  const fd = io.openSync(temp, 'w', 0o600);
  try {
    writeAll(io, fd, data, 0);
    io.fdatasyncSync(fd);
  } catch (error) {
    io.closeSync(fd);
    removeQuietly(io, temp);
    throw ioError(error, 'writing the key header');
  }
  io.closeSync(fd);
  io.renameSync(temp, target);
  syncDirectory(io, path.dirname(target));
}

export function removeQuietly(io: VaultFs, file: string): void {
  try {
    io.unlinkSync(file);
  } catch {
    // Already gone, or never written: either way nothing is left to clean up.
  }
}

export function readFileIfExists(io: VaultFs, file: string): Buffer | null {
  try {
    return io.readFileSync(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}

/** Turns a failed write into the vault's error: 'disk-full' (retry later) or 'io-error'. */
export function ioError(error: unknown, doing: string): VaultError {
  if (error instanceof VaultError) return error;
  if (isDiskFull(error)) return new VaultError('disk-full', `The disk is full while ${doing}; nothing was changed. Free some space and try again.`, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  return new VaultError('io-error', `The disk refused a write while ${doing}${typeof code === 'string' ? ` (${code})` : ''}.`, { cause: error });
}
