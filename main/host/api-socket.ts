import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { answerCall, CallFrame, isEventName, methodNames, type EventFrame, type Handlers, type HearthBridge, type ResultFrame } from '../../shared/api';
import { API_SUBPROTOCOL, UNSOLICITED_ID } from './socket-protocol';
import { judgeUpgrade, refuseUpgrade, type UpgradeExpectations } from './upgrade-guard';

export interface ApiSocketLimits {
  /** Largest frame a client may send, in bytes. Contract calls are small; bulk data will get its own path. */
  maxPayload: number;
  /** Open api connections at once (each browser tab holds one). */
  maxConnections: number;
}

export const DEFAULT_API_SOCKET_LIMITS: ApiSocketLimits = {
  maxPayload: 1024 * 1024,
  maxConnections: 16,
};

/**
 * The contract over WebSocket: CallFrames in, ResultFrames and EventFrames
 * out, as JSON text. Calls are checked against the contract here (and again
 * inside the core) so nothing malformed crosses into the worker.
 */
export class ApiSocketServer {
  private readonly wss: WebSocketServer;
  private readonly handlers: Handlers;

  constructor(
    private readonly core: HearthBridge,
    private readonly expected: () => UpgradeExpectations,
    private readonly limits: ApiSocketLimits,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.maxPayload,
      perMessageDeflate: false,
      // Only ever select our protocol, so the token subprotocol is never echoed back.
      handleProtocols: () => API_SUBPROTOCOL,
    });
    this.handlers = forwardTo(core);
  }

  /** For the HTTP server's 'upgrade' event. Refused upgrades get a plain HTTP status and no WebSocket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const verdict = judgeUpgrade(req, this.expected());
    if (!verdict.ok) {
      refuseUpgrade(socket, verdict.status, verdict.reason);
      return;
    }
    if (this.wss.clients.size >= this.limits.maxConnections) {
      refuseUpgrade(socket, 503, 'Too many open Hearth windows.');
      return;
    }
    // wss tracks the client (clientTracking), so broadcast and the limit above see it.
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => void this.onMessage(ws, data, isBinary));
    });
  }

  /** Sends a core event to every open api connection. */
  broadcast(event: string, payload: unknown): void {
    if (!isEventName(event)) return;
    const frame: EventFrame = { type: 'event', event, payload };
    const text = JSON.stringify(frame);
    for (const ws of this.wss.clients) {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    }
  }

  get connectionCount(): number {
    return this.wss.clients.size;
  }

  /** Says goodbye to every client (1001), and cuts off any that do not answer within `graceMs`. */
  async close(graceMs = 1000): Promise<void> {
    const open = [...this.wss.clients];
    const closed = open.map((ws) => new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve()))));
    for (const ws of open) ws.close(1001, 'Hearth is shutting down.');
    const timer = setTimeout(() => open.forEach((ws) => ws.terminate()), graceMs);
    await Promise.all(closed);
    clearTimeout(timer);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async onMessage(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const frame = parseCall(data, isBinary);
    const answer = 'error' in frame ? frame.error : await answerCall(this.handlers, frame.call.id, frame.call.method, frame.call.args);
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(answer));
  }
}

/** Handlers that pass each (already validated) call to the core; dispatchCall validates what comes back. */
function forwardTo(core: HearthBridge): Handlers {
  return Object.fromEntries(methodNames.map((method) => [method, (args: unknown) => core.invoke(method, args)])) as unknown as Handlers;
}

type ParsedCall = { call: CallFrame } | { error: ResultFrame };

function parseCall(data: RawData, isBinary: boolean): ParsedCall {
  if (isBinary) return malformed(UNSOLICITED_ID, 'Frames must be JSON text.');
  let json: unknown;
  try {
    json = JSON.parse(rawToText(data));
  } catch {
    return malformed(UNSOLICITED_ID, 'A frame was not valid JSON.');
  }
  const parsed = CallFrame.safeParse(json);
  if (!parsed.success) return malformed(idOf(json), 'A frame was not a valid call.');
  return { call: parsed.data };
}

function malformed(id: number, message: string): ParsedCall {
  return { error: { type: 'result', id, ok: false, error: { kind: 'malformed-frame', message } } };
}

/** Tie the error to the caller's id when the frame has a usable one, so its promise settles. */
function idOf(json: unknown): number {
  if (typeof json !== 'object' || json === null || !('id' in json)) return UNSOLICITED_ID;
  const { id } = json;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : UNSOLICITED_ID;
}

function rawToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
