/**
 * Native notifications, raised by the main process (the renderer has no
 * notification permission). Later issues feed this from core events; it shows
 * what it is given and never logs it. In main/app/index.ts:
 *   new DesktopNotifier({ isSupported: () => Notification.isSupported(), create: (c) => new Notification(c) }, showMainWindow)
 */

export interface NotificationContent {
  readonly title: string;
  readonly body: string;
  readonly silent?: boolean;
}

/** The parts of Electron's Notification the notifier uses. */
export interface ShownNotification {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

export interface NotificationPlatform {
  isSupported(): boolean;
  create(content: { title: string; body: string; silent: boolean }): ShownNotification;
}

/** Notifications still on screen; enough for a burst, bounded so a flood cannot grow memory. */
const MAX_LIVE = 32;
const MAX_TITLE = 120;
const MAX_BODY = 500;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class DesktopNotifier {
  // Electron drops a notification's click handler when the object is garbage
  // collected, so the live ones are held here until clicked or closed.
  private readonly live = new Set<ShownNotification>();

  constructor(
    private readonly platform: NotificationPlatform,
    private readonly onActivate: () => void,
  ) {}

  /** Shows a notification; false when the platform has none. */
  notify(content: NotificationContent): boolean {
    if (!this.platform.isSupported()) return false;
    const notification = this.platform.create({ title: clip(content.title, MAX_TITLE), body: clip(content.body, MAX_BODY), silent: content.silent ?? false });
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      this.onActivate();
    });
    notification.on('close', release);
    if (this.live.size >= MAX_LIVE) {
      const oldest = this.live.values().next().value;
      if (oldest) this.live.delete(oldest);
    }
    this.live.add(notification);
    notification.show();
    return true;
  }

  get liveCount(): number {
    return this.live.size;
  }
}
