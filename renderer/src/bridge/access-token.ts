/**
 * The browser host prints a link with the access token in the fragment
 * (`#token=…`): fragments never reach a server log or a Referer header. The
 * page moves it to sessionStorage (this tab only, survives reload) and strips
 * it from the address bar so it is not bookmarked, shared or shown.
 */
export const TOKEN_STORAGE_KEY = 'hearth.accessToken';

/** The token in a `#token=…` fragment, if any. */
export function tokenFromFragment(fragment: string): string | null {
  const token = new URLSearchParams(fragment.replace(/^#/, '')).get('token');
  return token && /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null;
}

/** The fragment with the token removed ('' when nothing else was in it). */
export function fragmentWithoutToken(fragment: string): string {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  params.delete('token');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

/** The parts of window.location, window.history and window.sessionStorage this needs. */
export interface TokenSources {
  location: { readonly hash: string; readonly pathname: string; readonly search: string };
  history: { readonly state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/** Takes the token out of the address bar (into storage), then returns what storage holds. */
export function takeAccessToken({ location, history, storage }: TokenSources): string | null {
  const fromUrl = tokenFromFragment(location.hash);
  if (fromUrl) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    history.replaceState(history.state, '', `${location.pathname}${location.search}${fragmentWithoutToken(location.hash)}`);
  }
  return storage.getItem(TOKEN_STORAGE_KEY);
}
