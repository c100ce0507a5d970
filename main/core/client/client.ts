import { HearthError, type AccountInfo, type ConnectionState, type Contact, type ConversationSummary, type Message, type MessageCursor, type MessageVersion, type SafetyNumber, type SearchHit, type Settings, type StorageUsage } from '../../../shared/api';
import { createProfile, PrekeyMaintenance, readAccountState, retireRolledBackKeys, type CreateProfileInput } from '../account';
import { Attachments } from '../messaging/attachments';
import * as contactOps from '../messaging/contacts';
import * as disappearingOps from '../messaging/disappearing';
import * as conversationOps from '../messaging/conversations';
import * as editOps from '../messaging/edits';
import * as groupOps from '../messaging/groups';
import type { MessagingContext } from '../messaging/context';
import { ClientEvents } from '../messaging/events';
import { ExpiryReaper } from '../messaging/expiry-reaper';
import { Outbox } from '../messaging/outbox';
import { Receiver } from '../messaging/receiver';
import { removeMessages } from '../messaging/removal';
import { SealedSender } from '../messaging/sealed-sender';
import * as sendOps from '../messaging/send';
import { ProtocolStore } from '../protocol';
import { VaultProtocolStorage } from '../protocol/vault-storage';
import { AnonymousSender, RelayConnection, type RelayConnectionOptions } from '../transport';
import { Vault, groups, messages, messaging, profile, type SalvageReport, type Unlock, type VaultOptions } from '../vault';
import { readSettings, writeSettings } from './settings';
import { storageUsage } from './storage-usage';

export interface ClientOptions {
  readonly vaultOptions?: VaultOptions;
  readonly now?: () => number;
  /** Reconnect and keep-alive tuning (tests shorten them). */
  readonly connection?: Partial<Omit<RelayConnectionOptions, 'url' | 'credentials'>>;
}

/** At most one compaction this often to purge removed messages from the journal. */
const JOURNAL_PURGE_INTERVAL_MS = 5 * 60_000;

/** Relay envelope ids are remembered a little longer than the relay keeps an envelope (30 days). */
const RECEIVED_ID_RETENTION_MS = 31 * 24 * 60 * 60 * 1000;

/**
 * One open profile: its vault, protocol store, relay connection and the
 * send/receive pipelines, wired together. The composition root creates one
 * on unlock and closes it on lock; the CLI uses the same class in-process.
 */
export class Client {
  readonly events = new ClientEvents();
  readonly protocol: ProtocolStore;
  readonly connection: RelayConnection;
  readonly outbox: Outbox;
  readonly receiver: Receiver;
  /** Drafts, uploads, downloads and reads of attachments. */
  readonly attachments: Attachments;
  /** Trust root, sender certificate and the anonymous connection sealed envelopes go out on. */
  readonly sealedSender: SealedSender;
  /** Removes disappearing messages when they expire. */
  readonly reaper: ExpiryReaper;
  private readonly prekeys: PrekeyMaintenance;
  private purgeTimer: NodeJS.Timeout | null = null;
  private lastPurgeAt = 0;
  private readonly ctx: MessagingContext;
  private readonly now: () => number;
  private queueEmpty: { promise: Promise<void>; resolve: () => void };
  private closed = false;

  private constructor(
    readonly vault: Vault,
    private readonly options: ClientOptions,
  ) {
    this.now = options.now ?? Date.now;
    const me = vault.read((db) => profile.getProfile(db));
    if (!me || !me.authSecret) throw new HearthError('internal', 'This vault holds no account.');
    const self = { name: me.username, deviceId: me.deviceId };
    this.protocol = new ProtocolStore(new VaultProtocolStorage(vault, this.now), { localAddress: self, now: this.now });
    this.queueEmpty = deferred();
    this.connection = new RelayConnection(
      { ...options.connection, url: me.relayUrl, credentials: { username: me.username, deviceId: me.deviceId, authSecret: me.authSecret } },
      {
        onOnline: (auth) => {
          this.queueEmpty = deferred();
          void this.prekeys.onOnline({ preKeys: auth.ecPrekeys, kyberPreKeys: auth.kyberPrekeys });
          // The trust root is pinned and the certificate fetched before the first drain, so it goes out sealed.
          void Promise.allSettled([this.sealedSender.pinTrustRoot(), this.sealedSender.currentCertificate()]).then(() => this.outbox.kick({ everything: true }));
        },
        onEnvelopes: (envelopes) => this.receiver.push(envelopes),
        onQueueEmpty: () => this.queueEmpty.resolve(),
        onPrekeysLow: () => void this.prekeys.onPrekeysLow(),
        onStatus: (status) => this.events.emit('connection.onDidChangeState', status),
      },
    );
    this.sealedSender = new SealedSender(vault, this.connection, new AnonymousSender(me.relayUrl, options.connection?.requestTimeoutMs), this.now);
    this.reaper = new ExpiryReaper({
      now: this.now,
      nextDue: () => (this.vault.locked ? null : this.vault.read((db) => messages.nextExpiry(db))),
      reap: (at) => removeMessages(this.ctx, { expiredAt: at }),
    });
    this.ctx = {
      vault,
      protocol: this.protocol,
      connection: this.connection,
      self,
      events: this.events,
      now: this.now,
      settings: () => this.settings(),
      sealedSender: this.sealedSender,
      expiry: { rearm: () => this.reaper.rearm(), removed: () => this.purgeJournalSoon() },
    };
    this.outbox = new Outbox(this.ctx);
    this.attachments = new Attachments(this.ctx, this.outbox, {
      credentials: { username: me.username, deviceId: me.deviceId, authSecret: me.authSecret },
      relayUrl: () => this.settings().relayUrl,
    });
    this.receiver = new Receiver(this.ctx, this.outbox, () => this.attachments.resume());
    this.prekeys = new PrekeyMaintenance(vault, this.protocol, this.connection, this.now);
  }

  /** Unlocks the profile in `dir`. Wrong keys fail here (VaultError 'wrong-passphrase' / 'wrong-key'). */
  static async open(dir: string, unlock: Unlock, options: ClientOptions = {}): Promise<Client> {
    return Client.start(await Vault.open(dir, unlock, options.vaultOptions), options);
  }

  /**
   * Unlocks the profile in `dir` as open() does, or, when that fails on the
   * journal alone (VaultError.salvageable), with the history as it was before
   * the damage (Vault.salvage). The report is null when nothing was damaged.
   */
  static async salvage(dir: string, unlock: Unlock, options: ClientOptions = {}): Promise<{ client: Client; report: SalvageReport | null }> {
    const { vault, report } = await Vault.salvage(dir, unlock, options.vaultOptions);
    return { client: await Client.start(vault, options), report };
  }

  private static async start(vault: Vault, options: ClientOptions): Promise<Client> {
    try {
      // After a salvage, before the protocol store reads (and caches) anything: the state kept may be older than what was used.
      await retireRolledBackKeys(vault, (options.now ?? Date.now)());
      // Files no row refers to: drafts never sent, a crash between a file and its commit.
      vault.attachments.sweep();
      const client = new Client(vault, options);
      const cutoff = client.now() - RECEIVED_ID_RETENTION_MS;
      await vault.write((tx) => {
        messaging.pruneReceivedEnvelopes(tx, cutoff);
        groups.pruneHeldBack(tx, client.now() - groups.HELD_BACK_MAX_AGE_MS);
      });
      // Messages that expired while the app was closed go before anything is shown or received.
      await client.reaper.runNow();
      if (client.reaper.lastError) throw client.reaper.lastError;
      return client;
    } catch (error) {
      await vault.lock();
      throw error;
    }
  }

  /** Creates a new profile in `input.dir` (keys, relay registration, vault) and opens it. */
  static async create(input: CreateProfileInput, options: ClientOptions = {}): Promise<{ client: Client; recoveryKey: string }> {
    const { vault, recoveryKey } = await createProfile({ ...input, vaultOptions: options.vaultOptions ?? input.vaultOptions, now: options.now ?? input.now });
    return { client: new Client(vault, options), recoveryKey };
  }

  /** Connects to the relay (and keeps reconnecting until close). */
  start(): void {
    if (this.closed) return;
    this.connection.start();
    this.reaper.rearm();
    this.attachments.resume();
  }

  /** Stops the pipelines, waits for work in flight, and locks the vault. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.attachments.close();
    this.outbox.stop();
    this.prekeys.stop();
    this.reaper.stop();
    await Promise.allSettled([this.receiver.idle(), this.outbox.idle(), this.prekeys.idle(), this.reaper.idle()]);
    if (this.purgeTimer) {
      // A purge was still due: do it now rather than leave removed messages in the journal.
      clearTimeout(this.purgeTimer);
      this.purgeTimer = null;
      await this.vault.purgeRemoved().catch(() => undefined);
    }
    this.receiver.stop();
    this.connection.stop();
    this.sealedSender.anonymous.stop();
    await this.vault.lock();
    this.events.clear();
  }

  get username(): string {
    return this.ctx.self.name;
  }

  account(): AccountInfo {
    return this.vault.read((db) => {
      const me = profile.getProfile(db);
      if (!me) throw new HearthError('internal', 'This vault holds no account.');
      return { username: me.username, deviceId: me.deviceId, displayName: me.displayName, relayUrl: me.relayUrl, registered: readAccountState(db).accountId !== null, createdAt: me.createdAt };
    });
  }

  connectionState(): ConnectionState {
    return this.connection.state;
  }

  /**
   * Receives and stores everything queued on the relay, sends what is due
   * (receipts, resets, pending messages), then resolves. `lingerMs` keeps
   * receiving that much longer, for messages still on their way.
   */
  async sync(options: { timeoutMs?: number; lingerMs?: number } = {}): Promise<{ received: number }> {
    this.start();
    const timeoutMs = options.timeoutMs ?? 30_000;
    await this.connection.whenOnline(timeoutMs);
    await withTimeout(this.queueEmpty.promise, timeoutMs, 'The relay did not finish delivering in time.');
    await this.settle();
    if (this.receiver.lastFailure) throw this.receiver.lastFailure;
    if (options.lingerMs) {
      await new Promise((resolve) => setTimeout(resolve, options.lingerMs));
      await this.settle();
    }
    return { received: this.receiver.processed };
  }

  /** Waits until the receive pipeline and the outbox have nothing in hand. */
  async settle(): Promise<void> {
    for (let i = 0; i < 50; i += 1) {
      await this.receiver.idle();
      await this.outbox.idle();
      await this.prekeys.idle();
      await this.attachments.idle();
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.busy()) return;
    }
  }

  private busy(): boolean {
    return this.receiver.busy || this.outbox.busy || this.attachments.busy;
  }

  // Contacts
  addContact(username: string): Promise<Contact> {
    return contactOps.addContact(this.ctx, username);
  }
  listContacts(): Contact[] {
    return contactOps.listContacts(this.ctx);
  }
  getContact(contactId: string): Contact {
    return contactOps.requireContact(this.ctx, contactId);
  }
  safetyNumber(contactId: string): SafetyNumber {
    return contactOps.safetyNumber(this.ctx, contactId);
  }
  compareSafetyNumber(contactId: string, scanned: string): boolean {
    return contactOps.compareSafetyNumber(this.ctx, contactId, scanned);
  }
  setVerified(contactId: string, verified: boolean): Promise<Contact> {
    return contactOps.setVerified(this.ctx, this.outbox, contactId, verified);
  }
  acceptIdentityChange(contactId: string): Promise<Contact> {
    return contactOps.acceptIdentityChange(this.ctx, this.outbox, contactId);
  }

  // Conversations and messages
  listConversations(includeArchived = false): ConversationSummary[] {
    return conversationOps.listConversations(this.ctx, includeArchived);
  }
  getConversation(conversationId: string): ConversationSummary {
    return conversationOps.requireConversation(this.ctx, conversationId);
  }
  markRead(conversationId: string, upTo?: MessageCursor): Promise<number> {
    return conversationOps.markRead(this.ctx, this.outbox, conversationId, upTo);
  }
  messagePage(conversationId: string, options: { before?: MessageCursor; after?: MessageCursor; limit?: number } = {}): { messages: Message[]; hasMore: boolean } {
    return conversationOps.messagePage(this.ctx, conversationId, options);
  }
  getMessage(uid: string): Message {
    return conversationOps.requireMessage(this.ctx, uid);
  }
  send(conversationId: string, body: string, replyTo?: string, attachmentDrafts?: readonly string[]): Promise<Message> {
    if (attachmentDrafts && attachmentDrafts.length > 0) return this.attachments.send(conversationId, body, attachmentDrafts, replyTo);
    return sendOps.sendMessage(this.ctx, this.outbox, conversationId, body, replyTo);
  }
  /** Sends a file from disk, streamed (the CLI's `attach`). */
  sendFile(conversationId: string, file: string, options: { caption?: string; contentType?: string } = {}): Promise<Message> {
    return this.attachments.sendFile(conversationId, file, options);
  }
  edit(uid: string, body: string): Promise<Message> {
    return editOps.editMessage(this.ctx, this.outbox, uid, body);
  }
  editHistory(uid: string): MessageVersion[] {
    return editOps.editHistory(this.ctx, uid);
  }
  deleteMessage(uid: string, forEveryone: boolean): Promise<void> {
    return editOps.deleteMessage(this.ctx, this.outbox, uid, forEveryone);
  }
  react(uid: string, emoji: string | null): Promise<Message> {
    return sendOps.react(this.ctx, this.outbox, uid, emoji);
  }
  async retry(uid: string): Promise<Message> {
    return (await this.attachments.retryUploads(uid)) ?? sendOps.retryMessage(this.ctx, this.outbox, uid);
  }
  setExpireTimer(conversationId: string, expireTimerMs: number | null): Promise<ConversationSummary> {
    return disappearingOps.setExpireTimer(this.ctx, this.outbox, conversationId, expireTimerMs);
  }
  setTyping(conversationId: string, typing: boolean): Promise<void> {
    return sendOps.setTyping(this.ctx, this.outbox, conversationId, typing);
  }
  // Groups
  createGroup(name: string, memberIds: readonly string[]): Promise<ConversationSummary> {
    return groupOps.createGroup(this.ctx, this.outbox, name, memberIds);
  }
  renameGroup(conversationId: string, name: string): Promise<ConversationSummary> {
    return groupOps.renameGroup(this.ctx, this.outbox, conversationId, name);
  }
  addGroupMembers(conversationId: string, memberIds: readonly string[]): Promise<ConversationSummary> {
    return groupOps.addMembers(this.ctx, this.outbox, conversationId, memberIds);
  }
  removeGroupMember(conversationId: string, memberId: string): Promise<ConversationSummary> {
    return groupOps.removeMember(this.ctx, this.outbox, conversationId, memberId);
  }
  leaveGroup(conversationId: string): Promise<ConversationSummary> {
    return groupOps.leaveGroup(this.ctx, this.outbox, conversationId);
  }
  listGroups(): ConversationSummary[] {
    return groupOps.listGroups(this.ctx);
  }
  /** Our groups with exactly this name (the CLI names groups by name). */
  groupsNamed(name: string): ConversationSummary[] {
    return groupOps.groupsNamed(this.ctx, name);
  }
  search(query: string, options: { conversationId?: string; limit?: number } = {}): SearchHit[] {
    return conversationOps.searchMessages(this.ctx, query, options);
  }

  /** Resolves once nothing is waiting in the outbox (e.g. a reaction handed to the relay), or rejects after `timeoutMs`. */
  async waitUntilOutboxEmpty(timeoutMs = 30_000): Promise<void> {
    const deadline = this.now() + timeoutMs;
    while (this.outbox.pendingCount() > 0) {
      if (this.now() > deadline) throw new HearthError('unavailable', 'The relay did not take everything in time; the rest goes out on the next connection.');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.settle();
  }

  /** Resolves once the message left 'pending' ('sent' on the relay's ack, or 'failed'), or rejects after `timeoutMs`. */
  async waitUntilSent(uid: string, timeoutMs = 30_000): Promise<Message> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const message = this.getMessage(uid);
      if (message.status !== 'pending') return message;
      if (this.now() > deadline) throw new HearthError('unavailable', 'The relay did not acknowledge the message in time; it stays queued and goes out on the next connection.');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * After messages are removed, the journal still holds their plaintext
   * (sealed) until the next compaction. Compaction rewrites the whole
   * snapshot, so it is brought forward at most every JOURNAL_PURGE_INTERVAL_MS
   * (a chat with a 30-second timer would otherwise rewrite it constantly);
   * locking or quitting compacts as well.
   */
  private purgeJournalSoon(): void {
    if (this.purgeTimer || this.closed) return;
    const wait = Math.max(0, this.lastPurgeAt + JOURNAL_PURGE_INTERVAL_MS - Date.now());
    this.purgeTimer = setTimeout(() => {
      this.purgeTimer = null;
      this.lastPurgeAt = Date.now();
      if (!this.closed && !this.vault.locked) this.vault.purgeRemoved().catch(() => undefined);
    }, wait);
    this.purgeTimer.unref();
  }

  // Settings and storage
  settings(): Settings {
    return this.vault.read((db) => readSettings(db));
  }

  async updateSettings(change: Partial<Settings>): Promise<Settings> {
    const next = { ...this.settings(), ...change };
    await this.vault.write((tx) => writeSettings(tx, next, this.now()));
    this.connection.retarget(next.relayUrl);
    this.sealedSender.anonymous.retarget(next.relayUrl);
    return next;
  }

  storageUsage(): StorageUsage {
    return storageUsage(this.vault.dir, this.vault.read((db) => messaging.messageCount(db)));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new HearthError('unavailable', message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
