import { useCallback, useEffect, useRef } from 'react';
import type { HearthClient } from '../../../../shared/api';

/** Refresh "typing" this often while typing goes on (the receiver expires it after 15 s). */
const REFRESH_MS = 10_000;
/** Say "stopped" after this long without a keystroke. */
const IDLE_MS = 5_000;

/**
 * Tells the contact while the person types: started on the first keystroke,
 * refreshed while typing goes on, stopped after a pause, on send, on an
 * emptied box and on leaving the chat. `enabled` is the person's setting.
 */
export function useTypingSender(client: HearthClient, conversationId: string, enabled: boolean): { typed: (text: string) => void; stop: () => void } {
  const sentAt = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const stop = useCallback(() => {
    if (idleTimer.current) clearTimeout(idleTimer.current);
    idleTimer.current = null;
    if (sentAt.current === 0) return;
    sentAt.current = 0;
    client.call('messages.setTyping', { conversationId, typing: false }).catch(() => undefined);
  }, [client, conversationId]);

  const typed = useCallback(
    (text: string) => {
      if (!enabled) return;
      if (!text.trim()) {
        stop();
        return;
      }
      const now = Date.now();
      if (now - sentAt.current > REFRESH_MS) {
        sentAt.current = now;
        client.call('messages.setTyping', { conversationId, typing: true }).catch(() => undefined);
      }
      if (idleTimer.current) clearTimeout(idleTimer.current);
      idleTimer.current = setTimeout(stop, IDLE_MS);
    },
    [client, conversationId, enabled, stop],
  );

  useEffect(() => stop, [stop]);
  return { typed, stop };
}
