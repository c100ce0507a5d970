import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HearthError } from '../../../shared/api';
import { startHost, type RunningHost } from '../../../main/host/host';
import { contentSecurityPolicy } from '../../../main/app/security/csp';
import { buildPrivately, type PrivateBuild } from './support/private-build';
import { openApiSocket, openAuthorized, rawRequest } from './support/clients';

let build: PrivateBuild;
let profileDir: string;
let host: RunningHost;

beforeAll(async () => {
  build = await buildPrivately();
  profileDir = await mkdtemp(path.join(tmpdir(), 'hearth-host-test-'));
  host = await startHost({ port: 0, rendererDir: build.rendererDir, coreWorkerPath: build.coreWorkerPath, profileDir, defaultRelayUrl: 'ws://127.0.0.1:7999' });
});

afterAll(async () => {
  await host?.close();
  await build?.remove();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

describe('startHost', () => {
  it('listens on 127.0.0.1 and puts a 256-bit token in the URL fragment', () => {
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32);
    expect(host.url).toBe(`${host.origin}/#token=${host.token}`);
  });
});

describe('api WebSocket: who may connect', () => {
  const ownOrigin = () => `http://127.0.0.1:${host.port}`;

  it('opens for the right token from the host\'s own origin, and reaches the core', async () => {
    const { ws, frames } = await openAuthorized(host.port, host.token);
    // The token offered as a subprotocol is never echoed back.
    expect(ws.protocol).toBe('hearth.v1');
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.getFirstRun', args: {} }));
    const frame = await frames.result(1);
    expect(frame).toMatchObject({ ok: true, result: { profileDir, defaultRelayUrl: 'ws://127.0.0.1:7999' } });
    ws.close();
  });

  it('refuses a missing token with 401', async () => {
    expect(await openApiSocket(host.port, { origin: ownOrigin() })).toEqual({ opened: false, status: 401 });
  });

  it('refuses a wrong token with 401, however close to the right one', async () => {
    const last = host.token.at(-1) === 'A' ? 'B' : 'A';
    for (const token of [`${host.token.slice(0, -1)}${last}`, host.token.slice(0, -1), `${host.token}A`, '']) {
      expect(await openApiSocket(host.port, { token, origin: ownOrigin() })).toEqual({ opened: false, status: 401 });
    }
  });

  it('refuses a foreign or missing Origin with 403, even with the right token', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${host.port}`, `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`, 'null']) {
      expect(await openApiSocket(host.port, { token: host.token, origin })).toEqual({ opened: false, status: 403 });
    }
    expect(await openApiSocket(host.port, { token: host.token })).toEqual({ opened: false, status: 403 });
  });

  it('refuses a rebound Host name with 403', async () => {
    expect(await openApiSocket(host.port, { token: host.token, origin: ownOrigin(), hostHeader: `rebind.example:${host.port}` })).toEqual({ opened: false, status: 403 });
  });

  it('refuses other paths, and a client that does not offer hearth.v1', async () => {
    expect(await openApiSocket(host.port, { token: host.token, origin: ownOrigin(), path: '/api/other' })).toEqual({ opened: false, status: 404 });
    expect(await openApiSocket(host.port, { origin: ownOrigin(), protocols: [`hearth.token.${host.token}`] })).toEqual({ opened: false, status: 400 });
  });

  it('refuses connections beyond its limit with 503', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hearth-host-limit-'));
    const small = await startHost({ port: 0, rendererDir: build.rendererDir, coreWorkerPath: build.coreWorkerPath, profileDir: dir, defaultRelayUrl: 'ws://127.0.0.1:7999', limits: { maxConnections: 2 } });
    try {
      const first = await openAuthorized(small.port, small.token);
      const second = await openAuthorized(small.port, small.token);
      expect(await openApiSocket(small.port, { token: small.token, origin: small.origin })).toEqual({ opened: false, status: 503 });
      first.ws.close();
      await first.frames.closed;
      const third = await openAuthorized(small.port, small.token);
      second.ws.close();
      third.ws.close();
    } finally {
      await small.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('api WebSocket: frames', () => {
  it('answers garbage with a malformed-frame error and keeps this and other connections working', async () => {
    const a = await openAuthorized(host.port, host.token);
    const b = await openAuthorized(host.port, host.token);

    a.ws.send('{not json');
    expect(await a.frames.next()).toMatchObject({ type: 'result', id: 0, ok: false, error: { kind: 'malformed-frame' } });
    a.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    expect(await a.frames.next()).toMatchObject({ id: 0, ok: false, error: { kind: 'malformed-frame' } });
    a.ws.send(JSON.stringify([1, 2, 3]));
    expect(await a.frames.next()).toMatchObject({ id: 0, ok: false, error: { kind: 'malformed-frame' } });
    // A frame with a usable id gets its error under that id, so the caller's promise settles.
    a.ws.send(JSON.stringify({ type: 'call', id: 7, method: 42 }));
    expect(await a.frames.result(7)).toMatchObject({ ok: false, error: { kind: 'malformed-frame' } });
    a.ws.send(JSON.stringify({ type: 'call', id: 8, method: 'app.getInfo', args: { sneaky: true } }));
    expect(await a.frames.result(8)).toMatchObject({ ok: false, error: { kind: 'invalid-arguments' } });
    a.ws.send(JSON.stringify({ type: 'call', id: 9, method: 'app.format', args: {} }));
    expect(await a.frames.result(9)).toMatchObject({ ok: false, error: { kind: 'unknown-method' } });

    a.ws.send(JSON.stringify({ type: 'call', id: 10, method: 'app.getInfo', args: {} }));
    expect(await a.frames.result(10)).toMatchObject({ ok: true, result: { host: 'browser', profileDir } });
    b.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.getUnreadCount', args: {} }));
    expect(await b.frames.result(1)).toMatchObject({ ok: true, result: { total: 0 } });
    a.ws.close();
    b.ws.close();
  });

  it('answers many calls in flight, each under its own id', async () => {
    const { ws, frames } = await openAuthorized(host.port, host.token);
    const ids = Array.from({ length: 50 }, (_, i) => i + 1);
    for (const id of ids) ws.send(JSON.stringify({ type: 'call', id, method: id % 2 ? 'app.getInfo' : 'app.getUnreadCount', args: {} }));
    for (const id of ids) expect(await frames.result(id)).toMatchObject({ ok: true });
    ws.close();
  });

  it('closes a connection that sends an oversized frame (1009) and nothing else', async () => {
    const big = await openAuthorized(host.port, host.token);
    const other = await openAuthorized(host.port, host.token);
    big.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.getInfo', args: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(await big.frames.closed).toBe(1009);
    other.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.getUnreadCount', args: {} }));
    expect(await other.frames.result(1)).toMatchObject({ ok: true });
    other.ws.close();
  });
});

describe('HTTP', () => {
  it('serves index.html with the Electron shell\'s CSP and the other security headers, never cached', async () => {
    const res = await rawRequest(host.port, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(contentSecurityPolicy({ kind: 'production' }));
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<div id="root"></div>');
  });

  it('serves the built assets with their content types', async () => {
    const assets = await readdir(path.join(build.rendererDir, 'assets'));
    const script = assets.find((name) => name.endsWith('.js'));
    const style = assets.find((name) => name.endsWith('.css'));
    const js = await rawRequest(host.port, `/assets/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBeDefined();
    expect((await rawRequest(host.port, `/assets/${style}`)).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await rawRequest(host.port, '/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
  });

  // The built host bundle sits right next to the renderer folder: the file a traversal would reach first.
  it.each([
    '/../main/host.js',
    '/..%2fmain%2fhost.js',
    '/%2e%2e/main/host.js',
    '/%2E%2E%2Fmain%2Fhost.js',
    '/assets/../../main/host.js',
    '/assets/..%2f..%2fmain%2fhost.js',
    '/..%5cmain%5chost.js',
    '/..\\main\\host.js',
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '//etc/passwd',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('refuses to serve %s', async (requestPath) => {
    const res = await rawRequest(host.port, requestPath);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain('startHost');
    expect(res.body).not.toContain('root:');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it('answers only GET and HEAD for files', async () => {
    expect((await rawRequest(host.port, '/', { method: 'POST' })).status).toBe(405);
    const head = await rawRequest(host.port, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses a request for another host name (DNS rebinding) with 421', async () => {
    const res = await rawRequest(host.port, '/', { headers: { Host: `attacker.example:${host.port}` } });
    expect(res.status).toBe(421);
    expect(res.body).not.toContain('<div id="root">');
  });

  it('tells a page whether its token is good at /api/session, without a WebSocket', async () => {
    expect((await rawRequest(host.port, '/api/session')).status).toBe(401);
    expect((await rawRequest(host.port, '/api/session', { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await rawRequest(host.port, '/api/session', { headers: { Authorization: `Bearer ${host.token}` } })).status).toBe(204);
    expect((await rawRequest(host.port, '/api')).status).toBe(426);
  });
});

describe('ports', () => {
  it('fails with a clear error when an explicit port is busy', async () => {
    const blocker = await occupyPort(0);
    const port = portOf(blocker);
    try {
      const error = await startHost({ port, rendererDir: build.rendererDir, coreWorkerPath: build.coreWorkerPath, profileDir, defaultRelayUrl: 'ws://127.0.0.1:7999' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HearthError);
      expect((error as HearthError).kind).toBe('unavailable');
      expect((error as HearthError).message).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('moves to a free port when the default port (7610) is busy', async () => {
    // Hold 7610 ourselves, unless something else already does: either way it is busy.
    const blocker = await occupyPort(7610).catch(() => null);
    const dir = await mkdtemp(path.join(tmpdir(), 'hearth-host-default-'));
    const moved = await startHost({ rendererDir: build.rendererDir, coreWorkerPath: build.coreWorkerPath, profileDir: dir, defaultRelayUrl: 'ws://127.0.0.1:7999' });
    try {
      expect(moved.port).not.toBe(7610);
      expect((await rawRequest(moved.port, '/')).status).toBe(200);
    } finally {
      await moved.close();
      blocker?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the host.js command', () => {
  it('prints exactly one line with the URL, serves it, and exits cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hearth-host-cli-'));
    const child = spawn(process.execPath, [build.hostScript], { env: { ...process.env, HEARTH_PORT: '0', HEARTH_PROFILE_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines: string[] = [];
      const firstLine = new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          resolve(line);
        }),
      );
      const first = await firstLine;
      const match = /^Hearth UI: (http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]{43})$/.exec(first);
      expect(match).not.toBeNull();
      const [, origin, port, token] = match!;
      const { ws, frames } = await openAuthorized(Number(port), token!);
      ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.getFirstRun', args: {} }));
      expect(await frames.result(1)).toMatchObject({ ok: true, result: { profileDir: dir } });
      expect((await fetch(`${origin}/`)).status).toBe(200);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(lines.filter((line) => line.trim() !== '')).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits with one clear line when HEARTH_PORT is busy', async () => {
    const blocker = await occupyPort(0);
    try {
      const child = spawn(process.execPath, [build.hostScript], { env: { ...process.env, HEARTH_PORT: String(portOf(blocker)), HEARTH_PROFILE_DIR: profileDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual([`Hearth could not start: Port ${portOf(blocker)} on 127.0.0.1 is already in use; set HEARTH_PORT to a free port, or leave it unset to let Hearth choose one.`]);
    } finally {
      blocker.close();
    }
  });
});

function occupyPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return address.port;
}
