/** The longest link we hand to the OS; real links are far shorter. */
const MAX_EXTERNAL_URL_LENGTH = 2048;

/**
 * A link we are willing to open in the user's browser: http or https only,
 * with a host and without credentials. Anything else (file:, javascript:,
 * custom schemes that launch other apps, smb: shares) is refused, because
 * shell.openExternal hands the URL to the OS, which will run whatever handles it.
 */
export function parseExternalUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length > MAX_EXTERNAL_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url;
}

export type OpenExternal = (url: string) => Promise<void>;

/** Opens a validated http(s) link in the user's browser; returns whether it did. */
export function openExternalLink(raw: unknown, openExternal: OpenExternal): boolean {
  const url = parseExternalUrl(raw);
  if (!url) return false;
  void openExternal(url.href).catch(() => console.warn('[app] the OS refused to open an external link'));
  return true;
}
