/**
 * Shows the unread count outside the window: the dock/launcher badge where the
 * platform has one (app.setBadgeCount), the taskbar overlay otherwise (Windows),
 * and the tray tooltip everywhere. The count only, never who wrote.
 */

/** Where the count can appear; the Electron calls in the app, recorders in tests. */
export interface UnreadSurfaces {
  /** app.setBadgeCount: false where the platform has no badge. */
  setBadgeCount(count: number): boolean;
  /** The overlay fallback; null clears it. */
  setOverlay(description: string | null): void;
  setTrayToolTip(text: string): void;
}

/** Counts above this show as "99+" in text. */
const DISPLAY_LIMIT = 99;

export function unreadText(appName: string, count: number): string {
  if (count <= 0) return appName;
  const shown = count > DISPLAY_LIMIT ? `${DISPLAY_LIMIT}+` : String(count);
  return `${appName} — ${shown} unread ${count === 1 ? 'message' : 'messages'}`;
}

export class UnreadIndicator {
  private count = 0;

  constructor(
    private readonly surfaces: UnreadSurfaces,
    private readonly appName: string,
  ) {}

  /** The core's count (already schema-checked); repeats are ignored. */
  update(total: number): void {
    const count = Number.isSafeInteger(total) && total > 0 ? total : 0;
    if (count === this.count) return;
    this.count = count;
    const text = unreadText(this.appName, count);
    if (!this.surfaces.setBadgeCount(count)) this.surfaces.setOverlay(count > 0 ? text : null);
    this.surfaces.setTrayToolTip(text);
  }
}
