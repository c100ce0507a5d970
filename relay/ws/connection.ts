import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import type { RawData, WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../shared/proto';
import { ErrorCode, ResponseSchema, type Request } from '../../shared/proto/gen/hearth/v1/relay_pb';
import type { RelayContext } from '../context';
import { RelayError, errorCodeName, fail } from '../errors';
import type { PrekeyCounts, QueuedEnvelope } from '../store/types';
import { DeviceDelivery, type DeliverySink } from './delivery';
import { encodeSendResponse } from './envelope-encoding';
import type { ConnectionHandle, Handler, RequestCase, ResponseOf, Session } from './handler';
import { handlers } from './handlers';
import { encodeEnvelopePush } from './push-frame';
import type { Corkable, TickCork } from './tick-cork';

/** WebSocket close codes the relay uses (4000–4999 are the application's). */
export const CloseCode = {
  GoingAway: 1001,
  UnsupportedData: 1003,
  DeviceRemoved: 4403,
  InternalError: 1011,
} as const;

function encodeResponse(id: number, kind: RequestCase, body: unknown): Uint8Array {
  // The handler table is keyed by the same case as the body, which TypeScript cannot correlate on its own.
  return encodeFrame({ kind: { case: 'response', value: create(ResponseSchema, { id, body: { case: kind, value: body } as never }) } });
}

/** Bytes each envelope adds to a push frame (tag and length), and the frame's own; generous upper bounds. */
const ENVELOPE_OVERHEAD = 6;
const FRAME_OVERHEAD = 12;

/**
 * One WebSocket: decodes frames, enforces rate limits, runs each request's
 * handler and answers with its id, and once authenticated pushes the
 * device's envelopes. Requests run concurrently; sends keep their order
 * because each is handed to the store synchronously as it arrives.
 */
export class Connection implements ConnectionHandle {
  readonly id = randomUUID();
  session: Session | undefined;
  private delivery: DeviceDelivery | undefined;
  private deliveryStarted = false;
  private prekeysLowAtStart: PrekeyCounts | undefined;
  private alive = true;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    /** The TCP (or TLS) stream under the WebSocket, corked per turn of the event loop. */
    private readonly stream: Corkable,
    private readonly cork: TickCork,
    private readonly remoteAddress: string,
    private readonly relay: RelayContext,
  ) {
    relay.metrics.connections(1);
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('pong', () => (this.alive = true));
    socket.on('close', () => this.onClose());
    socket.on('error', () => socket.terminate());
  }

  /** Keep-alive: called on an interval; a connection that did not answer the last ping is dropped. */
  heartbeat(): void {
    if (!this.alive) return void this.socket.terminate();
    this.alive = false;
    this.socket.ping();
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  onClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.socket.once('close', listener);
  }

  authenticate(session: Session, prekeys: PrekeyCounts): void {
    const { relay } = this;
    if (this.closed) {
      void relay.store.presence.remove(session.account.accountId, this.id).catch(() => {});
      return;
    }
    this.session = session;
    relay.metrics.authenticatedConnections(1);
    const address = { accountId: session.account.accountId, deviceId: session.deviceId };
    this.delivery = new DeviceDelivery(address, relay.store.mailboxes, relay.limits.pushWindow, this.sink, relay.now);
    const threshold = relay.limits.prekeyLowThreshold;
    if (prekeys.ec < threshold || prekeys.kyber < threshold) this.prekeysLowAtStart = prekeys;
  }

  acked(ids: readonly Uint8Array[]): void {
    this.delivery?.acked(ids);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const { relay } = this;
    relay.metrics.frames();
    if (!isBinary || !Buffer.isBuffer(data)) return this.close(CloseCode.UnsupportedData, 'Binary frames only.');
    const waitMs = this.session ? relay.accountLimiter.take(this.session.account.accountId) : relay.addressLimiter.take(this.remoteAddress);
    let request: Request;
    try {
      const frame = decodeFrame(data);
      if (frame.kind.case !== 'request') throw new Error('not a request');
      request = frame.kind.value;
    } catch {
      return this.respondError(0, waitMs > 0 ? fail.rateLimited(waitMs) : fail.badFrame('The frame is not a hearth.v1.Frame request.'));
    }
    if (waitMs > 0) return this.respondError(request.id, fail.rateLimited(waitMs));
    if (request.body.case === undefined) return this.respondError(request.id, fail.badFrame('The request has no body.'));
    if (relay.stopping()) return this.respondError(request.id, fail.unavailable());
    void relay.track(this.handle(request.id, request.body.case, request.body.value));
  }

  private async handle(id: number, kind: RequestCase, value: unknown): Promise<void> {
    // The handler table is keyed by the same case as the value, which TypeScript cannot correlate on its own.
    const handler = handlers[kind] as Handler<RequestCase>;
    try {
      const body = await handler(value as never, { relay: this.relay, connection: this });
      // Request id 0 is one-way: answered only when it fails.
      if (id !== 0) this.send(kind === 'send' ? encodeSendResponse(id, (body as ResponseOf<'send'>).results ?? []) : encodeResponse(id, kind, body));
      this.startDelivery();
    } catch (error) {
      if (!(error instanceof RelayError)) this.relay.log.failure('request failed', error);
      this.respondError(id, error instanceof RelayError ? error : new RelayError(ErrorCode.INTERNAL, 'The relay failed to handle this request.'));
    }
  }

  /** Deliveries begin after the authenticate response is on the wire, so it always comes first. */
  private startDelivery(): void {
    if (!this.delivery || this.deliveryStarted || this.closed) return;
    this.deliveryStarted = true;
    if (this.prekeysLowAtStart) this.sink.pushPrekeysLow(this.prekeysLowAtStart);
    void this.delivery.start().catch((error: unknown) => this.sink.failed(error));
  }

  private respondError(id: number, error: RelayError): void {
    this.relay.metrics.errors(1, errorCodeName(error.code));
    const value = { id, error: { code: error.code, message: error.message, retryAfterMs: error.retryAfterMs } };
    this.send(encodeFrame({ kind: { case: 'response', value } }));
  }

  private send(bytes: Uint8Array): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.cork.cork(this.stream);
    this.socket.send(bytes);
  }

  private pushEnvelopes(envelopes: QueuedEnvelope[]): void {
    // Split so no push frame exceeds the frame limit clients were told about.
    const max = this.relay.limits.maxFrameBytes - FRAME_OVERHEAD;
    let batch: Uint8Array[] = [];
    let bytes = 0;
    for (const { bytes: envelope } of envelopes) {
      const size = envelope.length + ENVELOPE_OVERHEAD;
      if (batch.length > 0 && bytes + size > max) {
        this.send(encodeEnvelopePush(batch));
        batch = [];
        bytes = 0;
      }
      batch.push(envelope);
      bytes += size;
    }
    if (batch.length > 0) this.send(encodeEnvelopePush(batch));
    this.relay.metrics.pushed(envelopes.length);
  }

  /** Where this connection's delivery sends what it has for the device. */
  private readonly sink: DeliverySink = {
    pushEnvelopes: (envelopes) => this.pushEnvelopes(envelopes),
    pushQueueEmpty: () => this.send(encodeFrame({ kind: { case: 'push', value: { body: { case: 'queueEmpty', value: {} } } } })),
    pushPrekeysLow: (counts) =>
      this.send(encodeFrame({ kind: { case: 'push', value: { body: { case: 'prekeysLow', value: { ecPrekeys: counts.ec, kyberPrekeys: counts.kyber } } } } })),
    deviceRemoved: () => this.close(CloseCode.DeviceRemoved, 'This device was removed from its account.'),
    failed: (error) => {
      this.relay.log.failure('delivery failed', error);
      this.close(CloseCode.InternalError, 'Delivery failed; reconnect.');
    },
  };

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.relay.metrics.connections(-1);
    this.delivery?.stop();
    if (this.session) {
      this.relay.metrics.authenticatedConnections(-1);
      void this.relay.store.presence.remove(this.session.account.accountId, this.id).catch(() => {});
    }
  }
}
