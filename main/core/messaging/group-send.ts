import { createSenderKeyDistribution, encryptGroupContent, groupContentCertificate, type ProtocolTransaction } from '../protocol';
import { groups, type SqlReader, type SqlWriter } from '../vault';
import type { OutboxEntry } from '../vault/queries/outbox';
import { encodeSenderKeyDistribution } from './group-content';
import type { SealWith } from './sealed-sender';

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
