import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { accessTokenMatches } from './access-token';
import { API_PATH, API_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from './socket-protocol';

export interface UpgradeExpectations {
  /** The host's own origin, e.g. http://127.0.0.1:7610. */
  origin: string;
  /** The Host header that origin implies, e.g. 127.0.0.1:7610. */
  host: string;
  token: string;
}

export type UpgradeVerdict = { ok: true } | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

/**
 * Decides whether a WebSocket upgrade may reach the contract. The Origin check
 * stops other web pages (a browser always sends Origin on a WebSocket), the
 * Host check stops DNS rebinding, and the token stops other local programs.
 */
export function judgeUpgrade(req: IncomingMessage, expected: UpgradeExpectations): UpgradeVerdict {
  if (pathOf(req.url) !== API_PATH) return { ok: false, status: 404, reason: 'Not found.' };
  if (req.headers.host !== expected.host) return { ok: false, status: 403, reason: 'Wrong host.' };
  if (req.headers.origin !== expected.origin) return { ok: false, status: 403, reason: 'This origin may not use the Hearth api.' };
  const offered = offeredSubprotocols(req);
  if (!offered.includes(API_SUBPROTOCOL)) return { ok: false, status: 400, reason: `Offer the ${API_SUBPROTOCOL} subprotocol.` };
  const presented = offered.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  if (!accessTokenMatches(expected.token, presented)) return { ok: false, status: 401, reason: 'Missing or wrong access token.' };
  return { ok: true };
}

export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return [];
  return header.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Answers a refused upgrade with a plain HTTP status and hangs up: no WebSocket is ever opened. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
}
