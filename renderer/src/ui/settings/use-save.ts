import { useState } from 'react';
import { HearthError } from '../../../../shared/api';

/** Runs a settings change and keeps its outcome for the form to show. */
export function useSave(): { busy: boolean; error: string | null; done: boolean; run: (work: () => Promise<unknown>) => Promise<boolean>; reset: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await work();
      setDone(true);
      return true;
    } catch (failure) {
      setError(HearthError.from(failure).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, run, reset: () => (setError(null), setDone(false)) };
}
