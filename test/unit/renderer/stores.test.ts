import { describe, expect, it } from 'vitest';
import { events, HearthClient, HearthError, methods, type HearthBridge, type Message, type MessageCursor } from '../../../shared/api';
import { compareMessages } from '../../../renderer/src/model/message-order';
import { FIRST_PAGE, MessageListStore, NEXT_PAGE } from '../../../renderer/src/state/message-list-store';
import { message } from './fixtures';

/**
 * A bridge over an in-memory conversation that answers messages.page,
 * messages.get and messages.send as the contract says (exclusive cursors,
 * oldest first, hasMore), validating every call and event with the
 * contract's own schemas.
 */
class MemoryBridge implements HearthBridge {
  readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  calls: string[] = [];

  constructor(public history: Message[]) {}

  async invoke(method: string, rawArgs: unknown): Promise<unknown> {
    this.calls.push(method);
    const spec = methods[method as keyof typeof methods];
    const args = spec.args.parse(rawArgs) as Record<string, unknown>;
    const after = (m: Message, c: MessageCursor) => compareMessages(m, c as Pick<Message, 'sentAt' | 'seq'>) > 0;
    switch (method) {
      case 'messages.page': {
        const limit = (args.limit as number | undefined) ?? 50;
        const sorted = this.history.filter((m) => m.conversationId === args.conversationId).sort(compareMessages);
        if (args.after) {
          const newer = sorted.filter((m) => after(m, args.after as MessageCursor));
          return { messages: newer.slice(0, limit), hasMore: newer.length > limit };
        }
        const older = args.before ? sorted.filter((m) => compareMessages(m, args.before as Pick<Message, 'sentAt' | 'seq'>) < 0) : sorted;
        return { messages: older.slice(-limit), hasMore: older.length > limit };
      }
      case 'messages.get': {
        const found = this.history.find((m) => m.id === args.messageId);
        if (!found) throw new HearthError('not-found', 'No such message.');
        return found;
      }
      case 'messages.send': {
        const sent = message({ sentAt: Date.now(), conversationId: args.conversationId as string, direction: 'outgoing', authorId: null, body: args.body as string, status: 'pending' });
        this.history.push(sent);
        return sent;
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

  emit(event: 'messages.onDidAdd' | 'messages.onDidUpdate', payload: { message: Message }): void {
    events[event].parse(payload);
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}

const T0 = Date.UTC(2026, 2, 1);
function conversation(count: number): Message[] {
  return Array.from({ length: count }, (_, i) => message({ seq: i + 1, sentAt: T0 + i * 60_000, id: (i + 1).toString(16).padStart(32, '0'), direction: i % 3 === 0 ? 'outgoing' : 'incoming', authorId: i % 3 === 0 ? null : 'bob', status: i % 3 === 0 ? 'read' : 'received' }));
}

async function settle(store: MessageListStore): Promise<void> {
  for (let i = 0; i < 20 && (store.getSnapshot().status === 'loading' || store.getSnapshot().loadingOlder || store.getSnapshot().loadingNewer); i += 1) await new Promise((r) => setTimeout(r, 0));
}

describe('MessageListStore', () => {
  it('opens at the newest page and prepends older pages until the start', async () => {
    const bridge = new MemoryBridge(conversation(FIRST_PAGE + 2 * NEXT_PAGE + 7));
    const store = new MessageListStore(new HearthClient(bridge), 'direct:bob');
    store.start(null);
    await settle(store);
    let state = store.getSnapshot();
    expect(state.messages).toHaveLength(FIRST_PAGE);
    expect(state.messages.at(-1)?.seq).toBe(FIRST_PAGE + 2 * NEXT_PAGE + 7);
    expect(state).toMatchObject({ hasOlder: true, hasNewer: false, anchor: { kind: 'newest' }, generation: 1 });

    for (let i = 0; i < 5 && store.getSnapshot().hasOlder; i += 1) await store.loadOlder();
    state = store.getSnapshot();
    expect(state.messages.map((m) => m.seq)).toEqual(Array.from({ length: FIRST_PAGE + 2 * NEXT_PAGE + 7 }, (_, i) => i + 1));
    expect(state.hasOlder).toBe(false);
    // Prepending keeps the window (the view anchors itself); only open and jump bump the generation.
    expect(state.generation).toBe(1);
    store.stop();
  });

  it('jumps to a message in the past, pages newer from there, and holds back live messages until it reaches the end', async () => {
    const history = conversation(1000);
    const bridge = new MemoryBridge(history);
    const store = new MessageListStore(new HearthClient(bridge), 'direct:bob');
    const target = history[100]!;
    store.start(target.id);
    await settle(store);
    let state = store.getSnapshot();
    expect(state.anchor).toEqual({ kind: 'message', messageId: target.id });
    expect(state.messages.some((m) => m.id === target.id)).toBe(true);
    expect(state.messages[0]!.seq).toBeLessThan(target.seq);
    expect(state.messages.at(-1)!.seq).toBeGreaterThan(target.seq);
    expect(state).toMatchObject({ hasOlder: true, hasNewer: true });

    // A message arriving now belongs after the unloaded newest pages: not shown yet.
    const live = message({ seq: 5000, sentAt: T0 + 5000 * 60_000, id: 'f'.repeat(32) });
    history.push(live);
    bridge.emit('messages.onDidAdd', { message: live });
    expect(store.getSnapshot().messages.some((m) => m.id === live.id)).toBe(false);

    while (store.getSnapshot().hasNewer) await store.loadNewer();
    state = store.getSnapshot();
    expect(state.messages.at(-1)!.id).toBe(live.id);
    const seqs = state.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    store.stop();
  });

  it('shows sends at once, applies status updates, and ignores other conversations', async () => {
    const bridge = new MemoryBridge(conversation(3));
    const store = new MessageListStore(new HearthClient(bridge), 'direct:bob');
    store.start(null);
    await settle(store);
    const generation = store.getSnapshot().generation;
    await store.send('Hello there');
    const sent = store.getSnapshot().messages.at(-1)!;
    expect(sent).toMatchObject({ body: 'Hello there', status: 'pending', direction: 'outgoing' });
    // Sending brings the view to the newest message, wherever it was scrolled.
    expect(store.getSnapshot()).toMatchObject({ generation: generation + 1, anchor: { kind: 'newest' } });

    bridge.emit('messages.onDidUpdate', { message: { ...sent, status: 'delivered' } });
    expect(store.getSnapshot().messages.at(-1)!.status).toBe('delivered');
    // The core also announces our own message; it is not shown twice.
    bridge.emit('messages.onDidAdd', { message: { ...sent, status: 'delivered' } });
    expect(store.getSnapshot().messages.filter((m) => m.id === sent.id)).toHaveLength(1);

    bridge.emit('messages.onDidAdd', { message: message({ sentAt: Date.now(), conversationId: 'direct:carol', authorId: 'carol' }) });
    expect(store.getSnapshot().messages).toHaveLength(4);

    store.stop();
    bridge.emit('messages.onDidAdd', { message: message({ sentAt: Date.now() + 1 }) });
    expect(store.getSnapshot().messages).toHaveLength(4);
  });

  it('says what went wrong when the first page cannot be read', async () => {
    const bridge = new MemoryBridge([]);
    bridge.invoke = () => Promise.reject(new HearthError('locked', 'Hearth is locked. Unlock it first.'));
    const store = new MessageListStore(new HearthClient(bridge), 'direct:bob');
    store.start(null);
    await settle(store);
    expect(store.getSnapshot()).toMatchObject({ status: 'error', error: 'Hearth is locked. Unlock it first.' });
  });
});
