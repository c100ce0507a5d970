import type { CheckSession } from './socket-bridge';

/**
 * Asks the host's session endpoint whether `token` is good. A refused
 * WebSocket upgrade looks the same to a page whatever the reason, so this is
 * how the bridge tells "link expired" (stop, tell the user) from "host not
 * reachable" (keep retrying).
 */
export function sessionCheck(sessionUrl: string, token: string, fetchSession: typeof fetch = fetch): CheckSession {
  return async () => {
    try {
      const response = await fetchSession(sessionUrl, { headers: { Authorization: `Bearer ${token}` } });
      if (response.status === 401) return 'invalid';
      return response.ok ? 'valid' : 'unreachable';
    } catch {
      return 'unreachable';
    }
  };
}
