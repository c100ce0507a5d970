import { events } from '../../shared/api';

/**
 * What the shell itself does with the core's events, besides forwarding them
 * to the window: the unread badge now; notifications join here once the core
 * emits message events.
 */
export function createShellEventHandler(options: {
  readonly forwardToWindow: (event: string, payload: unknown) => void;
  readonly onUnreadCount: (total: number) => void;
}): (event: string, payload: unknown) => void {
  return (event, payload) => {
    options.forwardToWindow(event, payload);
    if (event === 'app.onDidChangeUnreadCount') {
      const parsed = events['app.onDidChangeUnreadCount'].safeParse(payload);
      if (parsed.success) options.onUnreadCount(parsed.data.total);
    }
  };
}
