import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { HearthClient, HearthError } from '../../../shared/api';
import { startHost, type RunningHost } from '../../../main/host/host';
import * as hostProtocol from '../../../main/host/socket-protocol';
import * as pageProtocol from '../../../renderer/src/bridge/socket-protocol';
import { SocketBridge, type CheckSession, type OpenSocket } from '../../../renderer/src/bridge/socket-bridge';
import { sessionCheck } from '../../../renderer/src/bridge/session-check';
import type { BridgeState } from '../../../renderer/src/bridge/bridge-state';
import { buildPrivately, type PrivateBuild } from '../host/support/private-build';

let build: PrivateBuild;
let base: string;
let host: RunningHost;
const bridges: SocketBridge[] = [];

beforeAll(async () => {
  build = await buildPrivately();
  base = await mkdtemp(path.join(tmpdir(), 'hearth-bridge-test-'));
  host = await startAnotherHost(0);
});

afterEach(() => {
  for (const bridge of bridges.splice(0)) bridge.close();
});

afterAll(async () => {
  await host?.close();
  await build?.remove();
  if (base) await rm(base, { recursive: true, force: true });
});

function startAnotherHost(port: number, profile = 'profile'): Promise<RunningHost> {
  return startHost({ port, rendererDir: build.rendererDir, coreWorkerPath: build.coreWorkerPath, profileDir: path.join(base, profile), defaultRelayUrl: 'ws://127.0.0.1:7999' });
}

/** What a page on `target` would do, with Node's ws standing in for the browser's WebSocket. */
function pageBridge(target: RunningHost, token = target.token): { bridge: SocketBridge; sockets: WebSocket[]; states: BridgeState['status'][] } {
  const sockets: WebSocket[] = [];
  const openSocket: OpenSocket = (events) => {
    const ws = new WebSocket(`ws://127.0.0.1:${target.port}${pageProtocol.API_PATH}`, [pageProtocol.API_SUBPROTOCOL, `${pageProtocol.TOKEN_SUBPROTOCOL_PREFIX}${token}`], { origin: target.origin });
    sockets.push(ws);
    ws.on('open', () => events.onOpen());
    ws.on('message', (data: Buffer, isBinary) => !isBinary && events.onMessage(data.toString('utf8')));
    ws.on('close', () => events.onClose());
    ws.on('error', () => undefined);
    return { send: (text) => ws.send(text), close: () => ws.close(1000) };
  };
  const checkSession: CheckSession = sessionCheck(`${target.origin}${pageProtocol.SESSION_PATH}`, token);
  const bridge = new SocketBridge({ openSocket, checkSession, initialRetryMs: 10, maxRetryMs: 50 });
  const states: BridgeState['status'][] = [];
  bridge.onDidChangeState((state) => states.push(state.status));
  bridges.push(bridge);
  return { bridge, sockets, states };
}

function stateReached(bridge: SocketBridge, status: BridgeState['status']): Promise<BridgeState> {
  if (bridge.getState().status === status) return Promise.resolve(bridge.getState());
  return new Promise((resolve) => {
    const stop = bridge.onDidChangeState((state) => {
      if (state.status !== status) return;
      stop();
      resolve(state);
    });
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<HearthError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof HearthError)) throw outcome;
  return outcome;
}

describe('the page and the host agree on the protocol', () => {
  it('uses the same path, subprotocol and token prefix on both sides', () => {
    const names = ['API_PATH', 'API_SUBPROTOCOL', 'SESSION_PATH', 'TOKEN_SUBPROTOCOL_PREFIX'] as const;
    expect(Object.keys(pageProtocol).sort()).toEqual([...names]);
    for (const name of names) expect(pageProtocol[name], name).toBe(hostProtocol[name]);
  });
});

describe('SocketBridge against the real host', () => {
  it('connects and carries typed calls to the core; calls made before the socket opens wait for it', async () => {
    const { bridge, states } = pageBridge(host);
    const client = new HearthClient(bridge);
    bridge.start();
    const early = client.call('app.getFirstRun', {});
    await expect(early).resolves.toMatchObject({ profileDir: path.join(base, 'profile'), defaultRelayUrl: 'ws://127.0.0.1:7999' });
    expect(states).toEqual(['open']);
    await expect(client.call('app.getInfo', {})).resolves.toMatchObject({ host: 'browser' });
  });

  it('turns the core\'s typed errors into HearthErrors of the same kind', async () => {
    const { bridge } = pageBridge(host);
    bridge.start();
    expect((await rejectionOf(bridge.invoke('app.getInfo', { extra: 1 }))).kind).toBe('invalid-arguments');
    expect((await rejectionOf(bridge.invoke('app.nothing', {}))).kind).toBe('unknown-method');
  });

  it('stops for good with "unauthorized" when the host refuses its token, instead of retrying forever', async () => {
    const { bridge, sockets } = pageBridge(host, 'A'.repeat(43));
    bridge.start();
    const pending = bridge.invoke('app.getInfo', {});
    expect(await stateReached(bridge, 'unauthorized')).toEqual({ status: 'unauthorized', reason: 'wrong-token' });
    expect((await rejectionOf(pending)).kind).toBe('unauthorized');
    expect((await rejectionOf(bridge.invoke('app.getInfo', {}))).kind).toBe('unauthorized');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sockets).toHaveLength(1);
  });

  it('fails a call cut off by a dropped connection, reconnects, and carries the next call', async () => {
    const { bridge, sockets, states } = pageBridge(host);
    const client = new HearthClient(bridge);
    bridge.start();
    await stateReached(bridge, 'open');
    const cutOff = client.call('app.getInfo', {});
    sockets[0]!.terminate();
    const error = await rejectionOf(cutOff);
    expect(error.kind).toBe('unavailable');
    await stateReached(bridge, 'open');
    await expect(client.call('app.getUnreadCount', {})).resolves.toEqual({ total: 0 });
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('notices that the host was restarted (new token) and asks for the new link', async () => {
    const first = await startAnotherHost(0, 'restart');
    const { bridge } = pageBridge(first);
    bridge.start();
    await stateReached(bridge, 'open');
    const port = first.port;
    await first.close();
    const second = await startAnotherHost(port, 'restart');
    try {
      expect(await stateReached(bridge, 'unauthorized')).toEqual({ status: 'unauthorized', reason: 'wrong-token' });
    } finally {
      await second.close();
    }
  });

  it('close() rejects waiting calls and never reconnects', async () => {
    const { bridge, sockets } = pageBridge(host);
    bridge.start();
    await stateReached(bridge, 'open');
    bridge.close();
    expect((await rejectionOf(bridge.invoke('app.getInfo', {}))).kind).toBe('unavailable');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sockets).toHaveLength(1);
    expect(bridge.getState()).toEqual({ status: 'closed' });
  });
});

describe('SocketBridge events', () => {
  it('delivers pushed events to their subscribers and ignores frames that are not contract frames', async () => {
    // A peer that pushes frames the way the host forwards core events.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    server.on('connection', (ws) => {
      ws.send('not json');
      ws.send(JSON.stringify({ type: 'event', event: 'app.onDidChangeUnreadCount', payload: { total: 4 } }));
      ws.send(JSON.stringify({ type: 'mystery' }));
      ws.send(JSON.stringify({ type: 'event', event: 'app.onDidChangeVaultState', payload: { state: 'locked' } }));
    });
    try {
      const openSocket: OpenSocket = (events) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`);
        ws.on('open', () => events.onOpen());
        ws.on('message', (data: Buffer) => events.onMessage(data.toString('utf8')));
        ws.on('close', () => events.onClose());
        ws.on('error', () => undefined);
        return { send: (text) => ws.send(text), close: () => ws.close() };
      };
      const bridge = new SocketBridge({ openSocket, checkSession: async () => 'valid' });
      bridges.push(bridge);
      const client = new HearthClient(bridge);
      const unread: number[] = [];
      const vault = new Promise((resolve) => client.on('app.onDidChangeVaultState', resolve));
      client.on('app.onDidChangeUnreadCount', ({ total }) => unread.push(total));
      bridge.start();
      expect(await vault).toEqual({ state: 'locked' });
      expect(unread).toEqual([4]);
    } finally {
      for (const ws of server.clients) ws.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
