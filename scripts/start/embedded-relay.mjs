/**
 * LEAD: start the embedded relay here. When HEARTH_RELAY_URL is unset and
 * nothing listens on 127.0.0.1:7443, start relay/ (built separately) on that
 * address, and return a function that stops it; `npm start` calls it before
 * the app starts and awaits the returned stop function on the way out.
 * Until then it starts nothing.
 */
export async function ensureEmbeddedRelay() {
  return async () => {};
}
