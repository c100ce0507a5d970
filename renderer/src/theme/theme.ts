/**
 * The theme follows the OS (prefers-color-scheme) unless the user picks one.
 * The CSS does the work (light-dark() on color-scheme); this only sets
 * <html data-theme>. The choice lives in the core's settings (in the vault);
 * localStorage keeps a copy only so the next start paints the right theme
 * before the vault is unlocked.
 */
export const themePreferences = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof themePreferences)[number];

const STORAGE_KEY = 'hearth.theme';

export function isThemePreference(value: unknown): value is ThemePreference {
  return typeof value === 'string' && (themePreferences as readonly string[]).includes(value);
}

/** The parts of localStorage and <html> this needs. */
type ReadableStorage = { getItem(key: string): string | null };
type WritableStorage = { setItem(key: string, value: string): void };
type ThemedRoot = { dataset: Record<string, string | undefined> };

export function loadThemePreference(storage: ReadableStorage): ThemePreference {
  const stored = storage.getItem(STORAGE_KEY);
  return isThemePreference(stored) ? stored : 'system';
}

export function saveThemePreference(storage: WritableStorage, preference: ThemePreference): void {
  storage.setItem(STORAGE_KEY, preference);
}

export function applyThemePreference(root: ThemedRoot, preference: ThemePreference): void {
  if (preference === 'system') delete root.dataset.theme;
  else root.dataset.theme = preference;
}
