import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { HearthError } from '../../shared/api';
import { CoreWorker } from '../core';
import { accessTokenMatches, createAccessToken } from './access-token';
import { ApiSocketServer, DEFAULT_API_SOCKET_LIMITS, type ApiSocketLimits } from './api-socket';
import { sendPlain } from './http-security';
import { listenOnLoopback, LOOPBACK } from './listen';
import { API_PATH, SESSION_PATH } from './socket-protocol';
import { serveStaticFile } from './static-files';
import { pathOf } from './upgrade-guard';

export interface HostOptions {
  /** undefined: 7610, or any free port if that is busy. A number (0 = any free port) is taken literally. */
  port?: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** The built core worker (out/main/core-worker.js). */
  coreWorkerPath: string | URL;
  profileDir: string;
  defaultRelayUrl: string;
  limits?: Partial<ApiSocketLimits>;
}

export interface RunningHost {
  /** What to open: the origin plus the access token in the fragment (never sent to a server, never in a Referer). */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const KEYCHAIN_UNAVAILABLE_REASON = 'The browser host cannot reach the OS keychain; use a passphrase.';

/**
 * Starts the browser host: the core in a worker thread, and one HTTP server on
 * 127.0.0.1 that serves the renderer and carries the contract over a
 * token-guarded WebSocket.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const rendererDir = path.resolve(options.rendererDir);
  try {
    await access(path.join(rendererDir, 'index.html'));
  } catch {
    throw new HearthError('unavailable', `The renderer is not built (${path.join(rendererDir, 'index.html')} is missing); run "npx electron-vite build" first.`);
  }
  await mkdir(options.profileDir, { recursive: true, mode: 0o700 });

  const core = new CoreWorker(options.coreWorkerPath, {
    profileDir: options.profileDir,
    host: 'browser',
    keychainAvailable: false,
    keychainUnavailableReason: KEYCHAIN_UNAVAILABLE_REASON,
    defaultRelayUrl: options.defaultRelayUrl,
  });
  try {
    await core.ready;
  } catch (error) {
    await core.terminate();
    throw error;
  }

  const token = createAccessToken();
  let port = 0;
  const origin = () => `http://${LOOPBACK}:${port}`;
  const hostHeader = () => `${LOOPBACK}:${port}`;

  const api = new ApiSocketServer(core, () => ({ origin: origin(), host: hostHeader(), token }), { ...DEFAULT_API_SOCKET_LIMITS, ...options.limits });
  const stopEvents = core.subscribeAll((event, payload) => api.broadcast(event, payload));

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    // Another name for this address is a DNS-rebinding attempt, or a mistyped URL.
    if (req.headers.host !== hostHeader()) return sendPlain(res, 421, `Open Hearth at ${origin()}/\n`);
    const pathname = pathOf(req.url);
    if (pathname === SESSION_PATH) return answerSession(req, res, token);
    if (pathname === API_PATH) return sendPlain(res, 426, 'This endpoint speaks WebSocket only.\n', { Upgrade: 'websocket' });
    return serveStaticFile(rendererDir, req, res, pathname);
  };

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) sendPlain(res, 500, 'Hearth could not answer this request.\n');
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => api.handleUpgrade(req, socket, head));
  server.on('clientError', (_error, socket) => socket.destroy());

  try {
    port = await listenOnLoopback(server, options.port);
  } catch (error) {
    stopEvents();
    await core.terminate();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopEvents();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
      server.closeAllConnections();
      await serverClosed;
      await core.terminate();
    })();
    return closing;
  };

  return { url: `${origin()}/#token=${token}`, origin: origin(), port, token, close };
}

/** Lets a page tell "my token is wrong" (401) from "the host is gone" (no answer) before it retries forever. */
function answerSession(req: IncomingMessage, res: ServerResponse, token: string): void {
  if (req.method !== 'GET') return sendPlain(res, 405, 'Method not allowed.\n', { Allow: 'GET' });
  const header = req.headers.authorization;
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  if (!accessTokenMatches(token, presented)) return sendPlain(res, 401, 'Missing or wrong access token.\n');
  sendPlain(res, 204, '');
}
