import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applySecurityHeaders, sendPlain } from './http-security';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps a request path to a file inside `root`, or null. Refuses anything that
 * could leave the root: bad percent-encoding, NUL bytes, backslashes (a path
 * separator on Windows), `..` segments, and symlinks pointing outside.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  if (decoded.endsWith('/')) decoded += 'index.html';

  const candidate = path.resolve(root, `.${decoded}`);
  if (!isInside(root, candidate)) return null;
  try {
    const [realRoot, realCandidate] = await Promise.all([realpath(root), realpath(candidate)]);
    if (!isInside(realRoot, realCandidate)) return null;
    return (await stat(realCandidate)).isFile() ? realCandidate : null;
  } catch {
    return null;
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Serves the built renderer. Only GET and HEAD; unknown types are refused rather than guessed. */
export async function serveStaticFile(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendPlain(res, 405, 'Method not allowed.\n', { Allow: 'GET, HEAD' });
    return;
  }
  const file = await resolveStaticFile(root, pathname);
  const contentType = file ? CONTENT_TYPES[path.extname(file).toLowerCase()] : undefined;
  if (!file || !contentType) {
    sendPlain(res, 404, 'Not found.\n');
    return;
  }
  const body = await readFile(file);
  applySecurityHeaders(res);
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': body.byteLength,
    'Cache-Control': cachePolicy(pathname, file),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** index.html names the current build's assets, so it must never be cached; hashed assets never change. */
function cachePolicy(pathname: string, file: string): string {
  if (path.extname(file).toLowerCase() === '.html') return 'no-store';
  if (pathname.startsWith('/assets/')) return 'max-age=31536000, immutable';
  return 'no-cache';
}
