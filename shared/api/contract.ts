import { z } from 'zod';
import {
  AccountInfo,
  ATTACHMENT_CHUNK_BYTES,
  AttachmentDraft,
  AttachmentId,
  base64Of,
  ExpireTimer,
  ConnectionState,
  Contact,
  ContactId,
  ConversationId,
  ConversationSummary,
  CreateProfileArgs,
  CreateProfileResult,
  Message,
  MessageCursor,
  MessageId,
  MessagePage,
  MessageVersion,
  SafetyNumber,
  SearchHit,
  Settings,
  StorageUsage,
  UnlockWith,
  Username,
} from './messaging';

/**
 * The one contract between the renderer and the core. Electron IPC and the
 * browser host's WebSocket both carry exactly these methods and events, and
 * both ends validate with these schemas. Add a capability here first.
 */

const NoArgs = z.object({}).strict();

/** Groups hold at most this many people, you included. */
export const MAX_GROUP_MEMBERS = 100;
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
const GroupName = z.string().trim().min(1).max(64);

export const VaultState = z.enum(['uninitialized', 'locked', 'unlocked']);
export type VaultState = z.infer<typeof VaultState>;

export const ProtectionKind = z.enum(['keychain', 'passphrase']);
export type ProtectionKind = z.infer<typeof ProtectionKind>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** Which shell hosts the renderer: the Electron app or the browser host. */
  host: z.enum(['electron', 'browser']),
  platform: z.string(),
  profileDir: z.string(),
  vaultState: VaultState,
});
export type AppInfo = z.infer<typeof AppInfo>;

/** What the first-run screen shows; it comes from the core so the screen reflects this machine. */
export const FirstRunInfo = z.object({
  profileDir: z.string(),
  defaultRelayUrl: z.string(),
  protections: z.array(
    z.object({
      kind: ProtectionKind,
      available: z.boolean(),
      /** Why a protection is unavailable (e.g. no OS keychain in the browser host). */
      reason: z.string().optional(),
    }),
  ),
  versions: z.object({
    core: z.string(),
    libsignal: z.string(),
    node: z.string(),
  }),
});
export type FirstRunInfo = z.infer<typeof FirstRunInfo>;

export const UnreadCount = z.object({ total: z.number().int().nonnegative() });
export type UnreadCount = z.infer<typeof UnreadCount>;

const Ok = z.object({ ok: z.literal(true) });
const VaultStateResult = z.object({ state: VaultState });

/** What salvage kept and set aside (main/core/vault/salvage.ts); null when nothing needed salvaging. */
export const SalvageReport = z.object({
  /** Commits recorded after the last full save that could still be read. */
  keptCommits: z.number().int().nonnegative(),
  /** Why the rest could not be read. */
  reason: z.string().max(2000),
  /** File names, in the profile folder, of the damaged parts kept aside. */
  setAside: z.array(z.string().max(256)).max(4),
});
export type SalvageReport = z.infer<typeof SalvageReport>;
const Passphrase = z.string().min(1).max(1024);

/** How this profile's vault key is protected now (null before the profile exists); readable while locked. */
export const VaultProtection = z.object({ kind: z.enum(['keychain', 'passphrase', 'keyfile']).nullable() });
export type VaultProtection = z.infer<typeof VaultProtection>;

export const methods = {
  'app.getInfo': { args: NoArgs, result: AppInfo },
  'app.getFirstRun': { args: NoArgs, result: FirstRunInfo },
  'app.getUnreadCount': { args: NoArgs, result: UnreadCount },

  // Profile and vault. A profile is created once (keys, relay registration, vault); then unlocked and locked.
  'vault.getState': { args: NoArgs, result: VaultStateResult },
  'account.create': { args: CreateProfileArgs, result: CreateProfileResult },
  /** Fails with kind 'unauthorized' when the passphrase or key is wrong. */
  'vault.unlock': { args: z.object({ with: UnlockWith }), result: VaultStateResult },
  /** After an unlock failed with kind 'damaged': unlocks with the history as it was before the damage, which is set aside. */
  'vault.salvage': { args: z.object({ with: UnlockWith }), result: z.object({ state: VaultState, report: SalvageReport.nullable() }) },
  'vault.lock': { args: NoArgs, result: VaultStateResult },
  'account.get': { args: NoArgs, result: AccountInfo },
  'vault.getProtection': { args: NoArgs, result: VaultProtection },
  /** Rewraps the vault key under `next`; 'unauthorized' when `current` is wrong. */
  'vault.changePassphrase': { args: z.object({ current: Passphrase, next: Passphrase }).strict(), result: Ok },
  /** Keychain ↔ passphrase. `passphrase`: the new one (to 'passphrase'); `current`: the one in use (when leaving 'passphrase'). The recovery key stays valid. */
  'vault.setProtection': { args: z.object({ to: ProtectionKind, passphrase: Passphrase.optional(), current: Passphrase.optional() }).strict(), result: Ok },
  /** The recovery key again; asks for the passphrase when the vault has one ('unauthorized' when wrong). */
  'vault.revealRecoveryKey': { args: z.object({ passphrase: Passphrase.optional() }).strict(), result: z.object({ recoveryKey: z.string() }) },

  'connection.getState': { args: NoArgs, result: ConnectionState },

  // Contacts (by relay username).
  /** Looks the username up on the relay and adds it (or returns the existing contact). 'not-found' when no such user. */
  'contacts.add': { args: z.object({ username: Username }), result: Contact },
  'contacts.list': { args: NoArgs, result: z.object({ contacts: z.array(Contact) }) },
  'contacts.get': { args: z.object({ contactId: ContactId }), result: Contact },
  'contacts.getSafetyNumber': { args: z.object({ contactId: ContactId }), result: SafetyNumber },
  /** Compares a scanned QR payload (base64) with the safety number. */
  'contacts.compareSafetyNumber': { args: z.object({ contactId: ContactId, scanned: z.string().max(4096) }), result: z.object({ match: z.boolean() }) },
  'contacts.setVerified': { args: z.object({ contactId: ContactId, verified: z.boolean() }), result: Contact },
  /** Acknowledges a changed identity key; releases held messages. */
  'contacts.acceptIdentityChange': { args: z.object({ contactId: ContactId }), result: Contact },

  // Conversations.
  'conversations.list': { args: z.object({ includeArchived: z.boolean().optional() }).strict(), result: z.object({ conversations: z.array(ConversationSummary) }) },
  'conversations.get': { args: z.object({ conversationId: ConversationId }), result: ConversationSummary },
  /** Marks incoming messages read up to `upTo` (default: all) and sends read receipts. */
  'conversations.markRead': { args: z.object({ conversationId: ConversationId, upTo: MessageCursor.optional() }), result: z.object({ unreadCount: z.number().int().nonnegative() }) },

  // Messages.
  /** Newest `limit` messages before `before` (default: the newest), or the `limit` just after `after`; oldest first. */
  'messages.page': {
    args: z.object({ conversationId: ConversationId, before: MessageCursor.optional(), after: MessageCursor.optional(), limit: z.number().int().min(1).max(500).optional() }),
    result: MessagePage,
  },
  'messages.get': { args: z.object({ messageId: MessageId }), result: Message },
  /**
   * Stores the message as 'pending' (durably) and sends it; resolves with the stored message.
   * 'untrusted-identity' when sending is held. `replyTo`: the message this one replies to (same
   * conversation). `attachments`: finished drafts (attachments.createDraft), which become the
   * message's attachments; the body may then be empty.
   */
  'messages.send': {
    args: z
      .object({ conversationId: ConversationId, body: z.string().max(64 * 1024), replyTo: MessageId.optional(), attachments: z.array(AttachmentId).max(MAX_ATTACHMENTS_PER_MESSAGE).optional() })
      .refine((a) => a.body.trim().length > 0 || (a.attachments?.length ?? 0) > 0, 'A message needs text or an attachment.'),
    result: Message,
  },
  /** Replaces the body of one of your messages, for both sides; the earlier versions are kept. */
  'messages.edit': { args: z.object({ messageId: MessageId, body: z.string().min(1).max(64 * 1024) }), result: Message },
  /** Every version of a message's body, oldest first, the current one last. */
  'messages.getEditHistory': { args: z.object({ messageId: MessageId }), result: z.array(MessageVersion) },
  /**
   * Deletes a message. `forEveryone`: only your own, within 24 h of sending;
   * both sides keep a tombstone (`deleted`). Otherwise only here.
   */
  'messages.delete': { args: z.object({ messageId: MessageId, forEveryone: z.boolean() }), result: Ok },
  /** Sends a 'failed' message again (to the devices that did not get it yet). */
  'messages.retry': { args: z.object({ messageId: MessageId }), result: Message },
  /** Sets your reaction to a message (one per person: a new one replaces it); null removes it. */
  'messages.react': { args: z.object({ messageId: MessageId, emoji: z.string().min(1).max(32).nullable() }), result: Message },
  'messages.setTyping': { args: z.object({ conversationId: ConversationId, typing: z.boolean() }), result: Ok },

  // Groups (up to 100 members, you included). Membership travels encrypted between members; the relay never learns of groups.
  'groups.create': { args: z.object({ name: GroupName, memberIds: z.array(ContactId).min(1).max(MAX_GROUP_MEMBERS - 1) }).strict(), result: ConversationSummary },
  'groups.rename': { args: z.object({ conversationId: ConversationId, name: GroupName }).strict(), result: ConversationSummary },
  'groups.addMembers': { args: z.object({ conversationId: ConversationId, memberIds: z.array(ContactId).min(1).max(MAX_GROUP_MEMBERS - 1) }).strict(), result: ConversationSummary },
  /** The removed member gets nothing sent after this (the sender keys are rotated). */
  'groups.removeMember': { args: z.object({ conversationId: ConversationId, memberId: ContactId }).strict(), result: ConversationSummary },
  /** You leave: the history stays, sending is refused from then on. */
  'groups.leave': { args: z.object({ conversationId: ConversationId }).strict(), result: ConversationSummary },

  /** Sets the disappearing-messages timer for both sides (a notice appears in the conversation). */
  'conversations.setExpireTimer': { args: z.object({ conversationId: ConversationId, expireTimerMs: ExpireTimer }).strict(), result: ConversationSummary },

  // Attachments. A file is handed over in pieces (draft), then named in messages.send.
  /** Starts a draft for a file of `size` bytes; 'invalid-arguments' above the 100 MB limit. */
  'attachments.createDraft': { args: AttachmentDraft.strict(), result: z.object({ draftId: AttachmentId }) },
  /** Appends the next piece (base64, at most ATTACHMENT_CHUNK_BYTES); 'invalid-arguments' past the announced size. */
  'attachments.appendDraft': { args: z.object({ draftId: AttachmentId, data: base64Of(ATTACHMENT_CHUNK_BYTES) }).strict(), result: z.object({ received: z.number().int().nonnegative() }) },
  'attachments.discardDraft': { args: z.object({ draftId: AttachmentId }).strict(), result: Ok },
  /** A piece of a 'ready' attachment's plaintext, for showing or saving it. */
  'attachments.read': {
    args: z.object({ attachmentId: AttachmentId, offset: z.number().int().nonnegative(), length: z.number().int().min(1).max(ATTACHMENT_CHUNK_BYTES) }).strict(),
    result: z.object({ data: base64Of(ATTACHMENT_CHUNK_BYTES), size: z.number().int().nonnegative() }),
  },
  /** Tries a failed upload or download again; resolves with the message holding it. */
  'attachments.retry': { args: z.object({ attachmentId: AttachmentId }).strict(), result: Message },

  'search.messages': {
    args: z.object({ query: z.string().max(500), conversationId: ConversationId.optional(), limit: z.number().int().min(1).max(200).optional() }),
    result: z.object({ hits: z.array(SearchHit) }),
  },

  'settings.get': { args: NoArgs, result: Settings },
  'settings.update': { args: Settings.partial().strict(), result: Settings },
  'storage.getUsage': { args: NoArgs, result: StorageUsage },
} as const satisfies Record<string, { args: z.ZodType; result: z.ZodType }>;

export const events = {
  'app.onDidChangeVaultState': z.object({ state: VaultState }),
  'app.onDidChangeUnreadCount': UnreadCount,
  'connection.onDidChangeState': ConnectionState,
  'messages.onDidAdd': z.object({ message: Message }),
  /** Status, read time or body changed (e.g. sent → delivered → read). */
  'messages.onDidUpdate': z.object({ message: Message }),
  /** A message is gone: deleted for you, or its disappearing timer ran out. */
  'messages.onDidRemove': z.object({ messageId: MessageId, conversationId: ConversationId }),
  'conversations.onDidUpdate': z.object({ conversation: ConversationSummary }),
  /** A contact started or stopped typing; a 'started' expires by itself after 15 s without a refresh. */
  'conversations.onDidChangeTyping': z.object({ conversationId: ConversationId, contactId: ContactId, typing: z.boolean() }),
  'contacts.onDidUpdate': z.object({ contact: Contact }),
  /** A contact's identity key changed; `sendingHeld` when they were verified. */
  'contacts.onDidChangeIdentity': z.object({ contactId: ContactId, conversationId: ConversationId, sendingHeld: z.boolean() }),
} as const satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodArgs<M extends MethodName> = z.input<Methods[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<Methods[M]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}
