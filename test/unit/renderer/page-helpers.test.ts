import { describe, expect, it } from 'vitest';
import { fragmentWithoutToken, takeAccessToken, tokenFromFragment, TOKEN_STORAGE_KEY } from '../../../renderer/src/bridge/access-token';
import { nextRovingIndex } from '../../../renderer/src/ui/roving-focus';
import { en } from '../../../renderer/src/i18n/en';
import { t } from '../../../renderer/src/i18n';
import { applyThemePreference, loadThemePreference } from '../../../renderer/src/theme/theme';

const TOKEN = 'q3Zb3kF1l0n0T0k3n_AbCdEfGhIjKlMnOpQrStUvWxY';

function memoryStorage(): { getItem(key: string): string | null; setItem(key: string, value: string): void; data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

describe('access token in the page', () => {
  it('reads the token from the fragment and rejects anything that is not token-shaped', () => {
    expect(tokenFromFragment(`#token=${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromFragment(`#view=chats&token=${TOKEN}`)).toBe(TOKEN);
    expect(tokenFromFragment('#token=')).toBeNull();
    expect(tokenFromFragment('#token=short')).toBeNull();
    expect(tokenFromFragment('#token=<script>alert(1)</script>aaaaaaaaaaaaaaa')).toBeNull();
    expect(tokenFromFragment('')).toBeNull();
  });

  it('strips only the token from the fragment', () => {
    expect(fragmentWithoutToken(`#token=${TOKEN}`)).toBe('');
    expect(fragmentWithoutToken(`#token=${TOKEN}&view=settings`)).toBe('#view=settings');
  });

  it('moves the token into session storage and out of the address bar, and finds it there after a reload', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const history = { state: null, replaceState: (_data: unknown, _unused: string, url?: string) => void replaced.push(url ?? '') };
    expect(takeAccessToken({ location: { hash: `#token=${TOKEN}`, pathname: '/', search: '' }, history, storage })).toBe(TOKEN);
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(replaced).toEqual(['/']);
    // The reload: no fragment any more, same tab storage.
    expect(takeAccessToken({ location: { hash: '', pathname: '/', search: '' }, history, storage })).toBe(TOKEN);
    expect(replaced).toEqual(['/']);
    expect(takeAccessToken({ location: { hash: '', pathname: '/', search: '' }, history, storage: memoryStorage() })).toBeNull();
  });
});

describe('roving focus', () => {
  it('moves with the arrows of its orientation, wraps, and jumps with Home and End', () => {
    expect(nextRovingIndex(0, 'ArrowDown', 3, 'vertical')).toBe(1);
    expect(nextRovingIndex(2, 'ArrowDown', 3, 'vertical')).toBe(0);
    expect(nextRovingIndex(0, 'ArrowUp', 3, 'vertical')).toBe(2);
    expect(nextRovingIndex(1, 'ArrowRight', 3, 'vertical')).toBeNull();
    expect(nextRovingIndex(1, 'ArrowRight', 3, 'horizontal')).toBe(2);
    expect(nextRovingIndex(1, 'Home', 3, 'vertical')).toBe(0);
    expect(nextRovingIndex(1, 'End', 3, 'vertical')).toBe(2);
    expect(nextRovingIndex(0, 'Tab', 3, 'vertical')).toBeNull();
    expect(nextRovingIndex(0, 'ArrowDown', 0, 'vertical')).toBeNull();
  });
});

describe('messages', () => {
  it('fills in parameters and leaves unknown placeholders visible', () => {
    expect(t('firstRun.versions', { core: '1', libsignal: '2', node: '3' })).toBe('Hearth 1 · libsignal 2 · Node 3');
    expect(t('chats.noResults', {})).toBe('No messages match "{query}".');
  });

  it('has no empty message', () => {
    for (const [key, text] of Object.entries(en)) expect(text.trim(), key).not.toBe('');
  });
});

describe('theme preference', () => {
  it('falls back to the system theme for anything unknown and pins a chosen one on <html>', () => {
    const storage = memoryStorage();
    expect(loadThemePreference(storage)).toBe('system');
    storage.setItem('hearth.theme', 'sepia');
    expect(loadThemePreference(storage)).toBe('system');
    storage.setItem('hearth.theme', 'dark');
    expect(loadThemePreference(storage)).toBe('dark');
    const root = { dataset: {} as Record<string, string | undefined> };
    applyThemePreference(root, 'light');
    expect(root.dataset.theme).toBe('light');
    applyThemePreference(root, 'system');
    expect('theme' in root.dataset).toBe(false);
  });
});
