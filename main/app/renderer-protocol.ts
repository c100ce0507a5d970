import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { CustomScheme } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-origin';

/**
 * Serves the built renderer (out/renderer) on app://hearth/. A privileged
 * standard scheme gives the page a real, stable origin (unlike file://, which
 * would also let it read any file on disk), and the handler below answers only
 * for files inside the renderer folder.
 */

export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  // corsEnabled: Vite's built page loads its module scripts with `crossorigin`
  // (CORS-mode requests), so the scheme takes part in CORS as https does
  // rather than relying on how Chromium treats unknown schemes. Our responses
  // carry no Access-Control-Allow-Origin, so no other origin can read them.
  // bypassCSP stays off.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
};

/**
 * The file a request maps to, or null when it is not ours to serve: another
 * host, a path that escapes the renderer folder (`..`, encoded slashes or
 * backslashes), or a NUL byte. "/" is the entry page.
 */
export function resolveRendererFile(rendererRoot: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;

  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';

  const root = resolve(rendererRoot);
  const file = resolve(root, `.${path}`);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return null;
  return file;
}

/**
 * Content types by extension, set by us rather than sniffed: with nosniff, a
 * module script served without a JavaScript type would not run, and a file
 * of any other kind must not be taken for one.
 */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The handler for protocol.handle(APP_SCHEME, …). Files are read with fs
 * (which Electron patches to read inside app.asar) rather than net.fetch of a
 * file: URL, which would answer a directory with a listing.
 */
export function createRendererHandler(options: { rendererRoot: string; contentSecurityPolicy: string }): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = resolveRendererFile(options.rendererRoot, request.url);
    if (!file) return new Response(null, { status: 404 });

    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readFile(file);
    } catch {
      return new Response(null, { status: 404 });
    }

    // The CSP rides on the response itself as well as on the session's
    // onHeadersReceived hook, so it holds even where that hook does not see
    // custom-protocol responses.
    const headers = new Headers({
      'Content-Type': contentTypeFor(file),
      'Content-Security-Policy': options.contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
    });
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}
