import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/proto';
import { startRelay, type Relay } from '../../../relay';
import { registerDevice } from '../../../relay/testing/devices';
import { RelayConnection, RelayError, relayErrorKindOf, relayErrorKinds, type ConnectionStatus } from '../../../main/core/transport';

let relay: Relay;
beforeAll(async () => {
  relay = await startRelay({ memory: true, port: 0, logLevel: 'error' });
});
afterAll(async () => {
  await relay.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('relay errors', () => {
  it('give every relay error code its own kind', () => {
    const codes = Object.values(ErrorCode).filter((v): v is ErrorCode => typeof v === 'number' && v !== ErrorCode.NONE);
    const kinds = codes.map(relayErrorKindOf);
    expect(new Set(kinds).size).toBe(codes.length);
    for (const kind of kinds) expect(relayErrorKinds).toContain(kind);
    expect(RelayError.fromCode(ErrorCode.RATE_LIMITED, 1500)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1500, retryable: true });
    expect(RelayError.fromCode(ErrorCode.USERNAME_TAKEN).retryable).toBe(false);
  });
});

describe('relay connection', () => {
  it('authenticates, answers requests, and reports its state', async () => {
    const device = await registerDevice(relay.url, 'conn_user', { prekeys: 3 });
    await device.client.close();
    const states: ConnectionStatus['state'][] = [];
    const connection = new RelayConnection({ url: relay.url, credentials: { username: 'conn_user', deviceId: 1, authSecret: device.secret } }, { onStatus: (s) => states.push(s.state) });
    await expect(connection.request('ping', {})).rejects.toMatchObject({ kind: 'disconnected' });
    connection.start();
    await connection.whenOnline(5000);
    const pong = await connection.request('ping', {});
    expect(pong.serverTimeMs).toBeGreaterThan(0n);
    await expect(connection.request('lookup', { target: { case: 'username', value: 'no_such_user' } })).rejects.toMatchObject({ kind: 'not-found' });
    connection.stop();
    expect(states).toEqual(['connecting', 'online', 'offline']);
  });

  it('retries with growing, jittered, capped delays while the relay cannot be reached', async () => {
    const port = await freePort();
    const retries: number[] = [];
    const now = 1_000_000;
    const connection = new RelayConnection(
      { url: `ws://127.0.0.1:${port}`, credentials: { username: 'x_user', deviceId: 1, authSecret: new Uint8Array(32) }, initialBackoffMs: 20, maxBackoffMs: 80, random: () => 1, now: () => now },
      { onStatus: (s) => s.retryAt !== null && retries.push(s.retryAt - now) },
    );
    connection.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    connection.stop();
    expect(retries.slice(0, 4)).toEqual([20, 40, 80, 80]);
  });
});

describe('keep-alive', () => {
  it('drops a connection whose relay stops answering, and reconnects', async () => {
    // A stand-in relay that signs anyone in and then, on the first connection, ignores every ping.
    const { WebSocketServer } = await import('ws');
    const { decodeFrame, encodeFrame } = await import('../../../shared/proto');
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    let connections = 0;
    server.on('connection', (socket) => {
      const mute = ++connections === 1;
      socket.on('message', (data: Buffer) => {
        const frame = decodeFrame(data);
        if (frame.kind.case !== 'request') return;
        const request = frame.kind.value;
        if (request.body.case === 'authenticate') {
          socket.send(encodeFrame({ kind: { case: 'response', value: { id: request.id, body: { case: 'authenticate', value: { accountId: 'a', ecPrekeys: 100, kyberPrekeys: 100 } } } } }));
        } else if (request.body.case === 'ping' && !mute) {
          socket.send(encodeFrame({ kind: { case: 'response', value: { id: request.id, body: { case: 'ping', value: { serverTimeMs: 1n } } } } }));
        }
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const states: string[] = [];
    const connection = new RelayConnection(
      { url: `ws://127.0.0.1:${port}`, credentials: { username: 'k_user', deviceId: 1, authSecret: new Uint8Array(32) }, keepAliveMs: 50, requestTimeoutMs: 100, initialBackoffMs: 20 },
      { onStatus: (s) => states.push(s.state) },
    );
    connection.start();
    const deadline = Date.now() + 5000;
    while (connections < 2 || !connection.isOnline) {
      if (Date.now() > deadline) throw new Error(`no reconnect: ${states.join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    connection.stop();
    server.close();
    expect(states.slice(0, 5)).toEqual(['connecting', 'online', 'offline', 'connecting', 'online']);
  });
});
