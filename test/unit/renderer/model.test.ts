import fc from 'fast-check';
import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../../shared/api';
import { activityTime, sortConversations } from '../../../renderer/src/model/conversation-order';
import { avatarHue, dayKey, formatBytes, formatDay, formatFull, formatListTime, initialsOf } from '../../../renderer/src/model/format';
import { compareMessages, mergeMessages, replaceMessage } from '../../../renderer/src/model/message-order';
import { notificationText } from '../../../renderer/src/model/notification-text';
import { base64Bytes, qrPath } from '../../../renderer/src/model/qr-path';
import { buildRows, GROUP_GAP_MS } from '../../../renderer/src/model/rows';
import { isMac, shortcutFor, shortcutLabel, type KeyPress } from '../../../renderer/src/model/shortcuts';
import { unlockDelayMs } from '../../../renderer/src/model/unlock-backoff';
import { faviconWithBadge, titleWithUnread } from '../../../renderer/src/model/unread-badge';
import { message, noon } from './fixtures';

describe('names and times', () => {
  it('makes initials from up to two words, and one letter from one word', () => {
    expect(initialsOf('Ada Lovelace')).toBe('AL');
    expect(initialsOf('grace.hopper')).toBe('GH');
    expect(initialsOf('bob')).toBe('B');
    expect(initialsOf('émile zola the third')).toBe('ÉZ');
    expect(initialsOf('  ')).toBe('?');
  });

  it('gives a name the same avatar colour every time, from eight', () => {
    expect(avatarHue('alice')).toBe(avatarHue('alice'));
    const hues = new Set(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'].map(avatarHue));
    expect(hues.size).toBeGreaterThan(3);
    for (const hue of hues) expect(hue >= 0 && hue < 8).toBe(true);
  });

  it('names days as a messenger does', () => {
    const now = noon(2026, 3, 12);
    const labels = { today: 'Today', yesterday: 'Yesterday' };
    expect(formatDay(noon(2026, 3, 12) - 3 * 3600_000, now, labels, 'en-US')).toBe('Today');
    expect(formatDay(noon(2026, 3, 11), now, labels, 'en-US')).toBe('Yesterday');
    expect(formatDay(noon(2026, 3, 9), now, labels, 'en-US')).toBe('Monday');
    expect(formatDay(noon(2026, 1, 2), now, labels, 'en-US')).toBe('Fri, January 2');
    expect(formatDay(noon(2025, 12, 24), now, labels, 'en-US')).toBe('December 24, 2025');
    expect(dayKey(noon(2026, 3, 9))).toBe('2026-03-09');
    expect(formatFull(noon(2026, 3, 12), 'en-US')).toMatch(/^Thursday, March 12, 2026 at 12:00\sPM$/);
  });

  it('shows the clock for today in the chat list, the weekday this week, else the date', () => {
    const now = noon(2026, 3, 12);
    expect(formatListTime(now - 60_000, now, 'en-US')).toMatch(/^11:59\sAM$/);
    expect(formatListTime(noon(2026, 3, 10), now, 'en-US')).toBe('Tue');
    expect(formatListTime(noon(2026, 2, 1), now, 'en-US')).toBe('Feb 1');
  });

  it('writes sizes in decimal units', () => {
    expect(formatBytes(0, 'en-US')).toBe('0 B');
    expect(formatBytes(999, 'en-US')).toBe('999 B');
    expect(formatBytes(1_500, 'en-US')).toBe('1.5 KB');
    expect(formatBytes(12_345_678, 'en-US')).toBe('12.3 MB');
  });
});

describe('message order', () => {
  const base = noon(2026, 3, 12);

  it('appends newer, prepends older, interleaves, and replaces by id', () => {
    const [a, b, c, d] = [0, 1, 2, 3].map((i) => message({ sentAt: base + i * 1000 })) as [ReturnType<typeof message>, ReturnType<typeof message>, ReturnType<typeof message>, ReturnType<typeof message>];
    expect(mergeMessages([b, c], [d])).toEqual([b, c, d]);
    expect(mergeMessages([c, d], [a, b])).toEqual([a, b, c, d]);
    expect(mergeMessages([a, d], [c, b])).toEqual([a, b, c, d]);
    const read = { ...b, status: 'read' as const };
    expect(mergeMessages([a, b, c], [read])).toEqual([a, read, c]);
    expect(replaceMessage([a, b, c], read)).toEqual([a, read, c]);
    const list = [a, c];
    expect(replaceMessage(list, read)).toBe(list);
  });

  it('keeps any merge sorted by (sentAt, seq) and free of duplicate ids', () => {
    const arbitraryMessage = fc.record({ seq: fc.integer({ min: 1, max: 40 }), sentAt: fc.integer({ min: 0, max: 10 }) }).map(({ seq, sentAt }) => message({ seq, sentAt: base + sentAt, id: seq.toString(16).padStart(32, '0') }));
    const sortedUnique = (list: ReturnType<typeof message>[]) => [...new Map(list.map((m) => [m.id, m])).values()].sort(compareMessages);
    fc.assert(
      fc.property(fc.array(arbitraryMessage), fc.array(arbitraryMessage), (existing, incoming) => {
        const merged = mergeMessages(sortedUnique(existing), incoming);
        const ids = merged.map((m) => m.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (let i = 1; i < merged.length; i += 1) expect(compareMessages(merged[i - 1]!, merged[i]!)).toBeLessThanOrEqual(0);
        for (const m of incoming) expect(ids).toContain(m.id);
        for (const m of existing) expect(ids).toContain(m.id);
      }),
    );
  });
});

describe('message rows', () => {
  it('puts a day separator before each new day, and groups consecutive messages from one side', () => {
    const day1 = noon(2026, 3, 11);
    const day2 = noon(2026, 3, 12);
    const messages = [
      message({ sentAt: day1, direction: 'incoming', authorId: 'bob' }),
      message({ sentAt: day1 + 60_000, direction: 'incoming', authorId: 'bob' }),
      message({ sentAt: day1 + 120_000, direction: 'outgoing', authorId: null, status: 'read' }),
      message({ sentAt: day1 + 120_000 + GROUP_GAP_MS, direction: 'outgoing', authorId: null, status: 'sent' }),
      message({ sentAt: day2, direction: 'outgoing', authorId: null, status: 'pending' }),
      message({ sentAt: day2 + 1000, kind: 'identity-changed', direction: 'incoming', authorId: null, body: null }),
      message({ sentAt: day2 + 2000, direction: 'incoming', authorId: 'bob' }),
    ];
    const rows = buildRows(messages);
    expect(rows.map((r) => (r.kind === 'message' ? `${r.kind}:${r.groupStart ? 'S' : '-'}${r.groupEnd ? 'E' : '-'}` : r.kind))).toEqual([
      'day',
      'message:S-',
      'message:-E',
      'message:SE', // a different side starts a group
      'message:SE', // too long after the previous one
      'day',
      'message:SE', // a new day starts a group
      'notice',
      'message:SE',
    ]);
    expect(rows[0]).toMatchObject({ kind: 'day', key: 'day:2026-03-11' });
    // Keys are stable across pages: a row keeps its key when older rows are prepended.
    const again = buildRows([message({ sentAt: day1 - 3600_000 }), ...messages]);
    expect(again.slice(-rows.length + 1).map((r) => r.key)).toEqual(rows.slice(1).map((r) => r.key));
  });
});

describe('chat list order', () => {
  const summary = (id: string, fields: Partial<ConversationSummary>): ConversationSummary => ({ id, type: 'direct', contactId: id, title: id, unreadCount: 0, lastMessage: null, sendingHeld: false, archived: false, mutedUntil: null, updatedAt: 0, ...fields });

  it('sorts by the newest activity, with ties by name', () => {
    const list = sortConversations([
      summary('old', { updatedAt: 5 }),
      summary('active', { updatedAt: 1, lastMessage: message({ sentAt: 100, conversationId: 'active' }) }),
      summary('b-tie', { updatedAt: 50 }),
      summary('a-tie', { updatedAt: 50 }),
    ]);
    expect(list.map((c) => c.id)).toEqual(['active', 'a-tie', 'b-tie', 'old']);
    expect(activityTime(summary('x', { updatedAt: 7 }))).toBe(7);
  });
});

describe('unlock back-off', () => {
  it('lets two misses pass, then doubles the wait up to a minute', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(unlockDelayMs)).toEqual([0, 0, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});

describe('keyboard shortcuts', () => {
  const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

  it('uses Ctrl on Linux and Windows, Cmd on macOS', () => {
    expect(shortcutFor(press('k', { ctrlKey: true }), false)).toEqual({ action: 'quick-switcher' });
    expect(shortcutFor(press('K', { ctrlKey: true }), false)).toEqual({ action: 'quick-switcher' });
    expect(shortcutFor(press('n', { ctrlKey: true }), false)).toEqual({ action: 'new-conversation' });
    expect(shortcutFor(press('l', { ctrlKey: true }), false)).toEqual({ action: 'lock' });
    expect(shortcutFor(press('3', { ctrlKey: true }), false)).toEqual({ action: 'jump', index: 2 });
    expect(shortcutFor(press('k', { metaKey: true }), true)).toEqual({ action: 'quick-switcher' });
    expect(shortcutFor(press('k', { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(press('k', { metaKey: true }), false)).toBeNull();
    expect(shortcutFor(press('0', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(press('k', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(shortcutFor(press('k'), false)).toBeNull();
    expect(isMac('darwin')).toBe(true);
    expect(isMac('MacIntel')).toBe(true);
    expect(isMac('linux')).toBe(false);
    expect(shortcutLabel('k', false)).toBe('Ctrl+K');
    expect(shortcutLabel('k', true)).toBe('⌘K');
  });
});

describe('unread badge', () => {
  it('puts the count in front of the title', () => {
    expect(titleWithUnread('Hearth', 0)).toBe('Hearth');
    expect(titleWithUnread('Hearth', 3)).toBe('(3) Hearth');
    expect(titleWithUnread('Hearth', 12_000)).toBe('(999+) Hearth');
  });

  it('draws the count on the favicon, and nothing when all is read', () => {
    const base = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32"/></svg>';
    const decode = (url: string) => decodeURIComponent(url.replace(/^data:image\/svg\+xml,/, ''));
    expect(decode(faviconWithBadge(base, 0))).toBe(base);
    const badged = decode(faviconWithBadge(base, 7));
    expect(badged).toMatch(/<circle[^>]*\/><text[^>]*>7<\/text><\/svg>$/);
    expect(decode(faviconWithBadge(base, 150))).toContain('>99+</text>');
  });
});

describe('notification text', () => {
  const words = { appName: 'Hearth', newMessage: 'New message' };
  it('says only what the setting allows', () => {
    expect(notificationText('name-and-message', 'bob', 'Dinner at 7?', words)).toEqual({ title: 'bob', body: 'Dinner at 7?' });
    expect(notificationText('name-only', 'bob', 'Dinner at 7?', words)).toEqual({ title: 'bob', body: 'New message' });
    expect(notificationText('none', 'bob', 'Dinner at 7?', words)).toEqual({ title: 'Hearth', body: 'New message' });
  });
});

describe('QR code drawing', () => {
  it('draws exactly the dark modules of the matrix', () => {
    const payload = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256)).toString('base64');
    const bytes = base64Bytes(payload);
    expect(Buffer.from(bytes).toString('base64')).toBe(payload);
    const qr = encode(bytes, { ecc: 'M', border: 2 });
    // Paint the path back onto a grid and compare with the matrix.
    const painted = qr.data.map((row) => row.map(() => false));
    for (const [, x, y, w] of qrPath(qr.data).matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) for (let i = 0; i < Number(w); i += 1) painted[Number(y)]![Number(x) + i] = true;
    expect(painted).toEqual(qr.data);
  });
});
