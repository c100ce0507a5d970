import { z } from 'zod';
import { isEventName, isMethodName } from '../../shared/api/contract';
import { SerializedError } from '../../shared/api/errors';
import type { HearthBridge } from '../../shared/api/bridge';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels';

/** What main/app's 'hearth:call' handler resolves with. */
const IpcReply = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), result: z.unknown() }), z.object({ ok: z.literal(false), error: SerializedError })]);

/** The parts of Electron's ipcRenderer the bridge uses. */
export interface BridgeIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * window.hearth: the contract's two generic operations and nothing else. The
 * page never sees ipcRenderer or an IPC event object, and can reach only the
 * contract's methods and events. Failures are thrown as plain
 * {kind, message} objects, which survive contextBridge intact where an Error
 * would lose its kind.
 */
export function createPreloadBridge(ipc: BridgeIpc): HearthBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  // One IPC listener for all subscriptions, attached while any exist.
  const onEvent = (_ipcEvent: unknown, name: unknown, payload: unknown) => {
    if (typeof name !== 'string') return;
    for (const listener of listeners.get(name) ?? []) listener(payload);
  };

  return {
    async invoke(method: string, args: unknown): Promise<unknown> {
      if (!isMethodName(method)) throw { kind: 'unknown-method', message: 'Unknown method.' } satisfies SerializedError;
      const reply = IpcReply.safeParse(await ipc.invoke(CALL_CHANNEL, method, args));
      if (!reply.success) throw { kind: 'internal', message: 'Hearth sent a malformed reply.' } satisfies SerializedError;
      if (!reply.data.ok) throw reply.data.error;
      return reply.data.result;
    },

    subscribe(event: string, listener: (payload: unknown) => void): () => void {
      if (!isEventName(event)) throw { kind: 'unknown-method', message: 'Unknown event.' } satisfies SerializedError;
      if (listeners.size === 0) ipc.on(EVENT_CHANNEL, onEvent);
      // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
      const subscription = (payload: unknown) => listener(payload);
      const forEvent = listeners.get(event) ?? new Set();
      forEvent.add(subscription);
      listeners.set(event, forEvent);
      return () => {
        if (!forEvent.delete(subscription)) return;
        if (forEvent.size === 0) listeners.delete(event);
        if (listeners.size === 0) ipc.removeListener(EVENT_CHANNEL, onEvent);
      };
    },
  };
}
