import { randomBytes } from 'node:crypto';
import { EnvelopeType } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { createSenderKeyDistribution, encryptGroupContent, groupContentCertificate, hasUsableSession, sealGroupContent, type ProtocolTransaction } from '../protocol';
import { applyProtocolWrites } from '../protocol/vault-storage';
import { groups, messaging, protocol as protocolRows, type SqlReader, type SqlWriter } from '../vault';
import type { OutboxEntry } from '../vault/queries/outbox';
import type { MessagingContext } from './context';
import { encodeSenderKeyDistribution } from './group-content';
import { encryptEnvelope, type SealWith } from './sealed-sender';

/** How the outbox sends one entry of a group send (see fan-out.ts). */
export interface GroupDelivery {
  /** What to encrypt one-to-one when not sealing a group content (a distribution message, or the fallback path). */
  readonly payload: Uint8Array;
  /** The sender-key ciphertext wrapped for sealing per device; null = encrypt `payload` over the session. */
  readonly sealedContent: Uint8Array | null;
}

/**
 * Prepares group entries inside one outbox protocol transaction: makes our
 * distribution message once per distribution (before anything is encrypted
 * under it, so every member gets the chain's start), and encrypts a group
 * send's payload ONCE, keeping the result for the other members' entries.
 * What it made is written to the vault by `apply`, in the transaction's commit.
 */
export class GroupSendPreparer {
  private readonly distributions = new Map<string, Uint8Array>();
  private readonly contents = new Map<number, Uint8Array>();
  private readonly pending: Array<(tx: SqlWriter) => void> = [];

  constructor(private readonly read: <T>(fn: (db: SqlReader) => T) => T) {}

  async prepare(tx: ProtocolTransaction, entry: OutboxEntry, sendId: number, seal: SealWith | null): Promise<GroupDelivery> {
    const send = this.read((db) => groups.getSend(db, sendId));
    const group = send && this.read((db) => groups.byConversation(db, send.conversationId));
    if (!send || !group) return { payload: entry.payload, sealedContent: null };
    const distribution = await this.distribution(tx, send.distributionId);
    if (entry.kind === 'sender-key') return { payload: encodeSenderKeyDistribution(group.groupId, distribution), sealedContent: null };
    // Without sealed sender there is no envelope for a sender-key message: this member gets it over the session.
    if (!seal) return { payload: entry.payload, sealedContent: null };
    let content = this.contents.get(sendId) ?? send.sealedContent;
    if (!content || !Buffer.from(groupContentCertificate(content)).equals(seal.certificate)) {
      content = await encryptGroupContent(tx, send.distributionId, entry.payload, seal.certificate, group.groupId, { senderUuid: seal.accountId });
      const made = content;
      this.pending.push((w) => groups.setSealedContent(w, sendId, made));
    }
    this.contents.set(sendId, content);
    return { payload: entry.payload, sealedContent: content };
  }

  private async distribution(tx: ProtocolTransaction, distributionId: string): Promise<Uint8Array> {
    const known = this.distributions.get(distributionId) ?? this.read((db) => groups.distributionMessage(db, distributionId));
    if (known) return known;
    const made = await createSenderKeyDistribution(tx, distributionId);
    this.distributions.set(distributionId, made);
    this.pending.push((w) => groups.putDistributionMessage(w, distributionId, made));
    return made;
  }

  /** Inside the commit's vault write. */
  apply(tx: SqlWriter): void {
    for (const write of this.pending) write(tx);
  }
}

/**
 * The fast path for a group fan-out: every member whose sessions are in hand
 * (no reset due, sending not held) is prepared in ONE protocol transaction
 * and ONE vault commit, rather than a commit per member. Returns the
 * recipients done; the outbox prepares the rest one by one (fetching bundles,
 * holding, resetting as needed). Any failure leaves them all to that path.
 */
export async function prepareGroupFanOut(ctx: MessagingContext, byRecipient: ReadonlyMap<string, readonly OutboxEntry[]>): Promise<Set<string>> {
  const { vault, protocol } = ctx;
  const sends = vault.read((db) => groups.outboxGroupSends(db, [...byRecipient.values()].flat().map((e) => e.id)));
  const candidates: Array<{ recipient: string; entries: readonly OutboxEntry[]; devices: number[]; seal: SealWith | null }> = [];
  for (const [recipient, entries] of byRecipient) {
    if (!entries.some((e) => sends.has(e.id)) || entries.some((e) => e.kind === 'session-reset')) continue;
    const simple = vault.read((db) => messaging.getIdentityRow(db, recipient)?.verification !== 'unverified' && messaging.outboxEntriesFor(db, recipient, 'session-reset').length === 0);
    const devices = vault.read((db) => protocolRows.sessionDeviceIds(db, recipient));
    if (!simple || devices.length === 0) continue;
    candidates.push({ recipient, entries, devices, seal: await ctx.sealedSender.sealFor(recipient) });
  }
  if (candidates.length < 2) return new Set();
  const preparer = new GroupSendPreparer((fn) => vault.read(fn));
  try {
    const prepared = await protocol.transact(
      async (tx) => {
        const out: Array<{ recipient: string; outboxId: number; deviceId: number; envelopeType: number; ciphertext: Uint8Array }> = [];
        for (const c of candidates) {
          let usable = true;
          for (const deviceId of c.devices) if (!(await hasUsableSession(tx, { name: c.recipient, deviceId }))) usable = false;
          if (!usable) continue;
          for (const entry of c.entries) {
            const sendId = sends.get(entry.id);
            const group = sendId === undefined ? null : await preparer.prepare(tx, entry, sendId, c.seal);
            for (const deviceId of c.devices) {
              const to = { name: c.recipient, deviceId };
              const envelope = group?.sealedContent
                ? { envelopeType: EnvelopeType.SEALED_SENDER, ciphertext: await sealGroupContent(tx, to, group.sealedContent) }
                : await encryptEnvelope(tx, to, group?.payload ?? entry.payload, c.seal);
              out.push({ recipient: c.recipient, outboxId: entry.id, deviceId, ...envelope });
            }
          }
        }
        return out;
      },
      async (writes, out) => {
        const now = ctx.now();
        await vault.write((tx) => {
          applyProtocolWrites(tx, writes, now);
          preparer.apply(tx);
          for (const d of out) messaging.putDelivery(tx, { outboxId: d.outboxId, deviceId: d.deviceId, submissionId: randomBytes(16), envelopeType: d.envelopeType, ciphertext: d.ciphertext, sent: false });
        });
      },
    );
    return new Set(prepared.map((d) => d.recipient));
  } catch {
    return new Set();
  }
}
