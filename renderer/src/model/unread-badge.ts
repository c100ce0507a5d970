/** The window title with the unread count in front, as mail and chat apps do: "(3) Hearth". */
export function titleWithUnread(appName: string, unread: number): string {
  return unread > 0 ? `(${unread > 999 ? '999+' : unread}) ${appName}` : appName;
}

/**
 * The favicon with a red count in its corner (the browser host's stand-in for
 * a dock badge), as an SVG data URL. `base` is the plain icon's SVG source.
 */
export function faviconWithBadge(base: string, unread: number): string {
  if (unread <= 0) return `data:image/svg+xml,${encodeURIComponent(base)}`;
  const label = unread > 99 ? '99+' : String(unread);
  const badge = `<circle cx="23" cy="9" r="9" fill="#d92d20"/><text x="23" y="13" font-family="sans-serif" font-size="${label.length > 2 ? 8 : 12}" font-weight="700" text-anchor="middle" fill="#fff">${label}</text>`;
  const svg = base.replace(/<\/svg>\s*$/, `${badge}</svg>`);
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
