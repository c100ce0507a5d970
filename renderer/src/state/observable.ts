/**
 * The smallest store React can read with useSyncExternalStore: an immutable
 * snapshot replaced on every change, and a set of listeners. Stores extend it
 * and change state only through update().
 */
export class Observable<S> {
  private listeners = new Set<() => void>();

  constructor(protected state: S) {}

  getSnapshot = (): S => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  protected update(patch: Partial<S>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
