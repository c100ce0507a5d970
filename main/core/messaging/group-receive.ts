import { create, toBinary } from '@bufbuild/protobuf';
import { randomBytes } from 'node:crypto';
import { ContentSchema, type Content } from '../../../shared/proto/gen/hearth/v1/content_pb';
import { EnvelopeSchema, EnvelopeType, type Envelope } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { decryptGroupMessage, isProtocolError, processSenderKeyDistribution, type DeviceAddress, type ProtocolTransaction } from '../protocol';
import { groups, type SqlWriter } from '../vault';
import { decodeContent } from './content';
import type { MessagingContext } from './context';
import { namedGroup } from './group-content';
import type { Outcome } from './receiver';
import { applyGroupReceipts, applyGroupUpdate, routeGroupContent, targetGroupConversation } from './group-state';

type AnyOutcome = Outcome;
type ContentOutcome = Extract<Outcome, { kind: 'content' }>;
type AwaitingOutcome = Extract<Outcome, { kind: 'awaiting-key' }>;

/** A held-back group content (decrypted, not yet placeable), tried again in a batch that changed a group. */
export interface HeldGroupContent {
  readonly pendingId: number;
  readonly sender: DeviceAddress;
  readonly groupId: Uint8Array | null;
  readonly content: Uint8Array;
  readonly receivedAt: number;
}

interface GroupEffects {
  readonly conversations: Set<string>;
  readonly updatedUids: string[];
}

/**
 * The receive side of groups, called by the Receiver at fixed points:
 * sender keys are taken during decryption; a group message whose sender key
 * has not come yet is kept (group_pending) and decrypted when it comes; a
 * group content for a group or revision we do not know yet is kept and placed
 * after the update that makes it placeable. Nothing is dropped silently
 * except what a non-member sends.
 */
export class GroupReceiving {
  /** Synthetic envelopes standing for rows of group_pending (never acked, never recorded as received). */
  private readonly recovered = new WeakMap<Envelope, number>();

  constructor(private readonly ctx: MessagingContext) {}

  isRecovered(envelope: Envelope): boolean {
    return this.recovered.has(envelope);
  }

  /** Takes a member's sender key (any sender: their messages are placed only if they are a member). */
  async takeSenderKey(tx: ProtocolTransaction, sender: DeviceAddress, content: Content): Promise<boolean> {
    if (content.body.case !== 'senderKeyDistribution' || content.body.value.distributionMessage.length === 0) return false;
    try {
      await processSenderKeyDistribution(tx, sender, content.body.value.distributionMessage);
      return true;
    } catch (error) {
      if (isProtocolError(error, 'storage')) throw error;
      return false;
    }
  }

  /**
   * After a batch is decrypted: group messages from senders whose key just
   * came (earlier in this batch, or kept from before) are decrypted now.
   * Also loads kept contents when the batch carries a group update.
   */
  async retryAwaiting(tx: ProtocolTransaction, keyed: ReadonlySet<string>, outcomes: readonly AnyOutcome[]): Promise<{ outcomes: AnyOutcome[]; held: HeldGroupContent[] }> {
    const result: AnyOutcome[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === 'awaiting-key' && keyed.has(outcome.sender.name)) {
        const awaiting = outcome;
        result.push(await this.decryptKept(tx, awaiting.envelope, awaiting.sender, awaiting.ciphertext, awaiting.groupId, awaiting));
      } else result.push(outcome);
    }
    if (keyed.size > 0) {
      const kept = this.ctx.vault.read((db) => groups.heldBack(db, { senders: [...keyed], decrypted: false }));
      for (const row of kept) {
        const envelope = create(EnvelopeSchema, { id: randomBytes(16), type: EnvelopeType.SEALED_SENDER, serverTimestampMs: BigInt(row.receivedAt) });
        this.recovered.set(envelope, row.id);
        const sender = { name: row.sender, deviceId: row.deviceId };
        const awaiting: AwaitingOutcome = { envelope, kind: 'awaiting-key', sender, groupId: row.groupId, ciphertext: row.ciphertext ?? new Uint8Array(0) };
        result.push(await this.decryptKept(tx, envelope, sender, awaiting.ciphertext, row.groupId, awaiting));
      }
    }
    const changesGroups = result.some((o) => o.kind === 'content' && o.content.body.case === 'groupUpdate');
    const held = changesGroups
      ? this.ctx.vault.read((db) => groups.heldBack(db, { decrypted: true })).map((row) => ({ pendingId: row.id, sender: { name: row.sender, deviceId: row.deviceId }, groupId: row.groupId, content: row.content ?? new Uint8Array(0), receivedAt: row.receivedAt }))
      : [];
    return { outcomes: result, held };
  }

  private async decryptKept(tx: ProtocolTransaction, envelope: Envelope, sender: DeviceAddress, ciphertext: Uint8Array, groupId: Uint8Array | null, awaiting: AwaitingOutcome): Promise<AnyOutcome> {
    try {
      const content = decodeContent(await decryptGroupMessage(tx, sender, ciphertext));
      if (!content) return { envelope, kind: 'undecryptable', sender, placeholder: true };
      return { envelope, kind: 'content', sender, content, identityChange: null, groupId };
    } catch (error) {
      if (isProtocolError(error, 'storage')) throw error;
      // Still no key for this distribution (the sender rotated since): keep waiting.
      if (isProtocolError(error, 'no-sender-key')) return awaiting;
      return { envelope, kind: 'undecryptable', sender, placeholder: true };
    }
  }

  /**
   * Starts the store of a batch: its outcomes, then kept contents (after the
   * batch's updates, which may make them placeable). `finish` drops the kept
   * rows that were placed.
   */
  beginStore(_tx: SqlWriter, outcomes: readonly AnyOutcome[], held: readonly HeldGroupContent[], now: number): { items: AnyOutcome[]; finish(tx: SqlWriter): void } {
    const items: AnyOutcome[] = [...outcomes];
    for (const row of held) {
      const content = decodeContent(row.content);
      const envelope = create(EnvelopeSchema, { id: randomBytes(16), type: EnvelopeType.SEALED_SENDER, serverTimestampMs: BigInt(row.receivedAt || now) });
      this.recovered.set(envelope, row.pendingId);
      items.push(content ? ({ envelope, kind: 'content', sender: row.sender, content, identityChange: null, groupId: row.groupId }) : { envelope, kind: 'drop' });
    }
    const kept = new Set<number>();
    this.keptThisBatch = kept;
    return {
      items,
      finish: (tx) => {
        const done = items.flatMap((o) => {
          const id = this.recovered.get(o.envelope);
          return id !== undefined && !kept.has(id) ? [id] : [];
        });
        groups.release(tx, done);
        this.keptThisBatch = new Set();
      },
    };
  }

  private keptThisBatch = new Set<number>();

  /** A group message still without its sender key: kept (once). */
  holdAwaiting(tx: SqlWriter, outcome: AwaitingOutcome, now: number): void {
    const pendingId = this.recovered.get(outcome.envelope);
    if (pendingId !== undefined) {
      this.keptThisBatch.add(pendingId);
      return;
    }
    groups.holdBack(tx, { sender: outcome.sender.name, deviceId: outcome.sender.deviceId, groupId: outcome.groupId, ciphertext: outcome.ciphertext, content: null, receivedAt: Number(outcome.envelope.serverTimestampMs) || now });
  }

  /**
   * Places a content that concerns a group: applies updates, routes group
   * messages to the group's conversation. 'done' = nothing more to do;
   * null = not a group content (the caller puts it in the direct conversation).
   */
  place(tx: SqlWriter, outcome: ContentOutcome, now: number, effects: GroupEffects): { conversationId: string } | 'done' | null {
    const from = outcome.sender.name;
    const body = outcome.content.body;
    if (body.case === 'groupUpdate') {
      const applied = applyGroupUpdate(tx, from, this.ctx.self.name, body.value, now);
      if (applied) {
        effects.conversations.add(applied.conversationId);
        effects.updatedUids.push(applied.noticeUid);
      }
      return 'done';
    }
    if (body.case === 'senderKeyDistribution') return 'done';
    const named = namedGroup(outcome.content);
    const groupId = outcome.groupId ?? named?.id ?? null;
    if (!groupId) return null;
    const route = routeGroupContent(tx, from, groupId, named?.revision ?? null);
    if (route === 'drop') return 'done';
    if (route === 'hold') {
      const pendingId = this.recovered.get(outcome.envelope);
      if (pendingId !== undefined) this.keptThisBatch.add(pendingId);
      else groups.holdBack(tx, { sender: from, deviceId: outcome.sender.deviceId, groupId, ciphertext: null, content: toBinary(ContentSchema, outcome.content), receivedAt: Number(outcome.envelope.serverTimestampMs) || now });
      return 'done';
    }
    return route;
  }

  receipts(tx: SqlWriter, from: string, uids: readonly string[], status: 'delivered' | 'read', effects: GroupEffects): string[] {
    const changed = applyGroupReceipts(tx, from, uids, status);
    for (const uid of changed) {
      const conversationId = tx.get('SELECT conversation_id FROM messages WHERE uid = ?', [uid])?.conversation_id;
      if (typeof conversationId === 'string') effects.conversations.add(conversationId);
    }
    return changed;
  }

  targetConversation(tx: SqlWriter, targetUid: string, from: string): string | null {
    return targetGroupConversation(tx, targetUid, from);
  }
}
