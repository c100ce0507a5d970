/**
 * Where the renderer is served from, and how we compare origins. In production
 * the renderer comes from our own privileged scheme (`app://hearth/`), never
 * from file://, so the page has a real origin that navigation and IPC checks
 * can compare against; in development it comes from the Vite dev server.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hearth';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The origin of a URL as "scheme://host[:port]", or null when it has none.
 * WHATWG's `URL.origin` is the string "null" for custom schemes such as
 * app://, so it cannot be used to compare them.
 */
export function originOf(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.host === '' || url.username !== '' || url.password !== '') return null;
  return `${url.protocol}//${url.host}`;
}

/** The origin the renderer must have: the dev server's in development, app://hearth otherwise. */
export function appOriginFor(devServerUrl: string | undefined): string {
  if (devServerUrl === undefined) return APP_ORIGIN;
  const origin = originOf(devServerUrl);
  if (origin === null || !/^https?:\/\//.test(origin)) {
    throw new Error('ELECTRON_RENDERER_URL must be an http(s) URL with a host.');
  }
  return origin;
}
