import type { AuthenticateResponse, Envelope, PrekeysLow, Push } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { RelayError, isRelayError } from './relay-error';
import { RelaySocket, type RequestCase, type RequestInit, type ResponseOf } from './relay-socket';

export interface DeviceCredentials {
  readonly username: string;
  readonly deviceId: number;
  readonly authSecret: Uint8Array;
}

export type ConnectionStateName = 'offline' | 'connecting' | 'online';

export interface ConnectionStatus {
  readonly state: ConnectionStateName;
  /** When the next attempt is due, while offline. */
  readonly retryAt: number | null;
  /** Why the last attempt failed, in words a person can act on. */
  readonly lastError: string | null;
}

export interface RelayConnectionListener {
  /** After every (re)authentication, before any envelope of that connection. */
  onOnline?(auth: AuthenticateResponse): void;
  onEnvelopes?(envelopes: Envelope[]): void;
  /** Everything queued when the connection authenticated has been pushed. */
  onQueueEmpty?(): void;
  onPrekeysLow?(counts: PrekeysLow): void;
  onStatus?(status: ConnectionStatus): void;
}

export interface RelayConnectionOptions {
  readonly url: string;
  readonly credentials: DeviceCredentials;
  /** A ping goes out this often; a connection that does not answer within the request timeout is dropped. Default 25 s. */
  readonly keepAliveMs?: number;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. Default 250 ms. */
  readonly initialBackoffMs?: number;
  /** Default 30 s. */
  readonly maxBackoffMs?: number;
  readonly requestTimeoutMs?: number;
  /** For tests of the backoff. */
  readonly random?: () => number;
  readonly now?: () => number;
}

const DEFAULTS = { keepAliveMs: 25_000, initialBackoffMs: 250, maxBackoffMs: 30_000, requestTimeoutMs: 15_000 };

/**
 * The one connection of a profile to its relay: connects, authenticates as
 * this device, keeps the link alive with pings, and reconnects after any
 * loss with jittered exponential backoff (half the delay fixed, half random,
 * so a relay restart is not met by every client at the same instant).
 */
export class RelayConnection {
  private socket: RelaySocket | null = null;
  private status: ConnectionStatus = { state: 'offline', retryAt: null, lastError: null };
  private attempt = 0;
  private running = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private readonly onlineWaiters = new Set<() => void>();
  private options: Required<Omit<RelayConnectionOptions, 'random' | 'now'>> & { random: () => number; now: () => number };

  constructor(
    options: RelayConnectionOptions,
    private readonly listener: RelayConnectionListener = {},
  ) {
    this.options = { ...DEFAULTS, random: Math.random, now: Date.now, ...options };
  }

  get state(): ConnectionStatus {
    return this.status;
  }

  get isOnline(): boolean {
    return this.status.state === 'online' && this.socket?.isOpen === true;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopKeepAlive();
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.setStatus({ state: 'offline', retryAt: null, lastError: null });
    for (const wake of this.onlineWaiters) wake();
  }

  /** Points the connection at another relay (the user changed the relay URL); reconnects if running. */
  retarget(url: string): void {
    if (url === this.options.url) return;
    const wasRunning = this.running;
    this.stop();
    this.options = { ...this.options, url };
    if (wasRunning) this.start();
  }

  /**
   * Drops the current connection and reconnects after the usual backoff: the
   * relay pushes again whatever was not acked (used when a batch could not be stored).
   */
  recycle(): void {
    if (this.running) this.socket?.terminate();
  }

  /** Reconnect now instead of waiting out the backoff (e.g. the network came back). */
  reconnectNow(): void {
    if (!this.running || this.status.state !== 'offline') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.connect();
  }

  /** Resolves once online, or rejects with 'disconnected' after `timeoutMs` or when stopped. */
  whenOnline(timeoutMs = 30_000): Promise<void> {
    if (this.isOnline) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (this.isOnline) done(resolve);
        else if (!this.running) done(() => reject(new RelayError('disconnected')));
      };
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.onlineWaiters.delete(wake);
        settle();
      };
      const timer = setTimeout(() => done(() => reject(new RelayError('disconnected', this.status.lastError ?? undefined))), timeoutMs);
      this.onlineWaiters.add(wake);
    });
  }

  /** A request on the current connection; 'disconnected' at once when offline (callers retry later). */
  request<C extends RequestCase>(kind: C, value: RequestInit<C>, timeoutMs?: number): Promise<ResponseOf<C>> {
    const socket = this.socket;
    if (!socket || this.status.state !== 'online') return Promise.reject(new RelayError('disconnected'));
    return socket.request(kind, value, timeoutMs);
  }

  /** A one-way request on the current connection; false when offline. */
  sendOneWay<C extends RequestCase>(kind: C, value: RequestInit<C>): boolean {
    const socket = this.socket;
    if (!socket || this.status.state !== 'online') return false;
    return socket.sendOneWay(kind, value);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.setStatus({ state: 'connecting', retryAt: null, lastError: this.status.lastError });
    let socket: RelaySocket | null = null;
    let early: Push[] | null = [];
    try {
      socket = await RelaySocket.connect(this.options.url, {
        requestTimeoutMs: this.options.requestTimeoutMs,
        onPush: (push) => {
          if (this.socket !== socket) return;
          // Pushes can arrive in the same read as the authenticate response, before onOnline ran: hold them.
          if (early) early.push(push);
          else this.dispatch(push);
        },
        onClose: () => {
          if (this.socket === socket) this.lost('The connection to the relay was lost.');
        },
      });
      if (!this.running) return socket.close();
      this.socket = socket;
      const { username, deviceId, authSecret } = this.options.credentials;
      const auth = await socket.request('authenticate', { username, deviceId, authSecret });
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setStatus({ state: 'online', retryAt: null, lastError: null });
      this.startKeepAlive(socket);
      this.listener.onOnline?.(auth);
      const held = early;
      early = null;
      for (const push of held) this.dispatch(push);
      for (const wake of this.onlineWaiters) wake();
    } catch (error) {
      if (socket && this.socket === socket) this.socket = null;
      socket?.close();
      this.lost(isRelayError(error) ? error.message : 'Could not reach the relay.');
    }
  }

  private dispatch(push: Push): void {
    switch (push.body.case) {
      case 'envelopes':
        this.listener.onEnvelopes?.(push.body.value.envelopes);
        break;
      case 'queueEmpty':
        this.listener.onQueueEmpty?.();
        break;
      case 'prekeysLow':
        this.listener.onPrekeysLow?.(push.body.value);
        break;
    }
  }

  private lost(reason: string): void {
    this.stopKeepAlive();
    this.socket = null;
    if (!this.running) return;
    if (this.retryTimer) return; // already scheduled
    const delay = this.backoffDelay();
    this.attempt += 1;
    this.setStatus({ state: 'offline', retryAt: this.options.now() + delay, lastError: reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  /** Equal jitter: half of the exponential delay fixed, half random. */
  private backoffDelay(): number {
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** Math.min(this.attempt, 20));
    return Math.round(ceiling / 2 + this.options.random() * (ceiling / 2));
  }

  private startKeepAlive(socket: RelaySocket): void {
    this.stopKeepAlive();
    this.keepAliveTimer = setInterval(() => {
      socket.request('ping', {}, this.options.requestTimeoutMs).catch(() => {
        // No answer in time: the link is dead even if TCP has not noticed.
        if (this.socket === socket) socket.terminate();
      });
    }, this.options.keepAliveMs);
    this.keepAliveTimer.unref?.();
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    const same = status.state === this.status.state && status.retryAt === this.status.retryAt && status.lastError === this.status.lastError;
    this.status = status;
    if (!same) this.listener.onStatus?.(status);
  }
}
