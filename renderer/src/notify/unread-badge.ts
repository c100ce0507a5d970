import { t } from '../i18n';
import { faviconWithBadge, titleWithUnread } from '../model/unread-badge';

/** The plain icon (public/favicon.svg), kept here so the badge can be drawn on it without a fetch. */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#c2410c"/><path d="M12.5 18.5A2.5 2.5 0 0 0 15 16c0-1.38-.5-2-1-3-1.072-2.143-.224-4.054 2-6 .5 2.5 2 4.9 4 6.5 2 1.6 3 3.5 3 5.5a7 7 0 1 1-14 0c0-1.153.433-2.294 1-3a2.5 2.5 0 0 0 2.5 2.5z" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/**
 * The unread count where a browser tab shows it: the title ("(3) Hearth")
 * and a badge on the favicon. In Electron the shell puts it on the dock or
 * tray from the core's own event; the title does no harm there.
 */
export function showUnreadBadge(unread: number): void {
  document.title = titleWithUnread(t('app.name'), unread);
  const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (link) link.href = faviconWithBadge(FAVICON_SVG, unread);
}
