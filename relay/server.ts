import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RELAY_ATTACHMENTS_PATH, RELAY_WEBSOCKET_PATH } from '../shared/proto';
import { ErrorCode } from '../shared/proto/gen/hearth/v1/relay_pb';
import { AttachmentBlobs } from './attachment-blobs';
import type { RelayContext } from './context';
import { handleAttachment } from './http/attachments';
import { healthz, metrics as renderMetrics } from './http/ops';
import { respondError } from './http/respond';
import { resolveLimits } from './limits';
import { createLogger } from './log';
import { Metrics } from './metrics';
import {
  DEFAULT_HOST,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_PORT,
  DEFAULT_REDIS_PREFIX,
  DEFAULT_SWEEP_INTERVAL_MS,
  type RelayOptions,
} from './options';
import { RateLimiter } from './rate-limiter';
import { SenderCertifier, loadTrustRoot } from './sender-certificates';
import { RedisStore } from './store/redis/redis-store';
import { SqliteStore } from './store/sqlite/sqlite-store';
import type { RelayStore } from './store/types';
import { CloseCode, Connection } from './ws/connection';
import { TickCork } from './ws/tick-cork';

export interface Relay {
  /** ws://host:port (wss:// with TLS); the WebSocket endpoint is this + /v1/websocket. */
  readonly url: string;
  /** http://host:port (https:// with TLS), for the attachment API, /healthz and /metrics. */
  readonly httpUrl: string;
  readonly host: string;
  readonly port: number;
  readonly metrics: Metrics;
  /** Deletes what has expired now, as the periodic sweep does. */
  sweep(): Promise<void>;
  /** Stops accepting, lets in-flight requests and commits finish, closes every connection and the store. */
  close(): Promise<void>;
}

/** How long shutdown waits for connections to finish their close handshake. */
const CLOSE_GRACE_MS = 1000;

export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const limits = resolveLimits(options.limits);
  const log = createLogger(options.logLevel ?? 'info', options.logSink);
  const now = options.now ?? Date.now;
  if (!options.memory && !options.dataDir) throw new Error('Give the relay a data folder (dataDir) or run it in memory (memory: true).');
  const dataDir = options.memory ? undefined : options.dataDir;
  if (dataDir) await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const store: RelayStore = options.redisUrl
    ? await RedisStore.open(options.redisUrl, options.redisPrefix ?? DEFAULT_REDIS_PREFIX, now)
    : await SqliteStore.open(dataDir, now);
  const blobs = await AttachmentBlobs.open(dataDir);
  const metrics = new Metrics();
  let stopping = false;
  // Requests being handled, so shutdown can wait for them.
  let active = 0;
  let onIdle: (() => void) | undefined;
  const finished = () => {
    if (--active === 0) onIdle?.();
  };
  const relay: RelayContext = {
    store,
    limits,
    log,
    metrics,
    blobs,
    certifier: new SenderCertifier(await loadTrustRoot(dataDir), limits.senderCertificateTtlMs),
    accountLimiter: new RateLimiter(limits.accountRequestsPerMinute, now),
    addressLimiter: new RateLimiter(limits.addressRequestsPerMinute, now),
    now,
    stopping: () => stopping,
    track(work) {
      active++;
      work.then(finished, finished);
      return work;
    },
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    void route(relay, req, res).catch((error: unknown) => {
      log.failure('http request failed', error);
      respondError(res, ErrorCode.INTERNAL, 'The relay failed to handle this request.');
    });
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false });
  const connections = new Set<Connection>();
  const cork = new TickCork();
  server.on('upgrade', (req: http.IncomingMessage, socket, head) => {
    if (stopping || pathOf(req) !== RELAY_WEBSOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, req.socket, cork, req.socket.remoteAddress ?? 'unknown', relay);
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
    });
  });

  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;

  const sweep = async () => {
    const at = now();
    const { expiredEnvelopes } = await store.sweep(at);
    metrics.expired(expiredEnvelopes);
    for (const id of await store.attachments.takeExpired(at)) await blobs.delete(id);
    const blobsDeleted = await blobs.sweep(at - limits.attachmentTtlMs);
    metrics.attachmentsDeleted(blobsDeleted);
    relay.accountLimiter.prune();
    relay.addressLimiter.prune();
    log.info('relay stats', {
      connections: connections.size,
      accepted: metrics.value('hearth_relay_envelopes_accepted_total'),
      acked: metrics.value('hearth_relay_envelopes_acked_total'),
      expired: metrics.value('hearth_relay_envelopes_expired_total'),
    });
  };
  const sweepTimer = setInterval(() => {
    void sweep().catch((error: unknown) => log.failure('sweep failed', error));
  }, options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
  const keepaliveTimer = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS);
  sweepTimer.unref();
  keepaliveTimer.unref();
  log.info('relay started', { port, tls: Boolean(options.tls), redis: Boolean(options.redisUrl), memory: !dataDir });

  let closing: Promise<void> | undefined;
  const close = async () => {
    stopping = true;
    clearInterval(sweepTimer);
    clearInterval(keepaliveTimer);
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (active > 0) await new Promise<void>((resolve) => (onIdle = resolve));
    const socketsClosed = Promise.all([...connections].map((c) => new Promise<void>((resolve) => c.onClosed(resolve))));
    for (const connection of connections) connection.close(CloseCode.GoingAway, 'The relay is shutting down.');
    await Promise.race([socketsClosed, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    for (const connection of connections) connection.terminate();
    wss.close();
    server.closeAllConnections();
    await serverClosed;
    await store.close();
    await blobs.close();
    log.info('relay stopped');
  };

  return {
    url: `${options.tls ? 'wss' : 'ws'}://${hostInUrl}:${port}`,
    httpUrl: `${options.tls ? 'https' : 'http'}://${hostInUrl}:${port}`,
    host,
    port,
    metrics,
    sweep,
    close: () => (closing ??= close()),
  };
}

function pathOf(req: http.IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://relay').pathname;
  } catch {
    return '';
  }
}

async function route(relay: RelayContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = pathOf(req);
  if (req.method === 'GET' && path === '/healthz') return healthz(relay, res);
  if (req.method === 'GET' && path === '/metrics') return renderMetrics(relay, res);
  if (path.startsWith(RELAY_ATTACHMENTS_PATH) && (req.method === 'GET' || req.method === 'PUT' || req.method === 'POST')) {
    const waitMs = relay.addressLimiter.take(req.socket.remoteAddress ?? 'unknown');
    if (waitMs > 0) return respondError(res, ErrorCode.RATE_LIMITED, 'Too many requests; slow down.', { 'retry-after': String(Math.ceil(waitMs / 1000)) });
    if (relay.stopping()) return respondError(res, ErrorCode.UNAVAILABLE, 'The relay is shutting down.');
    return relay.track(handleAttachment(relay, path.slice(RELAY_ATTACHMENTS_PATH.length), req, res));
  }
  respondError(res, ErrorCode.NOT_FOUND, 'No such endpoint.');
}
