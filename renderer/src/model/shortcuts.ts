/** The app's keyboard shortcuts (issue 6): Ctrl on Windows and Linux, Cmd on macOS. */
export type Shortcut = { readonly action: 'quick-switcher' } | { readonly action: 'new-conversation' } | { readonly action: 'lock' } | { readonly action: 'jump'; readonly index: number };

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

export function isMac(platform: string): boolean {
  return platform === 'darwin' || /^mac/i.test(platform);
}

export function shortcutFor(press: KeyPress, mac: boolean): Shortcut | null {
  const mod = mac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey;
  if (!mod || press.altKey || press.shiftKey) return null;
  const key = press.key.toLowerCase();
  if (key === 'k') return { action: 'quick-switcher' };
  if (key === 'n') return { action: 'new-conversation' };
  if (key === 'l') return { action: 'lock' };
  if (/^[1-9]$/.test(key)) return { action: 'jump', index: Number(key) - 1 };
  return null;
}

/** How a shortcut is written for this platform, e.g. "Ctrl+K" or "⌘K". */
export function shortcutLabel(key: string, mac: boolean): string {
  return mac ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}
