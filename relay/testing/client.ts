import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { WebSocket } from 'ws';
import { RELAY_WEBSOCKET_PATH, decodeFrame, encodeFrame } from '../../shared/proto';
import {
  ErrorCode,
  RequestSchema,
  type Envelope,
  type Push,
  type Request,
  type Response,
} from '../../shared/proto/gen/hearth/v1/relay_pb';

/**
 * A small typed relay client for tests and the benchmark (app code uses
 * main/core/transport). `request('send', {...})` resolves with the typed
 * response body or rejects with a RelayClientError carrying the error code.
 */
type RequestBody = Exclude<Request['body'], { case: undefined }>;
type RequestCase = RequestBody['case'];
type RequestBodyInit = Exclude<MessageInitShape<typeof RequestSchema>['body'], { case: undefined } | undefined>;
export type RequestInit<C extends RequestCase> = Extract<RequestBodyInit, { case: C }>['value'];
type ResponseBody = Exclude<Response['body'], { case: undefined }>;
export type ResponseOf<C extends RequestCase> = Extract<ResponseBody, { case: C }>['value'];

export class RelayClientError extends Error {
  override readonly name = 'RelayClientError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(`${ErrorCode[code]}: ${message}`);
  }
}

export interface CloseEvent {
  readonly code: number;
  readonly reason: string;
}

export class RelayTestClient {
  /** Every envelope pushed to this connection, in arrival order. */
  readonly envelopes: Envelope[] = [];
  /** Every push, in arrival order. */
  readonly pushes: Push[] = [];
  /** Error responses with id 0: answers to frames the relay could not read, and failed one-way requests. */
  readonly frameErrors: Response[] = [];
  readonly closed: Promise<CloseEvent>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (response: Response) => void; reject: (error: Error) => void }>();
  private readonly waiters = new Set<() => void>();
  /** Called for each pushed envelope batch, e.g. to ack as they come. */
  onEnvelopes: (envelopes: Envelope[]) => void = () => {};

  private constructor(readonly socket: WebSocket) {
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer) => this.onFrame(data));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        for (const { reject } of this.pending.values()) reject(new Error(`The connection closed (${code}).`));
        this.pending.clear();
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    socket.on('error', () => {});
  }

  static connect(url: string, options: { rejectUnauthorized?: boolean } = {}): Promise<RelayTestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url + RELAY_WEBSOCKET_PATH, { perMessageDeflate: false, ...options });
      socket.once('open', () => resolve(new RelayTestClient(socket)));
      socket.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a request and returns the whole response, error or not. */
  requestRaw<C extends RequestCase>(kind: C, value: RequestInit<C>): Promise<Response> {
    const id = this.nextId++;
    const request = create(RequestSchema, { id, body: { case: kind, value } as RequestBodyInit });
    return new Promise((resolve, reject) => {
      if (!this.isOpen) return reject(new Error('The connection is closed.'));
      this.pending.set(id, { resolve, reject });
      this.socket.send(encodeFrame({ kind: { case: 'request', value: request } }));
    });
  }

  async request<C extends RequestCase>(kind: C, value: RequestInit<C>): Promise<ResponseOf<C>> {
    const response = await this.requestRaw(kind, value);
    if (response.error) throw new RelayClientError(response.error.code, response.error.message, response.error.retryAfterMs);
    if (response.body.case !== kind) throw new Error(`Expected a ${kind} response, got ${String(response.body.case)}.`);
    return response.body.value as ResponseOf<C>;
  }

  /** Sends a one-way request (id 0): the relay answers only if it fails, into `frameErrors`. */
  notify<C extends RequestCase>(kind: C, value: RequestInit<C>): void {
    const request = create(RequestSchema, { id: 0, body: { case: kind, value } as RequestBodyInit });
    this.socket.send(encodeFrame({ kind: { case: 'request', value: request } }));
  }

  /** Sends bytes as one binary frame, whatever they are. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.send(bytes);
  }

  /** Resolves once `condition` holds (checked after every frame), or rejects after `timeoutMs`. */
  waitUntil(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`Timed out waiting for ${what}.`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  waitForEnvelopes(count: number, timeoutMs?: number): Promise<void> {
    return this.waitUntil(() => this.envelopes.length >= count, timeoutMs, `${count} envelopes (have ${this.envelopes.length})`);
  }

  close(): Promise<CloseEvent> {
    this.socket.close();
    return this.closed;
  }

  private onFrame(data: Buffer): void {
    const frame = decodeFrame(data);
    if (frame.kind.case === 'response') {
      const response = frame.kind.value;
      const waiting = this.pending.get(response.id);
      if (waiting) {
        this.pending.delete(response.id);
        waiting.resolve(response);
      } else if (response.id === 0) {
        this.frameErrors.push(response);
      }
    } else if (frame.kind.case === 'push') {
      const push = frame.kind.value;
      this.pushes.push(push);
      if (push.body.case === 'envelopes') {
        this.envelopes.push(...push.body.value.envelopes);
        this.onEnvelopes(push.body.value.envelopes);
      }
    }
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
