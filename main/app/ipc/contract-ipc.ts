import { events, HearthError, isEventName, isMethodName, methods, type HearthBridge, type SerializedError } from '../../../shared/api';
import { isTrustedSender, type SenderFrame } from '../security/ipc-sender';
import { EVENT_CHANNEL } from './channels';

/**
 * The contract over Electron IPC. A call always RESOLVES with a reply: Electron
 * turns a rejected handler into an Error whose message is prefixed with
 * "Error invoking remote method", losing the error's kind, so failures travel
 * as values instead.
 */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: SerializedError };

/** The parts of Electron's IpcMainInvokeEvent the handler reads. */
export interface CallEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: SenderFrame | null;
}

export interface CallHandlerOptions {
  /** The core (CoreWorker in the app). */
  readonly core: Pick<HearthBridge, 'invoke'>;
  readonly appOrigin: string;
  /** Whether the sending WebContents is our main window's. */
  readonly isOwnContents: (sender: { readonly id: number }) => boolean;
}

export function createCallHandler(options: CallHandlerOptions): (event: CallEvent, method: unknown, args: unknown) => Promise<IpcReply> {
  return async (event, method, args) => {
    try {
      if (!options.isOwnContents(event.sender) || !isTrustedSender(event.senderFrame, options.appOrigin)) {
        throw new HearthError('unauthorized', 'This call did not come from the Hearth window.');
      }
      if (!isMethodName(method)) throw new HearthError('unknown-method', 'Unknown method.');
      // The core validates too; checking here keeps malformed input from
      // ever crossing into the worker.
      const parsed = methods[method].args.safeParse(args ?? {});
      if (!parsed.success) {
        const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
        throw new HearthError('invalid-arguments', `Invalid arguments for ${method} (${where}).`);
      }
      return { ok: true, result: await options.core.invoke(method, parsed.data) };
    } catch (error) {
      return { ok: false, error: HearthError.from(error).toJSON() };
    }
  };
}

/** The parts of Electron's WebContents that event forwarding uses. */
export interface EventRecipient {
  isDestroyed(): boolean;
  readonly mainFrame: SenderFrame;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Forwards the core's events to the window: only names in the contract, only
 * payloads that match its schema, and only while the window still shows our
 * own page (never to a document that somehow navigated elsewhere).
 */
export function createEventForwarder(options: { appOrigin: string; target: () => EventRecipient | null }): (event: string, payload: unknown) => void {
  return (event, payload) => {
    if (!isEventName(event)) return;
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) return;
    const target = options.target();
    if (!target || target.isDestroyed() || !isTrustedSender(target.mainFrame, options.appOrigin)) return;
    target.send(EVENT_CHANNEL, event, parsed.data);
  };
}
