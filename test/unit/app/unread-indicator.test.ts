import { describe, expect, it } from 'vitest';
import { UnreadIndicator, unreadText, type UnreadSurfaces } from '../../../main/app/unread-indicator';

function surfaces(badgeSupported: boolean) {
  const calls: string[] = [];
  const recorder: UnreadSurfaces = {
    setBadgeCount: (count) => (calls.push(`badge ${count}`), badgeSupported),
    setOverlay: (description) => void calls.push(`overlay ${description}`),
    setTrayToolTip: (text) => void calls.push(`tooltip ${text}`),
  };
  return { recorder, calls };
}

describe('UnreadIndicator', () => {
  it('uses the badge where the platform has one, and the tooltip always', () => {
    const { recorder, calls } = surfaces(true);
    const indicator = new UnreadIndicator(recorder, 'Hearth');
    indicator.update(3);
    indicator.update(0);
    expect(calls).toEqual(['badge 3', 'tooltip Hearth — 3 unread messages', 'badge 0', 'tooltip Hearth']);
  });

  it('falls back to the overlay where there is no badge', () => {
    const { recorder, calls } = surfaces(false);
    const indicator = new UnreadIndicator(recorder, 'Hearth');
    indicator.update(1);
    indicator.update(0);
    expect(calls).toEqual(['badge 1', 'overlay Hearth — 1 unread message', 'tooltip Hearth — 1 unread message', 'badge 0', 'overlay null', 'tooltip Hearth']);
  });

  it('ignores repeats and nonsense counts', () => {
    const { recorder, calls } = surfaces(true);
    const indicator = new UnreadIndicator(recorder, 'Hearth');
    indicator.update(2);
    indicator.update(2);
    indicator.update(-5);
    indicator.update(Number.NaN);
    expect(calls).toEqual(['badge 2', 'tooltip Hearth — 2 unread messages', 'badge 0', 'tooltip Hearth']);
  });

  it('caps the number it shows in text', () => {
    expect(unreadText('Hearth', 1234)).toBe('Hearth — 99+ unread messages');
  });
});
