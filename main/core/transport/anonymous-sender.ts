import type { SendResponse } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { RelaySocket, type RequestInit } from './relay-socket';

/**
 * The second connection of a profile (docs/wire-protocol.md, "Sealed
 * sender"): a WebSocket that never authenticates, used only to hand the relay
 * sealed-sender envelopes, so nothing on it says who sent them. Opened when
 * first needed and again after it drops; it receives nothing.
 */
export class AnonymousSender {
  private socket: Promise<RelaySocket> | null = null;
  private stopped = false;

  constructor(
    private url: string,
    private readonly requestTimeoutMs = 15_000,
  ) {}

  async send(request: RequestInit<'send'>): Promise<SendResponse> {
    const socket = await this.open();
    return socket.request('send', request, this.requestTimeoutMs);
  }

  /** Points at another relay; the next send connects there. */
  retarget(url: string): void {
    if (url === this.url) return;
    this.url = url;
    this.drop();
  }

  stop(): void {
    this.stopped = true;
    this.drop();
  }

  private open(): Promise<RelaySocket> {
    if (this.stopped) return Promise.reject(new Error('stopped'));
    const current = this.socket;
    if (current) {
      return current.then(
        (socket) => (socket.isOpen ? socket : this.connect()),
        () => this.connect(),
      );
    }
    return this.connect();
  }

  private connect(): Promise<RelaySocket> {
    const opening = RelaySocket.connect(this.url, {
      requestTimeoutMs: this.requestTimeoutMs,
      onClose: () => {
        if (this.socket === opening) this.socket = null;
      },
    });
    this.socket = opening;
    opening.catch(() => {
      if (this.socket === opening) this.socket = null;
    });
    return opening;
  }

  private drop(): void {
    const current = this.socket;
    this.socket = null;
    void current?.then((socket) => socket.close()).catch(() => undefined);
  }
}
