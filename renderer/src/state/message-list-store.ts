import { HearthError, type HearthClient, type Message } from '../../../shared/api';
import { cursorOf, mergeMessages, replaceMessage } from '../model/message-order';
import { Observable } from './observable';

/** Enough for a tall window on open; later pages are bigger, so long scrolls fetch rarely. */
export const FIRST_PAGE = 50;
export const NEXT_PAGE = 200;
/** Messages kept either side of a message jumped to from search. */
const AROUND = 40;

export interface MessageListState {
  readonly status: 'loading' | 'ready' | 'error';
  readonly error: string | null;
  /** Oldest first. A window onto the conversation, not all of it. */
  readonly messages: readonly Message[];
  readonly hasOlder: boolean;
  /** True after a jump into the past: the newest messages are not loaded. */
  readonly hasNewer: boolean;
  readonly loadingOlder: boolean;
  readonly loadingNewer: boolean;
  /** Bumped whenever the window is replaced (open, jump), so the view repositions. */
  readonly generation: number;
  /** Where the view should be after the last replacement: at the newest message, or at one message. */
  readonly anchor: { readonly kind: 'newest' } | { readonly kind: 'message'; readonly messageId: string };
  /** Messages quoted by replies but outside the window, fetched on demand; null: not found (deleted, or never here). */
  readonly quotes: ReadonlyMap<string, Message | 'loading' | null>;
}

/**
 * The messages of one open conversation, paged from the core as the person
 * scrolls: it opens at the newest page and prepends older pages on demand,
 * so a chat with 100,000 messages costs what its visible part costs.
 */
export class MessageListStore extends Observable<MessageListState> {
  private readonly stops: Array<() => void> = [];
  private disposed = false;

  constructor(
    private readonly client: HearthClient,
    readonly conversationId: string,
  ) {
    super({ status: 'loading', error: null, messages: [], hasOlder: false, hasNewer: false, loadingOlder: false, loadingNewer: false, generation: 0, anchor: { kind: 'newest' }, quotes: new Map() });
  }

  start(focusMessageId: string | null): void {
    this.stops.push(
      this.client.on('messages.onDidAdd', ({ message }) => {
        // While the window is in the past, the newest messages arrive with the pages after it.
        if (message.conversationId === this.conversationId && !this.state.hasNewer) this.update({ messages: mergeMessages(this.state.messages, [message]) });
      }),
      this.client.on('messages.onDidUpdate', ({ message }) => {
        if (message.conversationId !== this.conversationId) return;
        this.update({ messages: replaceMessage(this.state.messages, message) });
        if (this.state.quotes.has(message.id)) this.setQuote(message.id, message);
      }),
      // Deleted for you, or its disappearing timer ran out: it leaves the view at once.
      this.client.on('messages.onDidRemove', ({ messageId, conversationId }) => {
        if (conversationId === this.conversationId) this.drop(messageId);
      }),
    );
    if (focusMessageId) void this.jumpTo(focusMessageId);
    else void this.openAtNewest();
  }

  stop(): void {
    this.disposed = true;
    for (const stop of this.stops.splice(0)) stop();
  }

  async openAtNewest(): Promise<void> {
    await this.replaceWindow(async () => {
      const page = await this.client.call('messages.page', { conversationId: this.conversationId, limit: FIRST_PAGE });
      return { messages: page.messages, hasOlder: page.hasMore, hasNewer: false, anchor: { kind: 'newest' } as const };
    });
  }

  /** Loads the messages around `messageId` (a search hit) and anchors the view on it. */
  async jumpTo(messageId: string): Promise<void> {
    if (this.state.messages.some((m) => m.id === messageId)) {
      this.update({ generation: this.state.generation + 1, anchor: { kind: 'message', messageId } });
      return;
    }
    await this.replaceWindow(async () => {
      const target = await this.client.call('messages.get', { messageId });
      // Cursors are exclusive, so seq + 1 makes the page before include the target itself.
      const [before, after] = await Promise.all([
        this.client.call('messages.page', { conversationId: this.conversationId, before: { sentAt: target.sentAt, seq: target.seq + 1 }, limit: AROUND }),
        this.client.call('messages.page', { conversationId: this.conversationId, after: cursorOf(target), limit: AROUND }),
      ]);
      return { messages: mergeMessages(before.messages, after.messages), hasOlder: before.hasMore, hasNewer: after.hasMore, anchor: { kind: 'message', messageId } as const };
    });
  }

  async loadOlder(): Promise<void> {
    const first = this.state.messages[0];
    if (!first || !this.state.hasOlder || this.state.loadingOlder) return;
    this.update({ loadingOlder: true });
    try {
      const page = await this.client.call('messages.page', { conversationId: this.conversationId, before: cursorOf(first), limit: NEXT_PAGE });
      if (this.disposed) return;
      this.update({ messages: mergeMessages(this.state.messages, page.messages), hasOlder: page.hasMore, loadingOlder: false });
    } catch (error) {
      this.update({ loadingOlder: false, error: HearthError.from(error).message });
    }
  }

  async loadNewer(): Promise<void> {
    const last = this.state.messages[this.state.messages.length - 1];
    if (!last || !this.state.hasNewer || this.state.loadingNewer) return;
    this.update({ loadingNewer: true });
    try {
      const page = await this.client.call('messages.page', { conversationId: this.conversationId, after: cursorOf(last), limit: NEXT_PAGE });
      if (this.disposed) return;
      this.update({ messages: mergeMessages(this.state.messages, page.messages), hasNewer: page.hasMore, loadingNewer: false });
    } catch (error) {
      this.update({ loadingNewer: false, error: HearthError.from(error).message });
    }
  }

  /** Sends a message (a reply when `replyTo` is given); it shows at once as pending (the core stores it before it returns). */
  async send(body: string, options: { replyTo?: string; attachments?: string[] } = {}): Promise<void> {
    if (this.state.hasNewer) await this.openAtNewest();
    const message = await this.client.call('messages.send', {
      conversationId: this.conversationId,
      body,
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
      ...(options.attachments?.length ? { attachments: options.attachments } : {}),
    });
    // What you just sent is where you look next, wherever you had scrolled to.
    if (!this.disposed) this.update({ messages: mergeMessages(this.state.messages, [message]), generation: this.state.generation + 1, anchor: { kind: 'newest' } });
  }

  async retry(messageId: string): Promise<void> {
    const message = await this.client.call('messages.retry', { messageId });
    if (!this.disposed) this.update({ messages: replaceMessage(this.state.messages, message) });
  }

  async edit(messageId: string, body: string): Promise<void> {
    this.put(await this.client.call('messages.edit', { messageId, body }));
  }

  /** Sets your reaction (one per person: it replaces the one you had); null takes it back. */
  async react(messageId: string, emoji: string | null): Promise<void> {
    this.put(await this.client.call('messages.react', { messageId, emoji }));
  }

  /** Delete for everyone leaves a tombstone here too; delete for me takes the message out of the view. */
  async remove(messageId: string, forEveryone: boolean): Promise<void> {
    await this.client.call('messages.delete', { messageId, forEveryone });
    if (this.disposed) return;
    if (!forEveryone) {
      this.drop(messageId);
      return;
    }
    try {
      this.put(await this.client.call('messages.get', { messageId }));
    } catch {
      // Gone meanwhile (its timer ran out): onDidRemove takes it out.
    }
  }

  /** Fetches a quoted message that is not in the window (once); the view reads it from `quotes`. */
  async resolveQuote(messageId: string): Promise<void> {
    if (this.state.quotes.has(messageId) || this.state.messages.some((m) => m.id === messageId)) return;
    this.setQuote(messageId, 'loading');
    try {
      const quoted = await this.client.call('messages.get', { messageId });
      if (!this.disposed) this.setQuote(messageId, quoted.conversationId === this.conversationId ? quoted : null);
    } catch {
      // Not found: the quote says so.
      if (!this.disposed) this.setQuote(messageId, null);
    }
  }

  private put(message: Message): void {
    if (this.disposed) return;
    this.update({ messages: replaceMessage(this.state.messages, message) });
    if (this.state.quotes.has(message.id)) this.setQuote(message.id, message);
  }

  private drop(messageId: string): void {
    const messages = this.state.messages.filter((m) => m.id !== messageId);
    if (messages.length !== this.state.messages.length) this.update({ messages });
    if (this.state.quotes.get(messageId)) this.setQuote(messageId, null);
  }

  private setQuote(messageId: string, message: Message | 'loading' | null): void {
    const quotes = new Map(this.state.quotes);
    quotes.set(messageId, message);
    this.update({ quotes });
  }

  private async replaceWindow(load: () => Promise<Pick<MessageListState, 'messages' | 'hasOlder' | 'hasNewer' | 'anchor'>>): Promise<void> {
    this.update({ status: this.state.messages.length ? 'ready' : 'loading', error: null });
    try {
      const next = await load();
      if (this.disposed) return;
      this.update({ ...next, status: 'ready', generation: this.state.generation + 1 });
    } catch (error) {
      if (!this.disposed) this.update({ status: 'error', error: HearthError.from(error).message });
    }
  }
}
