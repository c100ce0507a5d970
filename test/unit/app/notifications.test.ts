import { describe, expect, it, vi } from 'vitest';
import { DesktopNotifier, type NotificationPlatform, type ShownNotification } from '../../../main/app/notifications';

class FakeNotification implements ShownNotification {
  readonly handlers = new Map<string, () => void>();
  shown = false;
  constructor(readonly content: { title: string; body: string; silent: boolean }) {}
  on(event: 'click' | 'close', listener: () => void) {
    this.handlers.set(event, listener);
    return this;
  }
  show() {
    this.shown = true;
  }
}

function platform(supported = true) {
  const created: FakeNotification[] = [];
  const fake: NotificationPlatform = {
    isSupported: () => supported,
    create: (content) => {
      const notification = new FakeNotification(content);
      created.push(notification);
      return notification;
    },
  };
  return { fake, created };
}

describe('DesktopNotifier', () => {
  it('shows a notification and brings the window forward on click', () => {
    const { fake, created } = platform();
    const activate = vi.fn();
    const notifier = new DesktopNotifier(fake, activate);
    expect(notifier.notify({ title: 'Alice', body: 'hello' })).toBe(true);
    expect(created[0]?.content).toEqual({ title: 'Alice', body: 'hello', silent: false });
    expect(created[0]?.shown).toBe(true);
    expect(notifier.liveCount).toBe(1);
    created[0]?.handlers.get('click')?.();
    expect(activate).toHaveBeenCalledOnce();
    expect(notifier.liveCount).toBe(0);
  });

  it('does nothing where the platform has no notifications', () => {
    const { fake, created } = platform(false);
    expect(new DesktopNotifier(fake, vi.fn()).notify({ title: 't', body: 'b' })).toBe(false);
    expect(created).toEqual([]);
  });

  it('clips long text and keeps a bounded number alive', () => {
    const { fake, created } = platform();
    const notifier = new DesktopNotifier(fake, vi.fn());
    for (let i = 0; i < 50; i++) notifier.notify({ title: 'T'.repeat(500), body: 'B'.repeat(5000), silent: true });
    expect(created[0]?.content.title.length).toBe(120);
    expect(created[0]?.content.body.length).toBe(500);
    expect(created[0]?.content.silent).toBe(true);
    expect(notifier.liveCount).toBe(32);
    created[49]?.handlers.get('close')?.();
    expect(notifier.liveCount).toBe(31);
  });
});
