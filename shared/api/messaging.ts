import { z } from 'zod';

/**
 * The messaging part of the contract: what the renderer sees of accounts,
 * contacts, conversations, messages, search and settings. Ids are opaque
 * strings to the renderer; times are milliseconds since 1970.
 */

/** Relay usernames: 3–32 characters of a-z 0-9 . _ (the relay's rule). */
export const Username = z.string().regex(/^[a-z0-9._]{3,32}$/, 'Usernames are 3–32 characters of a-z, 0-9, dot and underscore.');

/** A message's id: the 16 random bytes its sender chose, in hex. The same on both sides. */
export const MessageId = z.string().regex(/^[0-9a-f]{32}$/);
export const ConversationId = z.string().min(1).max(100);
/** A contact's id is their username. */
export const ContactId = Username;

const Time = z.number().int().nonnegative();

// ------------------------------------------------------------------ account

/** How a new profile's vault key is protected. The keychain is offered only where FirstRunInfo says so. */
export const NewProtection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024) }),
  z.object({ kind: z.literal('keychain') }),
  /** A raw key file (32 bytes or 64 hex characters); created if it does not exist. */
  z.object({ kind: z.literal('keyfile'), path: z.string().min(1).max(4096) }),
]);
export type NewProtection = z.infer<typeof NewProtection>;

/** Ways to unlock an existing profile. */
export const UnlockWith = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024) }),
  z.object({ kind: z.literal('keychain') }),
  z.object({ kind: z.literal('keyfile'), path: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('recovery'), recoveryKey: z.string().min(1).max(200) }),
]);
export type UnlockWith = z.infer<typeof UnlockWith>;

export const AccountInfo = z.object({
  username: Username,
  deviceId: z.number().int().min(1).max(127),
  displayName: z.string().nullable(),
  relayUrl: z.string(),
  /** Whether the relay has accepted this account (false while registration is still to be retried). */
  registered: z.boolean(),
  createdAt: Time,
});
export type AccountInfo = z.infer<typeof AccountInfo>;

export const CreateProfileArgs = z.object({
  username: Username,
  displayName: z.string().max(100).optional(),
  relayUrl: z.string().min(1).max(2048),
  protection: NewProtection,
});

export const CreateProfileResult = z.object({
  account: AccountInfo,
  /** Shown to the person once; it is not stored anywhere. */
  recoveryKey: z.string(),
});

// ------------------------------------------------------------- connection

export const ConnectionStateName = z.enum(['offline', 'connecting', 'online']);
export const ConnectionState = z.object({
  state: ConnectionStateName,
  /** When the next reconnect attempt is due, while offline. */
  retryAt: Time.nullable(),
  /** Why the last attempt failed, in words a person can act on. */
  lastError: z.string().nullable(),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

// ---------------------------------------------------------------- contacts

export const Contact = z.object({
  id: ContactId,
  username: Username,
  displayName: z.string().nullable(),
  /** The direct conversation with this contact. */
  conversationId: ConversationId,
  /** The user compared safety numbers for the current identity key. */
  verified: z.boolean(),
  /** The identity key changed and the user has not yet acknowledged the new one. */
  identityChanged: z.boolean(),
  /** Sending is held until the user accepts the new identity (it changed while verified). */
  sendingHeld: z.boolean(),
  blocked: z.boolean(),
  createdAt: Time,
});
export type Contact = z.infer<typeof Contact>;

export const SafetyNumber = z.object({
  contactId: ContactId,
  /** 60 digits. */
  digits: z.string().regex(/^\d{60}$/),
  /** The same 60 digits in 12 groups of 5, as they are shown. */
  groups: z.array(z.string().regex(/^\d{5}$/)).length(12),
  /** What the QR code carries (libsignal's scannable fingerprint), base64. */
  qrPayload: z.string(),
  verified: z.boolean(),
});
export type SafetyNumber = z.infer<typeof SafetyNumber>;

// ----------------------------------------------------------------- messages

export const MessageStatus = z.enum(['pending', 'sent', 'delivered', 'read', 'failed', 'received']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/**
 * 'text': an ordinary message (its body may be empty when it carries
 * attachments). The others are notices the core puts in the conversation:
 * 'identity-changed' (the contact's safety number changed), 'decrypt-failed'
 * (a message arrived that could not be decrypted; a session reset was
 * started), 'session-reset' (the secure session was renewed),
 * 'group-update' and 'timer-changed' (details in `notice`).
 */
export const MessageKind = z.enum(['text', 'identity-changed', 'decrypt-failed', 'session-reset', 'group-update', 'timer-changed']);
export type MessageKind = z.infer<typeof MessageKind>;

/** The disappearing-messages timers a conversation can have, in ms; null = off. */
export const EXPIRE_TIMERS_MS = [30_000, 5 * 60_000, 60 * 60_000, 24 * 60 * 60_000, 7 * 24 * 60 * 60_000] as const;
export const ExpireTimer = z
  .number()
  .int()
  .refine((ms) => (EXPIRE_TIMERS_MS as readonly number[]).includes(ms), 'A timer is 30 s, 5 min, 1 h, 1 day or 1 week.')
  .nullable();
export type ExpireTimer = z.infer<typeof ExpireTimer>;

/** What a 'group-update' or 'timer-changed' notice says; `actorId` null is you. */
export const Notice = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('group'),
    action: z.enum(['created', 'renamed', 'added', 'removed', 'left']),
    actorId: ContactId.nullable(),
    /** The group's name after the change. */
    name: z.string(),
    /** Who was added or removed (for 'added' / 'removed'); null is you. */
    targetIds: z.array(ContactId.nullable()),
  }),
  z.object({ type: z.literal('timer'), actorId: ContactId.nullable(), expireTimerMs: ExpireTimer }),
]);
export type Notice = z.infer<typeof Notice>;

// -------------------------------------------------------------- attachments

/** An attachment's id in this vault (hex); a draft's id while it is being handed to the core. */
export const AttachmentId = z.string().regex(/^[0-9a-f]{32}$/);
/** Largest attachment: the relay's limit. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;
/** Largest piece of an attachment in one call (attachments.appendDraft / attachments.read), before base64. */
export const ATTACHMENT_CHUNK_BYTES = 512 * 1024;
/** Largest thumbnail a message carries. */
export const MAX_THUMBNAIL_BYTES = 64 * 1024;
/** Base64 of at most `bytes` bytes. */
export const base64Of = (bytes: number) => z.string().max(Math.ceil(bytes / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Expected base64.');

/**
 * 'uploading': ours, not yet on the relay (the message waits for it);
 * 'downloading': theirs, being fetched; 'ready': the file is in the vault;
 * 'failed': see `error`, then attachments.retry.
 */
export const AttachmentState = z.enum(['uploading', 'downloading', 'ready', 'failed']);
export type AttachmentState = z.infer<typeof AttachmentState>;

export const Attachment = z.object({
  id: AttachmentId,
  fileName: z.string().nullable(),
  contentType: z.string(),
  /** Bytes of the plaintext file. */
  size: z.number().int().nonnegative(),
  voiceNote: z.boolean(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  /** A small preview of an image as a data: URL, there before the download finishes. */
  thumbnail: z.string().nullable(),
  state: AttachmentState,
  /** Bytes moved so far while uploading or downloading. */
  transferred: z.number().int().nonnegative(),
  /** Why the transfer failed, in words a person can act on (e.g. the file did not match its digest). */
  error: z.string().nullable(),
});
export type Attachment = z.infer<typeof Attachment>;

/** What the renderer knows of a file it hands to the core (attachments.createDraft). */
export const AttachmentDraft = z.object({
  fileName: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
  voiceNote: z.boolean().optional(),
  width: z.number().int().positive().max(100_000).optional(),
  height: z.number().int().positive().max(100_000).optional(),
  durationMs: z.number().int().nonnegative().optional(),
  /** A small JPEG or PNG preview of an image, base64. */
  thumbnail: base64Of(MAX_THUMBNAIL_BYTES).optional(),
});
export type AttachmentDraft = z.infer<typeof AttachmentDraft>;

/** A position in a conversation: messages are ordered by (sentAt, seq). */
export const MessageCursor = z.object({ sentAt: Time, seq: z.number().int().nonnegative() });
export type MessageCursor = z.infer<typeof MessageCursor>;

export const Message = z.object({
  id: MessageId,
  /** Local order key, for cursors. */
  seq: z.number().int().nonnegative(),
  conversationId: ConversationId,
  kind: MessageKind,
  direction: z.enum(['incoming', 'outgoing']),
  /** The sender's contact id for incoming messages; null for our own and for notices. */
  authorId: ContactId.nullable(),
  body: z.string().nullable(),
  status: MessageStatus,
  sentAt: Time,
  receivedAt: Time,
  readAt: Time.nullable(),
  /** One reaction per person; `reactorId` null is you. */
  reactions: z.array(z.object({ reactorId: ContactId.nullable(), emoji: z.string().min(1).max(32), reactedAt: Time })).optional(),
  /** The author changed the body (messages.getEditHistory has every version). */
  edited: z.boolean().optional(),
  /** Deleted for everyone by its author: a tombstone, body null. */
  deleted: z.boolean().optional(),
  /** The message this one replies to, if any. */
  replyTo: MessageId.nullable().optional(),
  /** Files, images and voice notes, in the order they were attached. */
  attachments: z.array(Attachment).optional(),
  /** What a 'group-update' or 'timer-changed' notice says. */
  notice: Notice.nullable().optional(),
  /** The disappearing timer this message was sent with (null: it stays). */
  expireTimerMs: z.number().int().positive().nullable().optional(),
  /** When it disappears from both sides (its clock starts when it is sent, or read by its recipient). */
  expiresAt: Time.nullable().optional(),
});
export type Message = z.infer<typeof Message>;

export const MessageVersion = z.object({ body: z.string(), at: Time });
export type MessageVersion = z.infer<typeof MessageVersion>;

export const MessagePage = z.object({
  messages: z.array(Message),
  /** More messages exist beyond this page in the direction asked. */
  hasMore: z.boolean(),
});

// ------------------------------------------------------------- conversations

export const ConversationSummary = z.object({
  id: ConversationId,
  type: z.enum(['direct', 'group']),
  /** For direct conversations: the contact. */
  contactId: ContactId.nullable(),
  title: z.string(),
  unreadCount: z.number().int().nonnegative(),
  lastMessage: Message.nullable(),
  /** Sending is held in this conversation until an identity change is accepted. */
  sendingHeld: z.boolean(),
  /**
   * How our last message here went out: true in a sealed-sender envelope (the
   * relay does not learn who sent it), false authenticated (the recipient
   * cannot accept sealed sender), null when nothing was sent yet.
   */
  sealedSender: z.boolean().nullable().optional(),
  /** The disappearing-messages timer (null: off). */
  expireTimerMs: ExpireTimer.optional(),
  /** For groups: the other members (you are not listed). */
  memberIds: z.array(ContactId).optional(),
  /** For groups: false once you left or were removed (history stays, sending is refused). */
  isMember: z.boolean().optional(),
  archived: z.boolean(),
  mutedUntil: Time.nullable(),
  updatedAt: Time,
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

// ------------------------------------------------------------------ search

export const SearchHit = z.object({
  messageId: MessageId,
  conversationId: ConversationId,
  sentAt: Time,
  /** The snippet in pieces; `match` pieces are the words that matched (render them highlighted). */
  snippet: z.array(z.object({ text: z.string(), match: z.boolean() })),
});
export type SearchHit = z.infer<typeof SearchHit>;

// ---------------------------------------------------------------- settings

export const NotificationContent = z.enum(['name-and-message', 'name-only', 'none']);
export const Theme = z.enum(['system', 'light', 'dark']);

export const Settings = z.object({
  /** Lock the vault after this many minutes without use; null = never. */
  autoLockMinutes: z.number().int().min(1).max(24 * 60).nullable(),
  notificationContent: NotificationContent,
  theme: Theme,
  relayUrl: z.string().min(1).max(2048),
  /** Tell contacts when their messages were read. */
  sendReadReceipts: z.boolean(),
  /** Tell contacts while typing. */
  sendTypingIndicators: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

export const StorageUsage = z.object({
  /** Everything in the profile folder. */
  totalBytes: z.number().int().nonnegative(),
  /** Snapshot and journal: the encrypted history itself. */
  databaseBytes: z.number().int().nonnegative(),
  attachmentBytes: z.number().int().nonnegative(),
  messageCount: z.number().int().nonnegative(),
});
export type StorageUsage = z.infer<typeof StorageUsage>;
