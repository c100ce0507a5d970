import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { events, HearthClient, HearthError, methods, type HearthBridge, type Message } from '../../../shared/api';
import { shortDuration, timerLabel } from '../../../renderer/src/model/expiry';
import { abilitiesOf, DELETE_FOR_EVERYONE_MS, excerptOf } from '../../../renderer/src/model/message-actions';
import { noticeText } from '../../../renderer/src/model/notice-text';
import { reactionChips } from '../../../renderer/src/model/reactions';
import { buildRows } from '../../../renderer/src/model/rows';
import { MessageListStore } from '../../../renderer/src/state/message-list-store';
import { MessageRow, type MessageActionHandlers, type RowContext } from '../../../renderer/src/ui/conversation/MessageRow';
import { message, noon } from './fixtures';

const at = noon(2026, 3, 12);
const names: Record<string, string> = { bob: 'Bob', carol: 'Carol', dave: 'Dave', erin: 'Erin' };
const nameOf = (id: string) => names[id] ?? id;

describe('reaction chips', () => {
  it('counts people per emoji, most used first, yours highlighted, with a name list for screen readers', () => {
    const chips = reactionChips(
      [
        { reactorId: 'bob', emoji: '👍', reactedAt: at + 1 },
        { reactorId: 'carol', emoji: '❤️', reactedAt: at },
        { reactorId: null, emoji: '👍', reactedAt: at + 2 },
      ],
      nameOf,
    );
    expect(chips.map((c) => [c.emoji, c.count, c.mine])).toEqual([
      ['👍', 2, true],
      ['❤️', 1, false],
    ]);
    expect(chips[0]!.label).toBe('Reacted 👍 by you and Bob');
    expect(chips[1]!.label).toBe('Reacted ❤️ by Carol');
  });

  it('names a few people and counts the rest', () => {
    const reactors = ['bob', 'carol', 'dave', 'erin', 'frank'];
    const [chip] = reactionChips(reactors.map((id, i) => ({ reactorId: id, emoji: '🎉', reactedAt: at + i })), nameOf);
    expect(chip!.label).toBe('Reacted 🎉 by Bob, Carol, Dave and 2 others');
    expect(reactionChips(undefined, nameOf)).toEqual([]);
  });
});

describe('group and timer notices', () => {
  it('says who did what, with "You" for yourself', () => {
    expect(noticeText({ type: 'group', action: 'created', actorId: null, name: 'Climbing', targetIds: [] }, nameOf)).toBe('You created the group "Climbing".');
    expect(noticeText({ type: 'group', action: 'renamed', actorId: 'bob', name: 'Crags', targetIds: [] }, nameOf)).toBe('Bob renamed the group to "Crags".');
    expect(noticeText({ type: 'group', action: 'added', actorId: 'bob', name: 'Crags', targetIds: ['carol', null] }, nameOf)).toBe('Bob added Carol and you.');
    expect(noticeText({ type: 'group', action: 'removed', actorId: null, name: 'Crags', targetIds: ['dave'] }, nameOf)).toBe('You removed Dave.');
    expect(noticeText({ type: 'group', action: 'left', actorId: 'carol', name: 'Crags', targetIds: [] }, nameOf)).toBe('Carol left the group.');
    expect(noticeText({ type: 'timer', actorId: 'bob', expireTimerMs: 5 * 60_000 }, nameOf)).toBe('Bob set disappearing messages to 5 minutes.');
    expect(noticeText({ type: 'timer', actorId: null, expireTimerMs: null }, nameOf)).toBe('You turned off disappearing messages.');
  });

  it('words timers and countdowns', () => {
    expect([30_000, 3_600_000, 604_800_000, null].map(timerLabel)).toEqual(['30 seconds', '1 hour', '1 week', 'Off']);
    expect([24_100, 59_000, 61_000, 5 * 3_600_000, 2 * 86_400_000].map(shortDuration)).toEqual(['25 s', '59 s', '2 min', '5 h', '2 d']);
  });
});

describe('what can be done with a message', () => {
  const own = message({ sentAt: at, direction: 'outgoing', authorId: null, status: 'delivered', body: 'mine' });
  const theirs = message({ sentAt: at, body: 'theirs' });

  it('offers edit and delete for everyone on your own messages, for 24 hours only', () => {
    expect(abilitiesOf(own, at + 1000, true)).toEqual({ reply: true, react: true, edit: true, deleteForEveryone: true, history: false });
    expect(abilitiesOf(own, at + DELETE_FOR_EVERYONE_MS + 1, true).deleteForEveryone).toBe(false);
    expect(abilitiesOf(theirs, at + 1000, true)).toMatchObject({ reply: true, react: true, edit: false, deleteForEveryone: false });
  });

  it('offers nothing but delete for me on tombstones, unsent messages or where sending is closed', () => {
    expect(abilitiesOf({ ...own, deleted: true, body: null }, at, true)).toEqual({ reply: false, react: false, edit: false, deleteForEveryone: false, history: false });
    expect(abilitiesOf({ ...own, status: 'pending' }, at, true)).toMatchObject({ reply: false, edit: false, deleteForEveryone: false });
    expect(abilitiesOf(own, at, false)).toMatchObject({ reply: false, react: false, edit: false, deleteForEveryone: false });
    expect(abilitiesOf({ ...own, edited: true }, at, false).history).toBe(true);
  });

  it('cuts excerpts to one line', () => {
    expect(excerptOf('first\nsecond   line')).toBe('first second line');
    expect(excerptOf('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

const noop = () => undefined;
const handlers: MessageActionHandlers = { onReply: noop, onReact: noop, onEdit: noop, onDelete: noop, onShowHistory: noop, onJumpTo: noop };
const context: RowContext = { contactName: 'Climbing', highlightId: null, now: at, onRetry: noop, onShowSafetyNumber: noop, group: true, canSend: true, nameOf, actions: handlers };

function html(messages: Message[], ctx: RowContext = context): string[] {
  return buildRows(messages).map((row) => renderToStaticMarkup(createElement(MessageRow, { row, context: ctx })));
}

describe('message rows with issue 7 features', () => {
  it('names the author of incoming group messages once per run', () => {
    const [, first, second] = html([message({ sentAt: at, authorId: 'carol', conversationId: 'group:1' }), message({ sentAt: at + 1000, authorId: 'carol', conversationId: 'group:1' })]);
    expect(first).toContain('class="message__author"');
    expect(first).toContain('Carol:');
    expect(second).not.toContain('class="message__author"');
  });

  it('quotes the message replied to, or says it is gone', () => {
    const original = message({ sentAt: at, authorId: 'bob', body: 'Shall we go on Sunday?' });
    const reply = message({ sentAt: at + 1000, direction: 'outgoing', authorId: null, status: 'read', body: 'Yes!', replyTo: original.id });
    const found = html([reply], { ...context, quoteOf: (id) => (id === original.id ? original : undefined) })[1];
    expect(found).toContain('aria-label="Reply to Bob: Shall we go on Sunday?. Go to the original message"');
    const missing = html([reply], { ...context, quoteOf: () => null })[1];
    expect(missing).toContain('Original message not found');
  });

  it('shows a tombstone without body, reactions or edit label', () => {
    const row = html([message({ sentAt: at, body: null, deleted: true, edited: true, reactions: [{ reactorId: 'bob', emoji: '👍', reactedAt: at }] })])[1]!;
    expect(row).toContain('This message was deleted');
    expect(row).not.toContain('Reacted');
    expect(row).not.toContain('>edited<');
  });

  it('labels edited messages, reaction chips and the disappearing timer', () => {
    const row = html([message({ sentAt: at, edited: true, expiresAt: Date.now() + 30_000, reactions: [{ reactorId: null, emoji: '👍', reactedAt: at }, { reactorId: 'bob', emoji: '👍', reactedAt: at }] })])[1]!;
    expect(row).toContain('>edited</button>');
    expect(row).toContain('aria-label="Reacted 👍 by you and Bob. Activate to remove your reaction."');
    expect(row).toContain('aria-pressed="true"');
    expect(row).toMatch(/aria-label="Disappears in (29|30) s"/);
    // Not read yet: no deadline, the clock starts at reading.
    expect(html([message({ sentAt: at, expireTimerMs: 300_000, expiresAt: null })])[1]).toContain('aria-label="Disappears 5 minutes after it is read"');
  });

  it('renders group and timer notices in words', () => {
    const rows = html([
      message({ sentAt: at, kind: 'group-update', body: null, authorId: null, notice: { type: 'group', action: 'added', actorId: 'bob', name: 'Climbing', targetIds: ['carol'] } }),
      message({ sentAt: at + 1, kind: 'timer-changed', body: null, authorId: null, notice: { type: 'timer', actorId: null, expireTimerMs: 30_000 } }),
    ]);
    expect(rows[1]).toContain('Bob added Carol.');
    expect(rows[2]).toContain('You set disappearing messages to 30 seconds.');
  });
});

/** A bridge that answers the calls a conversation's actions make, as the contract says, validating each. */
class ActionsBridge implements HearthBridge {
  readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  readonly sent: Array<Record<string, unknown>> = [];

  constructor(public history: Message[]) {}

  async invoke(method: string, rawArgs: unknown): Promise<unknown> {
    const args = methods[method as keyof typeof methods].args.parse(rawArgs) as Record<string, unknown>;
    const find = (id: unknown) => {
      const found = this.history.find((m) => m.id === id);
      if (!found) throw new HearthError('not-found', 'No such message.');
      return found;
    };
    const replace = (next: Message) => {
      this.history = this.history.map((m) => (m.id === next.id ? next : m));
      return next;
    };
    switch (method) {
      case 'messages.page':
        return { messages: this.history.filter((m) => m.conversationId === args.conversationId).slice(-(args.limit as number)), hasMore: false };
      case 'messages.get':
        return find(args.messageId);
      case 'messages.send': {
        this.sent.push(args);
        const sent = message({ sentAt: Date.now(), direction: 'outgoing', authorId: null, body: args.body as string, status: 'pending', replyTo: (args.replyTo as string | undefined) ?? null });
        this.history.push(sent);
        return sent;
      }
      case 'messages.react': {
        const target = find(args.messageId);
        const others = (target.reactions ?? []).filter((r) => r.reactorId !== null);
        return replace({ ...target, reactions: args.emoji ? [...others, { reactorId: null, emoji: args.emoji as string, reactedAt: Date.now() }] : others });
      }
      case 'messages.edit':
        return replace({ ...find(args.messageId), body: args.body as string, edited: true });
      case 'messages.delete': {
        const target = find(args.messageId);
        if (args.forEveryone) replace({ ...target, body: null, deleted: true });
        else this.history = this.history.filter((m) => m.id !== target.id);
        return { ok: true };
      }
      default:
        throw new HearthError('unknown-method', method);
    }
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  }

  emit(event: 'messages.onDidRemove', payload: { messageId: string; conversationId: string }): void {
    events[event].parse(payload);
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}

async function opened(history: Message[]): Promise<{ bridge: ActionsBridge; store: MessageListStore }> {
  const bridge = new ActionsBridge(history);
  const store = new MessageListStore(new HearthClient(bridge), 'direct:bob');
  store.start(null);
  for (let i = 0; i < 20 && store.getSnapshot().status === 'loading'; i += 1) await new Promise((r) => setTimeout(r, 0));
  return { bridge, store };
}

describe('MessageListStore actions', () => {
  it('sends replies with replyTo, and fetches a quote outside the window once (or marks it missing)', async () => {
    const old = message({ sentAt: at - 10_000, conversationId: 'direct:bob', body: 'old one' });
    const { bridge, store } = await opened([message({ sentAt: at })]);
    bridge.history.unshift(old); // stored, but not in the open window
    await store.send('answer', { replyTo: old.id });
    expect(bridge.sent.at(-1)).toMatchObject({ body: 'answer', replyTo: old.id });
    await store.resolveQuote(old.id);
    expect(store.getSnapshot().quotes.get(old.id)).toMatchObject({ body: 'old one' });
    await store.resolveQuote('f'.repeat(32));
    expect(store.getSnapshot().quotes.get('f'.repeat(32))).toBeNull();
  });

  it('reacts, edits and deletes, keeping the window in step', async () => {
    const own = message({ sentAt: at, direction: 'outgoing', authorId: null, status: 'delivered', body: 'tpyo' });
    const theirs = message({ sentAt: at + 1, body: 'hello' });
    const { store } = await opened([own, theirs]);
    await store.react(theirs.id, '👍');
    expect(store.getSnapshot().messages.find((m) => m.id === theirs.id)?.reactions).toMatchObject([{ reactorId: null, emoji: '👍' }]);
    await store.react(theirs.id, null);
    expect(store.getSnapshot().messages.find((m) => m.id === theirs.id)?.reactions).toEqual([]);
    await store.edit(own.id, 'typo');
    expect(store.getSnapshot().messages.find((m) => m.id === own.id)).toMatchObject({ body: 'typo', edited: true });
    await store.remove(own.id, true);
    expect(store.getSnapshot().messages.find((m) => m.id === own.id)).toMatchObject({ body: null, deleted: true });
    await store.remove(theirs.id, false);
    expect(store.getSnapshot().messages.map((m) => m.id)).toEqual([own.id]);
  });

  it('takes a message out of the view when the core removes it (deleted for me, or expired)', async () => {
    const gone = message({ sentAt: at });
    const { bridge, store } = await opened([gone, message({ sentAt: at + 1 })]);
    bridge.emit('messages.onDidRemove', { messageId: gone.id, conversationId: 'direct:bob' });
    expect(store.getSnapshot().messages.map((m) => m.id)).not.toContain(gone.id);
    expect(store.getSnapshot().messages).toHaveLength(1);
  });
});
