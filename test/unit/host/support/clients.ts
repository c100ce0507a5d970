import { request } from 'node:http';
import { WebSocket } from 'ws';
import { ServerFrame } from '../../../../shared/api';

export interface SocketOptions {
  token?: string | undefined;
  origin?: string | undefined;
  /** Offered subprotocols; by default hearth.v1 plus the token. */
  protocols?: string[];
  path?: string;
  hostHeader?: string;
}

export type SocketOutcome = { opened: true; ws: WebSocket; frames: FrameReader } | { opened: false; status: number };

/** Opens a WebSocket the way a page (or an attacker) would, and reports the HTTP status if the host refuses. */
export function openApiSocket(port: number, options: SocketOptions = {}): Promise<SocketOutcome> {
  const protocols = options.protocols ?? ['hearth.v1', ...(options.token === undefined ? [] : [`hearth.token.${options.token}`])];
  const headers: Record<string, string> = {};
  if (options.hostHeader) headers.Host = options.hostHeader;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/api'}`, protocols, { ...(options.origin === undefined ? {} : { origin: options.origin }), headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ opened: true, ws, frames: new FrameReader(ws) }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

export async function openAuthorized(port: number, token: string): Promise<{ ws: WebSocket; frames: FrameReader }> {
  const outcome = await openApiSocket(port, { token, origin: `http://127.0.0.1:${port}` });
  if (!outcome.opened) throw new Error(`The host refused a correct upgrade with ${outcome.status}.`);
  return outcome;
}

/** Collects server frames in arrival order, checked against the contract's frame schema. */
export class FrameReader {
  private readonly frames: ServerFrame[] = [];
  private readonly waiters = new Set<() => void>();
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  constructor(ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(ServerFrame.parse(JSON.parse(data.toString('utf8'))));
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve((this.closeCode = code))));
  }

  /** The next frame that matches, waiting for it if need be. */
  async next(match: (frame: ServerFrame) => boolean = () => true): Promise<ServerFrame> {
    for (;;) {
      const index = this.frames.findIndex(match);
      if (index !== -1) return this.frames.splice(index, 1)[0]!;
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  result(id: number): Promise<ServerFrame> {
    return this.next((frame) => frame.type === 'result' && frame.id === id);
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with the path sent exactly as given (no normalisation), as a hostile client would. */
export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
