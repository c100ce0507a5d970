import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../../shared/api';

export type ClientEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * The events a Client emits, named and shaped as in the shared/api contract,
 * so the composition root forwards them without translating.
 */
export class ClientEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', event, payload);
  }

  /** Whether anyone listens: building event payloads costs reads, skipped when nobody would see them. */
  get wanted(): boolean {
    return this.emitter.listenerCount('event') > 0;
  }

  on(listener: (event: EventName, payload: unknown) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  clear(): void {
    this.emitter.removeAllListeners();
  }
}
