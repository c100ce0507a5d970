import { HearthError, ServerFrame, type CallFrame, type HearthBridge } from '../../../shared/api';
import type { BridgeStateSource, BridgeState } from './bridge-state';

/** What the bridge needs from a WebSocket, so it runs on the browser's and, in tests, on Node's. */
export interface SocketEvents {
  onOpen(): void;
  onMessage(text: string): void;
  onClose(): void;
}
export interface SocketHandle {
  send(text: string): void;
  close(): void;
}
export type OpenSocket = (events: SocketEvents) => SocketHandle;

/** Asks the host whether our token is good: tells "wrong token" from "host not reachable". */
export type CheckSession = () => Promise<'valid' | 'invalid' | 'unreachable'>;

export interface SocketBridgeOptions {
  openSocket: OpenSocket;
  checkSession: CheckSession;
  /** First retry delay; it doubles up to `maxRetryMs`. */
  initialRetryMs?: number;
  maxRetryMs?: number;
}

interface PendingCall {
  readonly text: string;
  sent: boolean;
  resolve(value: unknown): void;
  reject(error: HearthError): void;
}

/**
 * HearthBridge over the browser host's WebSocket: numbered calls, pushed
 * events, and reconnection with backoff. A call made while disconnected waits
 * for the connection; a call already sent when the connection drops fails
 * (we cannot know whether the core ran it), so the caller decides to retry.
 */
export class SocketBridge implements HearthBridge, BridgeStateSource {
  private socket: SocketHandle | undefined;
  private state: BridgeState = { status: 'connecting' };
  private readonly pending = new Map<number, PendingCall>();
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(state: BridgeState) => void>();
  private nextId = 1;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly initialRetryMs: number;
  private readonly maxRetryMs: number;

  constructor(private readonly options: SocketBridgeOptions) {
    this.initialRetryMs = options.initialRetryMs ?? 500;
    this.maxRetryMs = options.maxRetryMs ?? 10_000;
  }

  start(): void {
    if (this.socket || this.state.status === 'closed' || this.state.status === 'unauthorized') return;
    this.connect();
  }

  invoke(method: string, args: unknown): Promise<unknown> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    const id = this.nextId++;
    const frame: CallFrame = { type: 'call', id, method, args };
    return new Promise((resolve, reject) => {
      const call: PendingCall = { text: JSON.stringify(frame), sent: false, resolve, reject };
      this.pending.set(id, call);
      if (this.state.status === 'open') this.send(call);
    });
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    let listeners = this.eventListeners.get(event);
    if (!listeners) this.eventListeners.set(event, (listeners = new Set()));
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  getState(): BridgeState {
    return this.state;
  }

  onDidChangeState(listener: (state: BridgeState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Stops for good: rejects what is waiting and does not reconnect. */
  close(): void {
    this.setState({ status: 'closed' });
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = undefined;
    this.failAll(new HearthError('unavailable', 'This window is no longer connected to Hearth.'));
  }

  private connect(): void {
    let opened = false;
    const socket = this.options.openSocket({
      onOpen: () => {
        if (this.socket !== socket) return;
        opened = true;
        this.attempt = 0;
        this.setState({ status: 'open' });
        for (const call of this.pending.values()) if (!call.sent) this.send(call);
      },
      onMessage: (text) => {
        if (this.socket === socket) this.onFrame(text);
      },
      onClose: () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        void this.onDisconnect(opened);
      },
    });
    this.socket = socket;
  }

  private async onDisconnect(wasOpen: boolean): Promise<void> {
    // Calls already sent may or may not have run; only their callers can decide to retry.
    for (const [id, call] of this.pending) {
      if (!call.sent) continue;
      this.pending.delete(id);
      call.reject(new HearthError('unavailable', 'The connection to Hearth was lost before it answered; try again.'));
    }
    if (this.state.status === 'closed') return;
    // A refused upgrade never opens, and the browser hides the HTTP status; ask the host why.
    if (!wasOpen && (await this.options.checkSession()) === 'invalid') {
      this.setState({ status: 'unauthorized', reason: 'wrong-token' });
      this.failAll(new HearthError('unauthorized', 'Hearth refused this window\'s access token.'));
      return;
    }
    if (this.isClosed()) return;
    this.attempt += 1;
    this.setState({ status: 'reconnecting', attempt: this.attempt });
    const delay = Math.min(this.maxRetryMs, this.initialRetryMs * 2 ** (this.attempt - 1));
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private onFrame(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const frame = ServerFrame.safeParse(json);
    if (!frame.success) return;
    if (frame.data.type === 'event') {
      for (const listener of this.eventListeners.get(frame.data.event) ?? []) listener(frame.data.payload);
      return;
    }
    const call = this.pending.get(frame.data.id);
    if (!call) return;
    this.pending.delete(frame.data.id);
    if (frame.data.ok) call.resolve(frame.data.result);
    else call.reject(new HearthError(frame.data.error.kind, frame.data.error.message));
  }

  private send(call: PendingCall): void {
    call.sent = true;
    this.socket?.send(call.text);
  }

  /** A method, not an inline check: close() may run while onDisconnect awaits. */
  private isClosed(): boolean {
    return this.state.status === 'closed';
  }

  private refusal(): HearthError | undefined {
    if (this.state.status === 'unauthorized') return new HearthError('unauthorized', 'Hearth refused this window\'s access token.');
    if (this.state.status === 'closed') return new HearthError('unavailable', 'This window is no longer connected to Hearth.');
    return undefined;
  }

  private failAll(error: HearthError): void {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  private setState(state: BridgeState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
