import { HearthError } from './errors';
import { events, isEventName, isMethodName, methods, type EventName, type EventPayload, type MethodArgs, type MethodName, type MethodResult } from './contract';

/**
 * What the preload exposes as `window.hearth` and what the browser host's
 * WebSocket client implements: two generic operations, typed by the contract
 * through `HearthClient` below.
 */
export interface HearthBridge {
  invoke(method: string, args: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

/** The typed face of a bridge. Results and event payloads are validated on arrival. */
export class HearthClient {
  constructor(private readonly bridge: HearthBridge) {}

  async call<M extends MethodName>(method: M, ...rest: keyof MethodArgs<M> extends never ? [args?: MethodArgs<M>] : [args: MethodArgs<M>]): Promise<MethodResult<M>> {
    if (!isMethodName(method)) throw new HearthError('unknown-method', `Unknown method: ${String(method)}.`);
    const args = rest[0] ?? {};
    let raw: unknown;
    try {
      raw = await this.bridge.invoke(method, args);
    } catch (error) {
      throw HearthError.from(error);
    }
    const parsed = methods[method].result.safeParse(raw);
    if (!parsed.success) throw new HearthError('invalid-result', `Malformed result for ${method}.`);
    return parsed.data as MethodResult<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!isEventName(event)) throw new HearthError('unknown-method', `Unknown event: ${String(event)}.`);
    return this.bridge.subscribe(event, (payload) => {
      const parsed = events[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    });
  }
}
