import { HearthError, type AccountInfo, type ConnectionState, type Contact, type ConversationSummary, type HearthClient, type Settings } from '../../../shared/api';
import { sortConversations } from '../model/conversation-order';
import { Observable } from './observable';

/** A contact's typing indicator expires by itself after this long without a refresh (the contract's 15 s). */
export const TYPING_EXPIRY_MS = 15_000;

export interface MessengerState {
  readonly loaded: boolean;
  readonly loadError: string | null;
  readonly account: AccountInfo | null;
  readonly settings: Settings | null;
  readonly connection: ConnectionState | null;
  /** Most recent activity first. */
  readonly conversations: readonly ConversationSummary[];
  readonly contacts: ReadonlyMap<string, Contact>;
  /** Conversation ids where the contact is typing now. */
  readonly typing: ReadonlySet<string>;
  /** The chat shown in the conversation pane. */
  readonly activeConversationId: string | null;
  /** A message to scroll to and highlight once the active chat shows it (from search). */
  readonly focusMessageId: string | null;
  /** Counts openConversation() calls, so opening the chat already open still brings it to the front. */
  readonly openCount: number;
}

/**
 * Everything the unlocked messenger shows outside one conversation's
 * messages: the chat list, contacts, typing, connection, account and
 * settings. It lives from unlock to lock; the core's events keep it current.
 */
export class MessengerStore extends Observable<MessengerState> {
  private readonly stops: Array<() => void> = [];
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Drafts live in memory only: on disk they would sit outside the encrypted vault. */
  private readonly drafts = new Map<string, string>();
  private byId = new Map<string, ConversationSummary>();

  constructor(readonly client: HearthClient) {
    super({ loaded: false, loadError: null, account: null, settings: null, connection: null, conversations: [], contacts: new Map(), typing: new Set(), activeConversationId: null, focusMessageId: null, openCount: 0 });
  }

  start(): void {
    const { client } = this;
    this.stops.push(
      client.on('conversations.onDidUpdate', ({ conversation }) => this.putConversation(conversation)),
      client.on('contacts.onDidUpdate', ({ contact }) => this.putContact(contact)),
      client.on('contacts.onDidChangeIdentity', ({ contactId }) => void this.refreshContact(contactId)),
      client.on('connection.onDidChangeState', (connection) => this.update({ connection })),
      client.on('conversations.onDidChangeTyping', ({ conversationId, typing }) => this.setTyping(conversationId, typing)),
      client.on('messages.onDidAdd', ({ message }) => {
        // A message from them ends their typing indicator, as in Signal.
        if (message.direction === 'incoming') this.setTyping(message.conversationId, false);
        if (!this.byId.has(message.conversationId)) void this.refreshConversation(message.conversationId);
      }),
    );
    void this.load();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    this.drafts.clear();
  }

  async load(): Promise<void> {
    try {
      // The chat list first, alone: it is what the person waits for after unlocking.
      const list = this.client.call('conversations.list', {});
      const rest = Promise.all([this.client.call('account.get', {}), this.client.call('settings.get', {}), this.client.call('connection.getState', {}), this.client.call('contacts.list', {})]);
      const { conversations } = await list;
      // Events that arrived while loading are newer than the list: keep them.
      const merged = new Map(conversations.map((c) => [c.id, c]));
      for (const [id, c] of this.byId) if (!merged.has(id) || merged.get(id)!.updatedAt < c.updatedAt) merged.set(id, c);
      this.byId = merged;
      this.update({ loaded: true, loadError: null, conversations: sortConversations(merged.values()) });

      const [account, settings, connection, contacts] = await rest;
      const contactMap = new Map(contacts.contacts.map((c) => [c.id, c]));
      for (const [id, c] of this.state.contacts) if (!contactMap.has(id)) contactMap.set(id, c);
      this.update({ account, settings, connection, contacts: contactMap });
    } catch (error) {
      this.update({ loadError: HearthError.from(error).message });
    }
  }

  // ------------------------------------------------------------ navigation

  openConversation(conversationId: string | null, focusMessageId: string | null = null): void {
    this.update({ activeConversationId: conversationId, focusMessageId, openCount: this.state.openCount + 1 });
  }

  clearFocusMessage(): void {
    if (this.state.focusMessageId) this.update({ focusMessageId: null });
  }

  conversation(conversationId: string): ConversationSummary | undefined {
    return this.byId.get(conversationId);
  }

  // ---------------------------------------------------------------- drafts

  draft(conversationId: string): string {
    return this.drafts.get(conversationId) ?? '';
  }

  setDraft(conversationId: string, text: string): void {
    if (text) this.drafts.set(conversationId, text);
    else this.drafts.delete(conversationId);
  }

  // --------------------------------------------------------------- actions

  /** Adds a contact by username and opens the chat with them. */
  async startConversation(username: string): Promise<Contact> {
    const contact = await this.client.call('contacts.add', { username });
    this.putContact(contact);
    await this.refreshConversation(contact.conversationId);
    this.openConversation(contact.conversationId);
    return contact;
  }

  /** Creates a group with these contacts and opens it. */
  async createGroup(name: string, memberIds: readonly string[]): Promise<ConversationSummary> {
    const group = await this.client.call('groups.create', { name, memberIds: [...memberIds] });
    this.putConversation(group);
    this.openConversation(group.id);
    return group;
  }

  /** Group changes and the timer answer with the new summary: the list and header show it at once. */
  async changeConversation(change: Promise<ConversationSummary>): Promise<ConversationSummary> {
    const conversation = await change;
    this.putConversation(conversation);
    return conversation;
  }

  /** A contact's name as the UI shows it: the display name, else the username. */
  nameOf(contactId: string): string {
    return this.state.contacts.get(contactId)?.displayName ?? contactId;
  }

  async setVerified(contactId: string, verified: boolean): Promise<void> {
    this.putContact(await this.client.call('contacts.setVerified', { contactId, verified }));
  }

  async acceptIdentityChange(contactId: string): Promise<void> {
    const contact = await this.client.call('contacts.acceptIdentityChange', { contactId });
    this.putContact(contact);
    await this.refreshConversation(contact.conversationId);
  }

  async updateSettings(change: Partial<Settings>): Promise<Settings> {
    const settings = await this.client.call('settings.update', change);
    this.update({ settings });
    return settings;
  }

  async refreshContact(contactId: string): Promise<void> {
    try {
      this.putContact(await this.client.call('contacts.get', { contactId }));
    } catch {
      // Gone or locked meanwhile; the next event brings it back.
    }
  }

  async refreshConversation(conversationId: string): Promise<void> {
    try {
      this.putConversation(await this.client.call('conversations.get', { conversationId }));
    } catch {
      // As above.
    }
  }

  // -------------------------------------------------------------- internals

  private putConversation(conversation: ConversationSummary): void {
    this.byId.set(conversation.id, conversation);
    this.update({ conversations: sortConversations(this.byId.values()) });
    // A chat someone else started brings a contact this window has not seen yet.
    if (conversation.contactId && !this.state.contacts.has(conversation.contactId)) void this.refreshContact(conversation.contactId);
  }

  private putContact(contact: Contact): void {
    const contacts = new Map(this.state.contacts);
    contacts.set(contact.id, contact);
    this.update({ contacts });
  }

  private setTyping(conversationId: string, typing: boolean): void {
    const timer = this.typingTimers.get(conversationId);
    if (timer) clearTimeout(timer);
    this.typingTimers.delete(conversationId);
    if (typing) this.typingTimers.set(conversationId, setTimeout(() => this.setTyping(conversationId, false), TYPING_EXPIRY_MS));
    if (this.state.typing.has(conversationId) === typing) return;
    const next = new Set(this.state.typing);
    if (typing) next.add(conversationId);
    else next.delete(conversationId);
    this.update({ typing: next });
  }
}
