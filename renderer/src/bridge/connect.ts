import { HearthClient, HearthError, type HearthBridge } from '../../../shared/api';
import { takeAccessToken } from './access-token';
import { alwaysOpen, type BridgeStateSource, type BridgeState } from './bridge-state';
import { sessionCheck } from './session-check';
import { SocketBridge, type OpenSocket } from './socket-bridge';
import { API_PATH, API_SUBPROTOCOL, SESSION_PATH, TOKEN_SUBPROTOCOL_PREFIX } from './socket-protocol';

export interface Connection {
  client: HearthClient;
  state: BridgeStateSource;
}

/**
 * The page's way to the core: the Electron preload's `window.hearth` when it is
 * there, otherwise the browser host's WebSocket.
 */
export function connectToCore(): Connection {
  const preload = window.hearth;
  if (isBridge(preload)) return { client: new HearthClient(preload), state: alwaysOpen };

  const token = takeAccessToken({ location: window.location, history: window.history, storage: window.sessionStorage });
  if (!token) {
    const refused = new RefusedBridge({ status: 'unauthorized', reason: 'missing-token' });
    return { client: new HearthClient(refused), state: refused };
  }
  const bridge = new SocketBridge({ openSocket: browserSocket(token), checkSession: sessionCheck(SESSION_PATH, token) });
  bridge.start();
  return { client: new HearthClient(bridge), state: bridge };
}

function isBridge(value: unknown): value is HearthBridge {
  return typeof value === 'object' && value !== null && 'invoke' in value && typeof value.invoke === 'function' && 'subscribe' in value && typeof value.subscribe === 'function';
}

function browserSocket(token: string): OpenSocket {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${window.location.host}${API_PATH}`;
  return (events) => {
    const ws = new WebSocket(url, [API_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${token}`]);
    ws.onopen = () => events.onOpen();
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data === 'string') events.onMessage(event.data);
    };
    ws.onclose = () => events.onClose();
    return { send: (text) => ws.send(text), close: () => ws.close(1000) };
  };
}

/** A bridge that can never connect (no token): every call fails with the reason. */
class RefusedBridge implements HearthBridge, BridgeStateSource {
  constructor(private readonly state: BridgeState) {}
  invoke(): Promise<unknown> {
    return Promise.reject(new HearthError('unauthorized', 'This page has no access token for Hearth.'));
  }
  subscribe(): () => void {
    return () => undefined;
  }
  getState(): BridgeState {
    return this.state;
  }
  onDidChangeState(): () => void {
    return () => undefined;
  }
}
