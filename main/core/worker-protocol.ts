import { z } from 'zod';

/** What the shell hands the core worker at start (Worker `workerData`). */
export const CoreWorkerData = z.object({
  profileDir: z.string().min(1),
  host: z.enum(['electron', 'browser']),
  keychainAvailable: z.boolean(),
  keychainUnavailableReason: z.string().optional(),
  /**
   * The OS keychain backend the shell will wrap and unwrap with (safeStorage's
   * backend name on Linux, a platform name elsewhere). Present only when the
   * shell answers keychain requests.
   */
  keychainBackend: z.string().min(1).max(64).optional(),
  defaultRelayUrl: z.string(),
});
export type CoreWorkerData = z.infer<typeof CoreWorkerData>;

/** Bytes as structured clone delivers them. */
const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes');

/** Sent by the worker once the core is built and ready for calls. */
export const ReadyFrame = z.object({ type: z.literal('ready') });

/**
 * The keychain lives in the Electron main process (safeStorage), the vault in
 * the worker: the worker asks the shell to wrap or unwrap the database key.
 */
export const KeychainRequest = z.object({
  type: z.literal('keychain'),
  id: z.number().int().positive(),
  op: z.enum(['wrap', 'unwrap']),
  data: Bytes,
});
export type KeychainRequest = z.infer<typeof KeychainRequest>;

export const KeychainReply = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('keychain-reply'), id: z.number().int().positive(), ok: z.literal(true), data: Bytes }),
  z.object({ type: z.literal('keychain-reply'), id: z.number().int().positive(), ok: z.literal(false), message: z.string().max(500) }),
]);
export type KeychainReply = z.infer<typeof KeychainReply>;

/** The shell's side of the keychain: synchronous like safeStorage itself. */
export interface KeychainService {
  readonly backend: string;
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(blob: Uint8Array): Uint8Array;
}
