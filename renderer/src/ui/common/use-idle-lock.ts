import { useEffect } from 'react';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Locks after `minutes` without the person touching this window (null:
 * never). Counting input here, not vault reads, means a stream of incoming
 * messages does not keep an unattended window unlocked.
 */
export function useIdleLock(minutes: number | null, lock: () => void): void {
  useEffect(() => {
    if (!minutes) return;
    const ms = minutes * 60_000;
    let last = Date.now();
    const onActivity = () => {
      last = Date.now();
    };
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { passive: true, capture: true });
    // A coarse check keeps timers off every keystroke; a few seconds late is fine for a lock.
    const timer = setInterval(() => {
      if (Date.now() - last >= ms) lock();
    }, Math.min(5_000, ms));
    return () => {
      clearInterval(timer);
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
    };
  }, [minutes, lock]);
}
