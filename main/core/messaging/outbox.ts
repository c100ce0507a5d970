import { randomBytes } from 'node:crypto';
import { EnvelopeType, ErrorCode, type GetBundlesResponse } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import {
  archiveSession,
  deleteSession,
  hasUsableSession,
  isProtocolError,
  sealGroupContent,
  startSession,
  type DeviceAddress,
  type IdentityChangeNotice,
  type PreKeyBundleInput,
  type ProtocolTransaction,
} from '../protocol';
import { applyProtocolWrites } from '../protocol/vault-storage';
import { RelayError, isRelayError } from '../transport';
import { groups, messaging, outbox, protocol as protocolRows } from '../vault';
import type { OutboxEntry } from '../vault/queries/outbox';
import type { MessagingContext, OutboxKind } from './context';
import { GroupSendPreparer, prepareGroupFanOut } from './group-send';
import { announceIdentityChange, recordIdentityNotice } from './identity-notices';
import { encryptEnvelope } from './sealed-sender';
import { messageView } from './views';

/** Envelopes per send request; the relay's default batch limit is 256. */
const SEND_BATCH = 200;
/** A typing indicator older than this is not worth sending. */
export const TYPING_TTL_MS = 10_000;
/** Parked entries (failed, or held for an identity review) wait here until retried or released. */
export const PARKED = Number.MAX_SAFE_INTEGER;
const MAX_BACKOFF_MS = 5 * 60_000;

interface PreparedDelivery {
  readonly outboxId: number;
  readonly deviceId: number;
  readonly submissionId: Uint8Array;
  readonly envelopeType: number;
  readonly ciphertext: Uint8Array;
}

/** Sending is held for this contact until the user reviews their new identity. */
class HeldError extends Error {}

/**
 * The send pipeline (docs/messaging.md, "Send"). Entries arrive in the vault's
 * outbox in the same durable commit as the message they carry. Here each is
 * encrypted once per recipient device, and the ciphertext is committed with a
 * fresh submission id together with the session state that produced it; only
 * then does it go to the relay. A retry (after a lost ack, a reconnect, a
 * crash) resends those same bytes under the same submission id, and the relay
 * drops the repeat: one user action reaches each device once.
 */
export class Outbox {
  private running: Promise<void> | null = null;
  private again = false;
  private everything = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly ctx: MessagingContext) {}

  /** Work through what is due now (or, after a reconnect, everything not parked). */
  kick(options: { everything?: boolean } = {}): void {
    if (this.stopped) return;
    if (options.everything) this.everything = true;
    if (this.running) {
      this.again = true;
      return;
    }
    const everything = this.everything;
    this.everything = false;
    this.running = this.drain(everything)
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no drain is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Entries not parked, i.e. still to be sent. */
  pendingCount(): number {
    return this.ctx.vault.read((db) => Number(db.get('SELECT count(*) AS n FROM outbox WHERE next_attempt_at < ?', [PARKED])?.n ?? 0));
  }

  private async drain(everything: boolean): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let horizon = everything ? PARKED - 1 : this.ctx.now();
    for (let round = 0; round < 1000 && !this.stopped; round += 1) {
      if (!this.ctx.connection.isOnline) return;
      const entries = this.ctx.vault.read((db) => outbox.due(db, horizon, 500));
      if (entries.length === 0) break;
      const progressed = await this.round(entries);
      if (!progressed) break;
      horizon = this.ctx.now();
    }
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const next = this.ctx.vault.locked ? null : this.ctx.vault.read((db) => db.get('SELECT min(next_attempt_at) AS t FROM outbox WHERE next_attempt_at < ?', [PARKED])?.t);
    if (typeof next !== 'number') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(0, Math.min(next - this.ctx.now(), MAX_BACKOFF_MS)));
    this.timer.unref?.();
  }

  /** One pass over a set of due entries. Returns whether anything moved (so another pass is worth it). */
  private async round(entries: readonly OutboxEntry[]): Promise<boolean> {
    const now = this.ctx.now();
    const stale = entries.filter((e) => e.kind === 'typing' && now - e.createdAt > TYPING_TTL_MS);
    if (stale.length > 0) await this.ctx.vault.write((tx) => stale.forEach((e) => outbox.remove(tx, e.id)));
    const live = entries.filter((e) => !stale.includes(e));

    const haveDeliveries = new Set(this.ctx.vault.read((db) => messaging.deliveriesOf(db, live.map((e) => e.id))).map((d) => d.outboxId));
    const byRecipient = new Map<string, OutboxEntry[]>();
    for (const entry of live) {
      if (haveDeliveries.has(entry.id)) continue;
      const list = byRecipient.get(entry.recipient) ?? [];
      list.push(entry);
      byRecipient.set(entry.recipient, list);
    }
    let moved = stale.length > 0;
    const fannedOut = await prepareGroupFanOut(this.ctx, byRecipient);
    for (const [recipient, list] of byRecipient) {
      if (fannedOut.has(recipient)) continue;
      try {
        await this.prepare(recipient, list);
      } catch (error) {
        if (error instanceof HeldError) {
          await this.ctx.vault.write((tx) => list.forEach((e) => outbox.reschedule(tx, e.id, PARKED)));
          moved = true;
          continue;
        }
        if (isRelayError(error, 'disconnected')) return moved;
        await this.retryLater(list, error);
        moved = true;
      }
    }
    return (await this.sendPrepared(live)) || moved;
  }

  /**
   * Encrypts entries for every device of `recipient` and commits the
   * ciphertexts with the session changes. Fetches prekey bundles (starting
   * new sessions) when no usable session exists or a session reset is due.
   */
  private async prepare(recipient: string, entries: readonly OutboxEntry[]): Promise<void> {
    const { protocol, vault } = this.ctx;
    if (vault.read((db) => messaging.getIdentityRow(db, recipient))?.verification === 'unverified') throw new HeldError();
    const reset = entries.some((e) => (e.kind as OutboxKind) === 'session-reset');
    const known = vault.read((db) => protocolRows.sessionDeviceIds(db, recipient));
    let usable: number[] = [];
    if (!reset && known.length > 0) {
      usable = await protocol.transact(async (tx) => {
        const ids: number[] = [];
        for (const deviceId of known) if (await hasUsableSession(tx, { name: recipient, deviceId })) ids.push(deviceId);
        return ids;
      });
    }
    const bundles = reset || usable.length === 0 ? await this.fetchBundles(recipient) : null;
    const seal = await this.ctx.sealedSender.sealFor(recipient);
    const groupSends = vault.read((db) => groups.outboxGroupSends(db, entries.map((e) => e.id)));
    const groupPreparer = new GroupSendPreparer((fn) => vault.read(fn));

    const outcome: { held: IdentityChangeNotice | null } = { held: null };
    const notices: IdentityChangeNotice[] = [];
    const prepared = await protocol.transact(
      async (tx) => {
        let devices = usable;
        if (bundles) {
          if (reset) for (const deviceId of known) await archiveSession(tx, { name: recipient, deviceId });
          devices = [];
          for (const bundle of bundles) {
            const address = { name: recipient, deviceId: bundle.deviceId };
            try {
              const started = await startSession(tx, address, bundle);
              if (started.identityChange) notices.push(started.identityChange);
              devices.push(bundle.deviceId);
            } catch (error) {
              if (isProtocolError(error, 'untrusted-identity') && error.identityChange) {
                outcome.held = error.identityChange;
                await keepHeldIdentity(tx, error.identityChange);
                return [];
              }
              throw error;
            }
          }
        }
        const out: PreparedDelivery[] = [];
        for (const entry of entries) {
          const sendId = groupSends.get(entry.id);
          const group = sendId === undefined ? null : await groupPreparer.prepare(tx, entry, sendId, seal);
          for (const deviceId of devices) {
            const to = { name: recipient, deviceId };
            const sealedGroup = group?.sealedContent;
            const envelope = sealedGroup
              ? { envelopeType: EnvelopeType.SEALED_SENDER, ciphertext: await sealGroupContent(tx, to, sealedGroup) }
              : await encryptEnvelope(tx, to, group?.payload ?? entry.payload, seal);
            out.push({ outboxId: entry.id, deviceId, submissionId: randomBytes(16), ...envelope });
          }
        }
        return out;
      },
      async (writes, out) => {
        const now = this.ctx.now();
        const heldNotice = outcome.held;
        await vault.write((tx) => {
          applyProtocolWrites(tx, writes, now);
          groupPreparer.apply(tx);
          for (const d of out) messaging.putDelivery(tx, { ...d, sent: false });
          for (const notice of notices) recordIdentityNotice(tx, notice, now);
          if (heldNotice) {
            recordIdentityNotice(tx, heldNotice, now);
            for (const e of entries) outbox.reschedule(tx, e.id, PARKED);
          }
        });
      },
    );
    for (const notice of notices) announceIdentityChange(this.ctx, notice);
    if (outcome.held) {
      announceIdentityChange(this.ctx, outcome.held);
      throw new HeldError();
    }
    if (prepared.length === 0 && entries.length > 0) throw new RelayError('not-found', 'The recipient has no devices to send to.');
  }

  private async fetchBundles(recipient: string): Promise<PreKeyBundleInput[]> {
    const response: GetBundlesResponse = await this.ctx.connection.request('getBundles', { target: { case: 'username', value: recipient }, deviceId: 0 });
    const bundles: PreKeyBundleInput[] = [];
    for (const b of response.bundles) {
      if (!b.signedPrekey || !b.kyberPrekey) continue;
      bundles.push({
        registrationId: b.registrationId,
        deviceId: b.deviceId,
        identityKey: response.identityKey,
        signedPreKey: { id: b.signedPrekey.keyId, publicKey: b.signedPrekey.publicKey, signature: b.signedPrekey.signature },
        kyberPreKey: { id: b.kyberPrekey.keyId, publicKey: b.kyberPrekey.publicKey, signature: b.kyberPrekey.signature },
        preKey: b.ecPrekey ? { id: b.ecPrekey.keyId, publicKey: b.ecPrekey.publicKey } : null,
      });
    }
    if (bundles.length === 0) throw new RelayError('not-found', 'The recipient has no devices to send to.');
    if (response.accountId) {
      const accountId = response.accountId;
      await this.ctx.vault.write((tx) => {
        if (messaging.contactAccountId(tx, recipient) !== accountId && tx.get('SELECT 1 AS x FROM contacts WHERE id = ?', [recipient])) {
          messaging.setContactAccountId(tx, recipient, accountId, this.ctx.now());
        }
      });
    }
    return bundles;
  }

  /** Sends every unsent delivery of these entries; completes the entries whose deliveries all arrived. */
  private async sendPrepared(entries: readonly OutboxEntry[]): Promise<boolean> {
    const parkedIds = new Set(
      this.ctx.vault.read((db) => db.all('SELECT id FROM outbox WHERE next_attempt_at = ?', [PARKED]).map((r) => r.id as number)),
    );
    const active = entries.filter((e) => !parkedIds.has(e.id));
    const byId = new Map(active.map((e) => [e.id, e]));
    const deliveries = this.ctx.vault.read((db) => messaging.deliveriesOf(db, active.map((e) => e.id)));
    const unsent = deliveries.filter((d) => !d.sent);
    const sent = new Set(deliveries.filter((d) => d.sent).map((d) => `${d.outboxId}:${d.deviceId}`));
    const gone: Array<{ outboxId: number; deviceId: number }> = [];
    const failed = new Set<number>();
    const retry = new Map<number, number>();
    let moved = false;

    // Sealed envelopes go on the anonymous connection, so it never says who sent them; the rest authenticated.
    const refused: Array<{ outboxId: number; deviceId: number; recipient: string }> = [];
    for (const sealed of [true, false]) {
      const group = unsent.filter((d) => (d.envelopeType === EnvelopeType.SEALED_SENDER) === sealed);
      for (let start = 0; start < group.length; start += SEND_BATCH) {
        const chunk = group.slice(start, start + SEND_BATCH);
        const request = {
          envelopes: chunk.map((d) => ({
            username: byId.get(d.outboxId)?.recipient ?? '',
            deviceId: d.deviceId,
            type: d.envelopeType,
            content: d.ciphertext,
            submissionId: d.submissionId,
          })),
        };
        let results;
        try {
          const response = sealed ? await this.ctx.sealedSender.anonymous.send(request) : await this.ctx.connection.request('send', request);
          results = response.results;
        } catch (error) {
          if (sealed && isRelayError(error, 'unauthenticated')) {
            // This relay takes no sealed envelopes at all: send these authenticated.
            for (const d of chunk) refused.push({ ...d, recipient: byId.get(d.outboxId)?.recipient ?? '' });
            moved = true;
            continue;
          }
          if (!sealed && isRelayError(error, 'disconnected')) break;
          const delay = isRelayError(error) ? error.retryAfterMs : 0;
          for (const d of chunk) retry.set(d.outboxId, Math.max(retry.get(d.outboxId) ?? 0, delay));
          continue;
        }
        chunk.forEach((d, i) => {
          const code = results[i]?.error ?? ErrorCode.INTERNAL;
          if (code === ErrorCode.NONE) sent.add(`${d.outboxId}:${d.deviceId}`);
          else if (code === ErrorCode.NOT_FOUND) gone.push(d);
          else if (sealed && (code === ErrorCode.UNAUTHENTICATED || code === ErrorCode.INVALID_ARGUMENT)) {
            // The recipient cannot take sealed sender: remember it, and re-encrypt for the authenticated path.
            refused.push({ ...d, recipient: byId.get(d.outboxId)?.recipient ?? '' });
          } else if (code === ErrorCode.TOO_LARGE || code === ErrorCode.INVALID_ARGUMENT) failed.add(d.outboxId);
          else retry.set(d.outboxId, retry.get(d.outboxId) ?? 0);
        });
        moved = true;
      }
    }
    if (refused.length > 0) {
      const now = this.ctx.now();
      await this.ctx.vault.write((tx) => {
        for (const d of refused) {
          messaging.setContactSealedSender(tx, d.recipient, false, now);
          messaging.removeDelivery(tx, d.outboxId, d.deviceId);
        }
      });
    }

    if (gone.length > 0) {
      // The device left the account: forget its session; the entry is sent to the devices that remain.
      await this.ctx.protocol.transact(
        async (tx: ProtocolTransaction) => {
          for (const d of gone) deleteSession(tx, { name: byId.get(d.outboxId)?.recipient ?? '', deviceId: d.deviceId } satisfies DeviceAddress);
        },
        async (writes) => {
          const now = this.ctx.now();
          await this.ctx.vault.write((tx) => {
            applyProtocolWrites(tx, writes, now);
            for (const d of gone) messaging.removeDelivery(tx, d.outboxId, d.deviceId);
          });
        },
      );
    }

    const now = this.ctx.now();
    const completed: OutboxEntry[] = [];
    const changedMessages: number[] = [];
    await this.ctx.vault.write((tx) => {
      for (const d of unsent) if (sent.has(`${d.outboxId}:${d.deviceId}`)) messaging.markDeliverySent(tx, d.outboxId, d.deviceId);
      const remaining = messaging.deliveriesOf(tx, active.map((e) => e.id));
      for (const entry of active) {
        const mine = remaining.filter((d) => d.outboxId === entry.id);
        if (failed.has(entry.id)) {
          outbox.reschedule(tx, entry.id, PARKED);
          if (entry.messageId !== null) {
            tx.run(`UPDATE messages SET status = 'failed' WHERE id = ? AND status = 'pending'`, [entry.messageId]);
            changedMessages.push(entry.messageId);
          }
        } else if (mine.length > 0 && mine.every((d) => d.sent)) {
          outbox.remove(tx, entry.id);
          completed.push(entry);
          if (entry.kind === 'message' && entry.conversationId !== null) {
            messaging.setConversationSealedSender(tx, entry.conversationId, mine.every((d) => d.envelopeType === EnvelopeType.SEALED_SENDER));
          }
          // A group message is 'sent' once no member's entry is still on its way (parked ones do not hold it back).
          if (entry.messageId !== null && tx.run(`UPDATE messages SET status = 'sent' WHERE id = ? AND status IN ('pending', 'failed') AND NOT EXISTS (SELECT 1 FROM outbox WHERE message_id = ? AND next_attempt_at < ?)`, [entry.messageId, entry.messageId, PARKED]) > 0) {
            changedMessages.push(entry.messageId);
          }
        } else if (refused.some((d) => d.outboxId === entry.id) && !mine.some((d) => !d.sent)) {
          outbox.reschedule(tx, entry.id, now); // due at once, to be encrypted for the authenticated path
        } else if (retry.has(entry.id) || mine.length === 0) {
          outbox.reschedule(tx, entry.id, now + backoff(entry.attempts, retry.get(entry.id) ?? 0));
        }
      }
      if (completed.length > 0) groups.pruneSends(tx);
    });
    this.announce(changedMessages);
    return moved || completed.length > 0;
  }

  private async retryLater(entries: readonly OutboxEntry[], error: unknown): Promise<void> {
    const permanent = isRelayError(error, 'not-found') || (isProtocolError(error) && error.kind === 'invalid-bundle');
    const now = this.ctx.now();
    const changed: number[] = [];
    await this.ctx.vault.write((tx) => {
      for (const entry of entries) {
        if (permanent && entry.attempts >= 2) {
          outbox.reschedule(tx, entry.id, PARKED);
          if (entry.messageId !== null) {
            tx.run(`UPDATE messages SET status = 'failed' WHERE id = ? AND status = 'pending'`, [entry.messageId]);
            changed.push(entry.messageId);
          }
        } else {
          outbox.reschedule(tx, entry.id, now + backoff(entry.attempts, isRelayError(error) ? error.retryAfterMs : 0));
        }
      }
    });
    this.announce(changed);
  }

  private announce(messageIds: readonly number[]): void {
    if (messageIds.length === 0 || !this.ctx.events.wanted) return;
    for (const id of messageIds) {
      const view = this.ctx.vault.read((db) => {
        const uid = db.get('SELECT uid FROM messages WHERE id = ?', [id])?.uid;
        return typeof uid === 'string' ? messageView(db, uid) : null;
      });
      if (view) this.ctx.events.emit('messages.onDidUpdate', { message: view });
    }
  }
}

/** Exponential backoff with jitter, at least what the relay asked for. */
function backoff(attempts: number, retryAfterMs: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 12));
  return Math.max(retryAfterMs, Math.round(ceiling / 2 + Math.random() * (ceiling / 2)));
}

/**
 * libsignal refused a verified contact's new key for sending. Keep the new key
 * anyway (the issue: "keep the new key") as 'unverified', which holds sending
 * until the user accepts it.
 */
async function keepHeldIdentity(tx: ProtocolTransaction, change: IdentityChangeNotice): Promise<void> {
  const existing = await tx.getIdentity(change.name);
  if (!existing) return;
  tx.putIdentity({ ...existing, publicKey: change.newKey, verification: 'unverified', changedAt: change.at });
}
