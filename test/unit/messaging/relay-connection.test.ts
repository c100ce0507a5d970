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
