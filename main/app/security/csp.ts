/**
 * The renderer's Content-Security-Policy. Production allows only our own
 * origin and nothing inline; development adds exactly what Vite's dev server
 * needs (the React Refresh preamble and injected <style> tags are inline, and
 * HMR talks over a WebSocket to the dev server).
 */

type Directives = Record<string, readonly string[]>;

const PRODUCTION: Directives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  // Voice notes and audio attachments play from Blob URLs the renderer makes of the decrypted file.
  'media-src': ["'self'", 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
};

export type CspMode = { kind: 'production' } | { kind: 'development'; devServerOrigin: string };

export function contentSecurityPolicy(mode: CspMode): string {
  const directives: Record<string, string[]> = Object.fromEntries(Object.entries(PRODUCTION).map(([name, sources]) => [name, [...sources]]));
  if (mode.kind === 'development') {
    const origin = new URL(mode.devServerOrigin);
    const hmrSocket = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}`;
    directives['script-src']?.push("'unsafe-inline'");
    directives['style-src']?.push("'unsafe-inline'");
    directives['connect-src']?.push(hmrSocket);
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * Response headers with our CSP in place of any the server sent: header names
 * are case-insensitive, so a lower-case copy from the dev server must not
 * survive next to ours.
 */
export function withCspHeader(headers: Record<string, string[]> | undefined, policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}
