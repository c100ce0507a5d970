import { useSyncExternalStore } from 'react';
import type { Observable } from './observable';

/** The current snapshot of a store; the component re-renders when it changes. */
export function useStore<S>(store: Observable<S>): S {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
