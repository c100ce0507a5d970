import { useCallback, useState } from 'react';
import { applyThemePreference, loadThemePreference, saveThemePreference, type ThemePreference } from './theme';

/** The current theme choice and a setter that applies and remembers it. */
export function useThemePreference(): [ThemePreference, (preference: ThemePreference) => void] {
  const [preference, setPreference] = useState<ThemePreference>(() => loadThemePreference(window.localStorage));
  const choose = useCallback((next: ThemePreference) => {
    applyThemePreference(document.documentElement, next);
    saveThemePreference(window.localStorage, next);
    setPreference(next);
  }, []);
  return [preference, choose];
}
