import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { ApiSocketServer, DEFAULT_API_SOCKET_LIMITS } from '../../../main/host/api-socket';
import type { HearthBridge } from '../../../shared/api';
import { openAuthorized } from './support/clients';

const TOKEN = 'T'.repeat(43);
let server: Server | undefined;
let api: ApiSocketServer | undefined;

afterEach(async () => {
  await api?.close();
  await new Promise((resolve) => server?.close(resolve));
  server = api = undefined;
});

/** The api socket on its own HTTP server, in front of a core that answers well, badly, or with an error. */
async function serve(): Promise<number> {
  const answers: Record<string, () => Promise<unknown>> = {
    'app.getUnreadCount': async () => ({ total: 1 }),
    'app.getInfo': async () => ({ name: 42, profileDir: '/home/ada' }),
  };
  const core: HearthBridge = {
    invoke: (method) => answers[method]?.() ?? Promise.reject({ kind: 'locked', message: 'The vault is locked.' }),
    subscribe: () => () => undefined,
  };
  let port = 0;
  api = new ApiSocketServer(core, () => ({ origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, token: TOKEN }), DEFAULT_API_SOCKET_LIMITS);
  server = createServer();
  const socketServer = api;
  server.on('upgrade', (req, socket, head) => socketServer.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return port;
}

describe('ApiSocketServer', () => {
  it('forwards core events to every open connection, and only events the contract knows', async () => {
    const port = await serve();
    const a = await openAuthorized(port, TOKEN);
    const b = await openAuthorized(port, TOKEN);
    expect(api!.connectionCount).toBe(2);

    api!.broadcast('app.secretInternalEvent', { leaked: true });
    api!.broadcast('app.onDidChangeUnreadCount', { total: 2 });
    for (const client of [a, b]) expect(await client.frames.next()).toEqual({ type: 'event', event: 'app.onDidChangeUnreadCount', payload: { total: 2 } });

    // The unknown event was dropped, not just delayed: the next frame is the answer to this call.
    a.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.getUnreadCount', args: {} }));
    expect(await a.frames.next()).toEqual({ type: 'result', id: 1, ok: true, result: { total: 1 } });
  });

  it('checks what the core answers before it reaches the page, and passes typed errors through', async () => {
    const port = await serve();
    const { ws, frames } = await openAuthorized(port, TOKEN);
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.getInfo', args: {} }));
    const malformed = await frames.result(1);
    expect(malformed).toMatchObject({ ok: false, error: { kind: 'invalid-result' } });
    expect(JSON.stringify(malformed)).not.toContain('/home/ada');
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'app.getFirstRun', args: {} }));
    expect(await frames.result(2)).toMatchObject({ ok: false, error: { kind: 'locked', message: 'The vault is locked.' } });
  });

  it('says goodbye (1001) to open connections when it closes', async () => {
    const port = await serve();
    const { frames } = await openAuthorized(port, TOKEN);
    await api!.close();
    expect(await frames.closed).toBe(1001);
  });
});
