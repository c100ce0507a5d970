import { EnvelopeType, type Envelope } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import type { Message } from '../../../shared/api';
import type { AttachmentPointer } from '../../../shared/proto/gen/hearth/v1/content_pb';
import type { MessageAttachment as StoredAttachment } from '../vault/queries/messages';
import { storeIncomingAttachments } from './attachments';
import { decryptMessage, isProtocolError, sealedSenderDecrypt, type DeviceAddress, type IdentityChangeNotice } from '../protocol';
import { GroupReceiving, type HeldGroupContent } from './group-receive';
import { applyProtocolWrites } from '../protocol/vault-storage';
import { isRelayError } from '../transport';
import { conversations, expiry, groups, messages, messaging, outbox, type SqlWriter } from '../vault';
import { decodeContent, DELETE_FOR_EVERYONE_MS, encodeReceipt, encodeSessionReset, hex, ReceiptType, TypingAction, type Content } from './content';
import type { MessagingContext } from './context';
import { applyPeerTimer, expiredOnArrival, timerFromSeconds } from './disappearing';
import { announceIdentityChange, ensureDirectConversation, recordIdentityNotice } from './identity-notices';
import type { Outbox } from './outbox';
import { TYPING_TTL_MS } from './outbox';
import { conversationView, messageView, toMessage } from './views';

/** Envelopes decrypted and committed together (one protocol transaction, one vault write, one fsync). */
export const MAX_RECEIVE_BATCH = 128;
/** Ids per ack request (the relay's default batch limit). */
const ACK_BATCH = 256;
/** At most one session reset per sender in this long, so a burst of undecryptable envelopes makes one. */
const RESET_INTERVAL_MS = 60_000;

/** What decrypting one envelope came to (group-receive.ts works on these too). */
export type Outcome =
  | { readonly envelope: Envelope; readonly kind: 'content'; readonly sender: DeviceAddress; readonly content: Content; readonly identityChange: IdentityChangeNotice | null; readonly groupId?: Uint8Array | null }
  | { readonly envelope: Envelope; readonly kind: 'awaiting-key'; readonly sender: DeviceAddress; readonly groupId: Uint8Array | null; readonly ciphertext: Uint8Array }
  | { readonly envelope: Envelope; readonly kind: 'undecryptable'; readonly sender: DeviceAddress; readonly placeholder: boolean }
  | { readonly envelope: Envelope; readonly kind: 'drop' };

/** What a committed batch changed, for the events that follow it. */
interface BatchEffects {
  added: Message[];
  updatedUids: string[];
  conversations: Set<string>;
  typing: Array<{ conversationId: string; contactId: string; typing: boolean }>;
  notices: IdentityChangeNotice[];
  queuedSends: boolean;
  attachments: boolean;
  /** Attachments a delete for everyone left unreferenced: their sealed files go after the commit. */
  unreferenced: string[];
}

/**
 * The receive pipeline (docs/messaging.md, "Receive"): envelopes queue up as
 * the relay pushes them; each batch is decrypted inside one protocol
 * transaction, and its messages, receipts' effects and the advanced session
 * state are stored in ONE vault write. Only after that write is durable are
 * the envelopes acked. An envelope that cannot be decrypted becomes a visible
 * placeholder and a session reset with its sender, and never holds the queue.
 */
export class Receiver {
  private queue: Envelope[] = [];
  private running: Promise<void> | null = null;
  private readonly lastReset = new Map<string, number>();
  private stopped = false;
  private readonly groups: GroupReceiving;
  /** Envelopes stored and acked since start (for `sync` and the benchmark). */
  processed = 0;
  /** Why the last batch could not be stored, if one could not (cleared by the next stored batch). */
  lastFailure: unknown = null;

  constructor(
    private readonly ctx: MessagingContext,
    private readonly sends: Outbox,
    /** Called after a batch stored attachments to download. */
    private readonly attachmentsArrived: () => void = () => undefined,
  ) {
    this.groups = new GroupReceiving(ctx);
  }

  push(envelopes: readonly Envelope[]): void {
    if (this.stopped || envelopes.length === 0) return;
    this.queue.push(...envelopes);
    this.running ??= this.pump().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once every envelope pushed so far is stored (or given back to the relay). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  private async pump(): Promise<void> {
    // Receipts and resets queued by the batches go out once the queue is drained, in one outbox
    // round, rather than competing with the drain for the protocol lock and the disk batch by batch.
    let kick = false;
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, MAX_RECEIVE_BATCH);
      try {
        kick = (await this.receiveBatch(batch)) || kick;
        this.lastFailure = null;
      } catch (error) {
        // Nothing of the batch was kept or acked. The relay does not push in-flight envelopes
        // twice on one connection, so start a new one: it delivers them again.
        this.lastFailure = error;
        this.queue = [];
        this.ctx.connection.recycle();
      }
    }
    if (kick && !this.stopped) this.sends.kick();
  }

  /** Stores one batch and acks it; returns whether it queued sends (receipts, resets). */
  private async receiveBatch(batch: readonly Envelope[]): Promise<boolean> {
    const { vault, protocol } = this.ctx;
    const seen = vault.read((db) => messaging.receivedEnvelopeIds(db, batch.map((e) => e.id)));
    const fresh: Envelope[] = [];
    for (const envelope of batch) {
      const key = hex(envelope.id);
      if (seen.has(key)) continue;
      seen.add(key);
      fresh.push(envelope);
    }
    const result: { effects: BatchEffects | null } = { effects: null };
    if (fresh.length > 0) {
      await protocol.transact(
        async (tx) => {
          const outcomes: Outcome[] = [];
          const trustRoot = this.ctx.sealedSender.trustRoot();
          const keyed = new Set<string>();
          for (const envelope of fresh) {
            const outcome = await this.decrypt(tx, envelope, trustRoot);
            // A sender key is taken at once, so a group message later in the batch decrypts.
            if (outcome.kind === 'content' && (await this.groups.takeSenderKey(tx, outcome.sender, outcome.content))) keyed.add(outcome.sender.name);
            outcomes.push(outcome);
          }
          // Group messages that came before their sender key (in this batch or earlier) are tried again.
          const recovered = await this.groups.retryAwaiting(tx, keyed, outcomes);
          return recovered;
        },
        async (writes, { outcomes, held }) => {
          const now = this.ctx.now();
          result.effects = await vault.write((tx) => {
            applyProtocolWrites(tx, writes, now);
            return this.store(tx, outcomes, now, held);
          });
        },
      );
    }
    this.ack(batch);
    this.processed += batch.length;
    const done = result.effects;
    if (!done) return false;
    vault.attachments.removeFiles(done.unreferenced);
    this.announce(done);
    if (done.attachments) this.attachmentsArrived();
    return done.queuedSends;
  }

  private async decrypt(tx: Parameters<typeof decryptMessage>[0], envelope: Envelope, trustRoot: Uint8Array | null): Promise<Outcome> {
    if (envelope.type === EnvelopeType.SEALED_SENDER) return this.unseal(tx, envelope, trustRoot);
    const type = envelope.type === EnvelopeType.PREKEY_MESSAGE ? 'prekey' : envelope.type === EnvelopeType.CIPHERTEXT ? 'whisper' : null;
    // Plaintext envelopes (decryption-error retry requests) are not used by Hearth: acknowledged and dropped.
    if (type === null || !envelope.senderUsername) return { envelope, kind: 'drop' };
    const sender = { name: envelope.senderUsername, deviceId: envelope.senderDeviceId };
    try {
      const decrypted = await decryptMessage(tx, sender, { type, body: envelope.content });
      return this.opened(envelope, sender, decrypted.content, decrypted.identityChange);
    } catch (error) {
      return this.failed(envelope, sender, error);
    }
  }

  /**
   * A sealed envelope names no sender; the certificate inside does, checked
   * against the pinned trust root. One that cannot be opened at all (or no
   * trust root is pinned) has no sender to show or reset with: it is dropped.
   */
  private async unseal(tx: Parameters<typeof decryptMessage>[0], envelope: Envelope, trustRoot: Uint8Array | null): Promise<Outcome> {
    if (!trustRoot) return { envelope, kind: 'drop' };
    try {
      const unsealed = await sealedSenderDecrypt(tx, envelope.content, { trustRoot, resolveSender: (certified) => this.ctx.sealedSender.resolve(certified) });
      if (unsealed.awaitingSenderKey) return { envelope, kind: 'awaiting-key', sender: unsealed.sender, groupId: unsealed.groupId ?? null, ciphertext: unsealed.awaitingSenderKey };
      const opened = this.opened(envelope, unsealed.sender, unsealed.content, unsealed.identityChange);
      return opened.kind === 'content' && unsealed.groupId ? { ...opened, groupId: unsealed.groupId } : opened;
    } catch (error) {
      if (isProtocolError(error, 'storage')) throw error;
      // Offline while looking the sender up: the batch is not stored, and the relay delivers it again.
      if (isRelayError(error) && !isRelayError(error, 'not-found')) throw error;
      const address = isProtocolError(error) ? error.address : undefined;
      // A bad certificate or an unknown sender is not someone we can show or reset with.
      if (!address || isProtocolError(error, 'invalid-certificate') || isProtocolError(error, 'self-send')) return { envelope, kind: 'drop' };
      return this.failed(envelope, address, error);
    }
  }

  private opened(envelope: Envelope, sender: DeviceAddress, plaintext: Uint8Array, identityChange: IdentityChangeNotice | null): Outcome {
    const content = decodeContent(plaintext);
    if (!content) return { envelope, kind: 'undecryptable', sender, placeholder: true };
    return { envelope, kind: 'content', sender, content, identityChange };
  }

  private failed(envelope: Envelope, sender: DeviceAddress, error: unknown): Outcome {
    if (isProtocolError(error, 'storage')) throw error;
    // A libsignal "duplicate" that got past the envelope-id check means the sender reused a
    // chain position (it runs on an old copy of its profile): nothing to show, but reset.
    if (isProtocolError(error, 'duplicate-message')) return { envelope, kind: 'undecryptable', sender, placeholder: false };
    // Every other failure (a broken or missing session, a bad prekey, bad padding) is shown.
    return { envelope, kind: 'undecryptable', sender, placeholder: true };
  }

  /** Stores a decrypted batch; runs inside the vault transaction with the protocol writes. */
  private store(tx: SqlWriter, outcomes: readonly Outcome[], now: number, held: readonly HeldGroupContent[]): BatchEffects {
    const effects: BatchEffects = { added: [], updatedUids: [], conversations: new Set(), typing: [], notices: [], queuedSends: false, attachments: false, unreferenced: [] };
    const pointers = new Map<string, AttachmentPointer[]>();
    const storedAttachments = new Map<string, StoredAttachment[]>();
    const delivered = new Map<string, Uint8Array[]>();
    const resets = new Set<string>();
    messaging.recordReceivedEnvelopes(tx, outcomes.filter((o) => !this.groups.isRecovered(o.envelope)).map((o) => o.envelope.id), now);
    const conversationOf = new Map<string, string>();
    const incoming: messaging.IncomingRow[] = [];
    const reactions: Array<{ conversationId: string; from: string; targetUid: string; emoji: string | null; at: number }> = [];
    const replies: Array<{ uid: string; replyTo: string }> = [];
    /** Disappearing timers of the batch's messages, by uid (their clocks start when they are read). */
    const timers = new Map<string, number>();
    /** Edits (body) and deletes for everyone (body null), applied after the batch's messages are stored. */
    const changes: Array<{ conversationId: string; from: string; targetUid: string; body: string | null; at: number; serverAt: number }> = [];
    const groupPass = this.groups.beginStore(tx, outcomes, held, now);
    // Message ids already stored (a sender's retry that got past the relay's dedupe), looked up in one go,
    // over everything this batch may insert: held-back group messages released now included, since one
    // duplicate id would fail the UNIQUE(uid) insert and with it the whole batch, every time it comes again.
    const stored = messaging.existingUids(
      tx,
      groupPass.items.flatMap((o) => (o.kind === 'content' && o.content.body.case === 'data' ? [hex(o.content.body.value.id)] : o.kind === 'undecryptable' ? [hex(o.envelope.id)] : [])),
    );
    for (const outcome of groupPass.items) {
      if (outcome.kind === 'drop') continue;
      if (outcome.kind === 'awaiting-key') {
        this.groups.holdAwaiting(tx, outcome, now);
        continue;
      }
      const from = outcome.sender.name;
      const placed = outcome.kind === 'content' ? this.groups.place(tx, outcome, now, effects) : null;
      if (placed === 'done') continue;
      let conversationId = placed?.conversationId ?? conversationOf.get(from);
      if (conversationId === undefined) {
        conversationId = ensureDirectConversation(tx, from, now);
        conversationOf.set(from, conversationId);
      }
      if (outcome.kind === 'undecryptable') {
        if (outcome.placeholder) {
          const uid = hex(outcome.envelope.id);
          if (!stored.has(uid)) {
            stored.add(uid);
            const sentAt = Number(outcome.envelope.serverTimestampMs) || now;
            const id = messages.insertMessage(tx, { uid, conversationId, authorId: from, direction: 'incoming', body: null, status: 'received', sentAt, receivedAt: now });
            messaging.setMessageKind(tx, id, 'decrypt-failed');
            effects.added.push(toMessage({ id, uid, conversationId, authorId: from, direction: 'incoming', body: null, status: 'received', sentAt, receivedAt: now, readAt: null, expiresInMs: null, expiresAt: null, replyToUid: null, reactions: [], attachments: [] }, 'decrypt-failed'));
            effects.conversations.add(conversationId);
          }
        }
        resets.add(from);
        continue;
      }
      if (outcome.identityChange) {
        const uid = recordIdentityNotice(tx, outcome.identityChange, now);
        effects.notices.push(outcome.identityChange);
        effects.updatedUids.push(uid);
        effects.conversations.add(conversationId);
      }
      const body = outcome.content.body;
      switch (body.case) {
        case 'data': {
          const uid = hex(body.value.id);
          if (stored.has(uid)) break;
          stored.add(uid);
          const sentAt = Number(body.value.timestampMs);
          const timerMs = timerFromSeconds(body.value.expireTimerS);
          // The sender's timer is the conversation's from now on (unless a newer change is in force).
          const timerNotice = applyPeerTimer(tx, conversationId, from, timerMs, sentAt || now, now);
          if (timerNotice) effects.updatedUids.push(timerNotice);
          // Its whole timer ran out while we were offline: never stored, never shown.
          if (expiredOnArrival(sentAt, timerMs, now)) {
            effects.conversations.add(conversationId);
            break;
          }
          if (timerMs !== null) timers.set(uid, timerMs);
          incoming.push({ uid, conversationId, authorId: from, body: body.value.body, sentAt, receivedAt: now });
          if (body.value.attachments.length > 0) pointers.set(uid, body.value.attachments);
          if (body.value.quote) replies.push({ uid, replyTo: hex(body.value.quote.id) });
          effects.conversations.add(conversationId);
          const list = delivered.get(from) ?? [];
          list.push(body.value.id);
          delivered.set(from, list);
          break;
        }
        case 'receipt': {
          const status = body.value.type === ReceiptType.READ ? 'read' : body.value.type === ReceiptType.DELIVERY ? 'delivered' : null;
          if (!status) break;
          const changed = messaging.advanceOutgoingStatus(tx, body.value.ids.map(hex), conversationId, status);
          changed.push(...this.groups.receipts(tx, from, body.value.ids.map(hex), status, effects));
          if (changed.length > 0) {
            effects.updatedUids.push(...changed);
            effects.conversations.add(conversationId);
          }
          break;
        }
        case 'typing': {
          const fresh = now - Number(outcome.envelope.serverTimestampMs) < TYPING_TTL_MS;
          if (fresh) effects.typing.push({ conversationId, contactId: from, typing: body.value.action === TypingAction.STARTED });
          break;
        }
        case 'sessionReset':
          // Decrypting it already moved us onto the sender's new session. A reset means the sender lost state
          // (a broken session, or a salvage that rolled their history back), which may include our sender
          // keys: our next send to each group we share gives them the key again.
          groups.forgetKeyHolder(tx, from);
          break;
        case 'edit':
          changes.push({ conversationId: this.groups.targetConversation(tx, hex(body.value.targetId), from) ?? conversationId, from, targetUid: hex(body.value.targetId), body: body.value.body, at: Number(body.value.timestampMs) || now, serverAt: Number(outcome.envelope.serverTimestampMs) || now });
          break;
        case 'delete':
          changes.push({ conversationId: this.groups.targetConversation(tx, hex(body.value.targetId), from) ?? conversationId, from, targetUid: hex(body.value.targetId), body: null, at: Number(body.value.timestampMs) || now, serverAt: Number(outcome.envelope.serverTimestampMs) || now });
          break;
        case 'timerUpdate': {
          // A group's change was placed in the group's conversation above (sender a member); never in the direct chat.
          if (body.value.groupId.length > 0 && !placed) break;
          const notice = applyPeerTimer(tx, conversationId, from, timerFromSeconds(body.value.expireTimerS), Number(body.value.timestampMs) || now, now);
          if (notice) {
            effects.updatedUids.push(notice);
            effects.conversations.add(conversationId);
          }
          break;
        }
        case 'reaction':
          reactions.push({ conversationId: this.groups.targetConversation(tx, hex(body.value.targetId), from) ?? conversationId, from, targetUid: hex(body.value.targetId), emoji: body.value.remove ? null : body.value.emoji, at: Number(body.value.timestampMs) || now });
          break;
      }
    }
    const rowIds = messaging.insertIncoming(tx, incoming);
    expiry.setMessageTimers(tx, timers);
    for (const [uid, list] of pointers) {
      const rowId = rowIds.get(uid);
      if (rowId === undefined) continue;
      storedAttachments.set(uid, storeIncomingAttachments(tx, rowId, list, now));
      effects.attachments = true;
    }
    for (const r of replies) tx.run('UPDATE messages SET reply_to_uid = ? WHERE uid = ?', [r.replyTo, r.uid]);
    for (const c of changes) {
      // Only the author edits or deletes, and only their message in this conversation.
      const target = messaging.authoredMessage(tx, c.targetUid, c.conversationId, c.from);
      if (!target || target.deleted) continue;
      if (c.body === null) {
        // The window runs on the relay's clock, not the sender's: a modified client cannot date its delete
        // back, nor its message forward (the message counts from when it reached us if that was earlier).
        const sentAt = Math.min(target.sentAt, target.receivedAt ?? target.sentAt);
        if (c.serverAt - sentAt > DELETE_FOR_EVERYONE_MS) continue;
        effects.unreferenced.push(...messaging.tombstoneMessage(tx, target.id, now));
        this.ctx.expiry.removed();
      } else {
        if (target.body === null || target.body === c.body) continue;
        const previousAt = Number(tx.get('SELECT coalesce(edited_at, sent_at) AS at FROM messages WHERE id = ?', [target.id])?.at ?? target.sentAt);
        messaging.editMessage(tx, target.id, target.body, c.body, previousAt, c.at);
      }
      effects.updatedUids.push(c.targetUid);
      effects.conversations.add(c.conversationId);
    }
    // After the messages, so a reaction to a message in the same batch finds it.
    for (const r of reactions) {
      // Only to a message in the conversation with the reactor: a reaction cannot reach into other chats.
      const target = messaging.messageIdInConversation(tx, r.targetUid, r.conversationId);
      if (target === null) continue;
      messages.setReaction(tx, target, r.from, r.emoji, r.at);
      effects.updatedUids.push(r.targetUid);
      effects.conversations.add(r.conversationId);
    }
    // Event payloads only when someone listens (the CLI and a backlog drain have no one).
    if (this.ctx.events.wanted) for (const m of incoming) {
      effects.added.push(toMessage({ ...m, id: rowIds.get(m.uid) ?? 0, direction: 'incoming', status: 'received', readAt: null, expiresInMs: timers.get(m.uid) ?? null, expiresAt: null, replyToUid: replies.find((r) => r.uid === m.uid)?.replyTo ?? null, reactions: [], attachments: storedAttachments.get(m.uid) ?? [] }, 'text'));
    }
    for (const [recipient, ids] of delivered) {
      for (let start = 0; start < ids.length; start += 1000) {
        outbox.enqueue(tx, { kind: 'receipt', conversationId: null, messageId: null, recipient, payload: encodeReceipt(ReceiptType.DELIVERY, ids.slice(start, start + 1000)), nextAttemptAt: now, createdAt: now });
      }
      effects.queuedSends = true;
    }
    for (const sender of resets) {
      if (now - (this.lastReset.get(sender) ?? 0) < RESET_INTERVAL_MS) continue;
      if (messaging.outboxEntriesFor(tx, sender, 'session-reset').length > 0) continue;
      this.lastReset.set(sender, now);
      outbox.enqueue(tx, { kind: 'session-reset', conversationId: null, messageId: null, recipient: sender, payload: encodeSessionReset(), nextAttemptAt: now, createdAt: now });
      effects.queuedSends = true;
    }
    groupPass.finish(tx);
    for (const id of effects.conversations) conversations.setArchived(tx, id, false, now);
    return effects;
  }

  /** One-way acks: a lost one only means the envelope comes again and is dropped by id. */
  private ack(batch: readonly Envelope[]): void {
    for (let start = 0; start < batch.length; start += ACK_BATCH) {
      this.ctx.connection.sendOneWay('ack', { ids: batch.slice(start, start + ACK_BATCH).map((e) => e.id) });
    }
  }

  private announce(effects: BatchEffects): void {
    for (const notice of effects.notices) announceIdentityChange(this.ctx, notice);
    const { events, vault } = this.ctx;
    for (const typing of effects.typing) events.emit('conversations.onDidChangeTyping', typing);
    if (!events.wanted) return;
    for (const message of effects.added) events.emit('messages.onDidAdd', { message });
    vault.read((db) => {
      for (const uid of effects.updatedUids) {
        const view = messageView(db, uid);
        if (view) events.emit(view.kind === 'text' ? 'messages.onDidUpdate' : 'messages.onDidAdd', { message: view });
      }
      for (const id of effects.conversations) {
        const view = conversationView(db, id, this.ctx.now());
        if (view) events.emit('conversations.onDidUpdate', { conversation: view });
      }
      if (effects.added.length > 0) events.emit('app.onDidChangeUnreadCount', { total: conversations.totalUnread(db) });
    });
  }
}
