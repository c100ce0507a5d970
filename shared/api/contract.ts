import { z } from 'zod';

/**
 * The one contract between the renderer and the core. Electron IPC and the
 * browser host's WebSocket both carry exactly these methods and events, and
 * both ends validate with these schemas. Add a capability here first.
 */

const NoArgs = z.object({}).strict();

export const VaultState = z.enum(['uninitialized', 'locked', 'unlocked']);
export type VaultState = z.infer<typeof VaultState>;

export const ProtectionKind = z.enum(['keychain', 'passphrase']);
export type ProtectionKind = z.infer<typeof ProtectionKind>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** Which shell hosts the renderer: the Electron app or the browser host. */
  host: z.enum(['electron', 'browser']),
  platform: z.string(),
  profileDir: z.string(),
  vaultState: VaultState,
});
export type AppInfo = z.infer<typeof AppInfo>;

/** What the first-run screen shows; it comes from the core so the screen reflects this machine. */
export const FirstRunInfo = z.object({
  profileDir: z.string(),
  defaultRelayUrl: z.string(),
  protections: z.array(
    z.object({
      kind: ProtectionKind,
      available: z.boolean(),
      /** Why a protection is unavailable (e.g. no OS keychain in the browser host). */
      reason: z.string().optional(),
    }),
  ),
  versions: z.object({
    core: z.string(),
    libsignal: z.string(),
    node: z.string(),
  }),
});
export type FirstRunInfo = z.infer<typeof FirstRunInfo>;

export const UnreadCount = z.object({ total: z.number().int().nonnegative() });
export type UnreadCount = z.infer<typeof UnreadCount>;

export const methods = {
  'app.getInfo': { args: NoArgs, result: AppInfo },
  'app.getFirstRun': { args: NoArgs, result: FirstRunInfo },
  'app.getUnreadCount': { args: NoArgs, result: UnreadCount },
} as const satisfies Record<string, { args: z.ZodType; result: z.ZodType }>;

export const events = {
  'app.onDidChangeVaultState': z.object({ state: VaultState }),
  'app.onDidChangeUnreadCount': UnreadCount,
} as const satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodArgs<M extends MethodName> = z.input<Methods[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<Methods[M]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}
