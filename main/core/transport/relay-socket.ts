import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { WebSocket } from 'ws';
import { RELAY_WEBSOCKET_PATH, decodeFrame, encodeFrame } from '../../../shared/proto';
import { RequestSchema, type Push, type Request, type Response } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { RelayError } from './relay-error';

/** Typed request bodies and their responses, derived from the wire protocol. */
type RequestBody = Exclude<Request['body'], { case: undefined }>;
export type RequestCase = RequestBody['case'];
type RequestBodyInit = Exclude<MessageInitShape<typeof RequestSchema>['body'], { case: undefined } | undefined>;
export type RequestInit<C extends RequestCase> = Extract<RequestBodyInit, { case: C }>['value'];
type ResponseBody = Exclude<Response['body'], { case: undefined }>;
export type ResponseOf<C extends RequestCase> = Extract<ResponseBody, { case: C }>['value'];

export interface RelaySocketOptions {
  /** How long a request may wait for its response. */
  requestTimeoutMs?: number;
  /** How long opening the socket may take. */
  connectTimeoutMs?: number;
  onPush?: (push: Push) => void;
  onClose?: (code: number) => void;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Request ids wrap before 2^32; 0 is the relay's "unreadable frame" id. */
const MAX_REQUEST_ID = 0xffff_fff0;

/**
 * One WebSocket to the relay: protobuf frames, requests matched to responses
 * by id, pushes handed to `onPush`. No reconnecting here; RelayConnection
 * does that on top.
 */
export class RelaySocket {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private closed = false;

  private constructor(
    private readonly socket: WebSocket,
    private readonly options: RelaySocketOptions,
  ) {
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.onFrame(data);
    });
    socket.on('close', (code) => this.onClosed(code));
    socket.on('error', () => socket.terminate());
  }

  static connect(url: string, options: RelaySocketOptions = {}): Promise<RelaySocket> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url.replace(/\/+$/, '') + RELAY_WEBSOCKET_PATH, { perMessageDeflate: false, handshakeTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
      } catch {
        return reject(new RelayError('disconnected', 'The relay address is not a valid ws:// or wss:// URL.'));
      }
      const fail = () => {
        socket.terminate();
        reject(new RelayError('disconnected', 'Could not reach the relay.'));
      };
      socket.once('error', fail);
      socket.once('open', () => {
        socket.off('error', fail);
        resolve(new RelaySocket(socket, options));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  async request<C extends RequestCase>(kind: C, value: RequestInit<C>, timeoutMs?: number): Promise<ResponseOf<C>> {
    if (!this.isOpen) throw new RelayError('disconnected');
    const id = this.nextId;
    this.nextId = this.nextId >= MAX_REQUEST_ID ? 1 : this.nextId + 1;
    const request = create(RequestSchema, { id, body: { case: kind, value } as RequestBodyInit });
    const response = await new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RelayError('timeout'));
      }, timeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(encodeFrame({ kind: { case: 'request', value: request } }), (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new RelayError('disconnected'));
      });
    });
    if (response.error) throw RelayError.fromCode(response.error.code, response.error.retryAfterMs);
    if (response.body.case !== kind) throw new RelayError('internal', 'The relay answered with the wrong kind of response.');
    return response.body.value as ResponseOf<C>;
  }

  /**
   * A one-way request (id 0): no response unless it fails. Acks go this way,
   * so the receive pipeline never waits a round trip for them.
   */
  sendOneWay<C extends RequestCase>(kind: C, value: RequestInit<C>): boolean {
    if (!this.isOpen) return false;
    const request = create(RequestSchema, { id: 0, body: { case: kind, value } as RequestBodyInit });
    this.socket.send(encodeFrame({ kind: { case: 'request', value: request } }));
    return true;
  }

  /** Closes the socket; pending requests fail with 'disconnected'. */
  close(): void {
    if (this.closed) return;
    this.socket.close(1000);
    // A peer that never answers the close handshake must not keep us waiting.
    setTimeout(() => this.socket.terminate(), 1000).unref();
    this.onClosed(1000);
  }

  /** Drops the connection at once (keep-alive missed). */
  terminate(): void {
    this.socket.terminate();
    this.onClosed(1006);
  }

  private onFrame(data: Buffer): void {
    let frame;
    try {
      frame = decodeFrame(data);
    } catch {
      return; // A frame we cannot read is the relay's bug; the request it answered will time out.
    }
    if (frame.kind.case === 'response') {
      const waiting = this.pending.get(frame.kind.value.id);
      if (!waiting) return;
      this.pending.delete(frame.kind.value.id);
      clearTimeout(waiting.timer);
      waiting.resolve(frame.kind.value);
    } else if (frame.kind.case === 'push') {
      this.options.onPush?.(frame.kind.value);
    }
  }

  private onClosed(code: number): void {
    if (this.closed) return;
    this.closed = true;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new RelayError('disconnected'));
    }
    this.pending.clear();
    this.options.onClose?.(code);
  }
}
