import { z } from 'zod';

/** What the shell hands the core worker at start (Worker `workerData`). */
export const CoreWorkerData = z.object({
  profileDir: z.string().min(1),
  host: z.enum(['electron', 'browser']),
  keychainAvailable: z.boolean(),
  keychainUnavailableReason: z.string().optional(),
  defaultRelayUrl: z.string(),
});
export type CoreWorkerData = z.infer<typeof CoreWorkerData>;

/** Sent by the worker once the core is built and ready for calls. */
export const ReadyFrame = z.object({ type: z.literal('ready') });
