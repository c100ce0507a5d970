import { describe, expect, it, vi } from 'vitest';
import { createShellEventHandler } from '../../../main/app/core-events';

describe('createShellEventHandler', () => {
  it('forwards every event and feeds valid unread counts to the badge', () => {
    const forwardToWindow = vi.fn();
    const onUnreadCount = vi.fn();
    const handle = createShellEventHandler({ forwardToWindow, onUnreadCount });
    handle('app.onDidChangeUnreadCount', { total: 5 });
    handle('app.onDidChangeUnreadCount', { total: 'five' });
    handle('app.onDidChangeVaultState', { state: 'locked' });
    expect(forwardToWindow.mock.calls).toEqual([
      ['app.onDidChangeUnreadCount', { total: 5 }],
      ['app.onDidChangeUnreadCount', { total: 'five' }],
      ['app.onDidChangeVaultState', { state: 'locked' }],
    ]);
    expect(onUnreadCount.mock.calls).toEqual([[5]]);
  });
});
