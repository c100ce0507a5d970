import { readAccountState } from '../account/account-settings';
import { readTrustRoot, writeTrustRoot } from '../account/trust-root';
import { EnvelopeType } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { encryptMessage, sealedSenderEncrypt, type DeviceAddress, type ProtocolTransaction } from '../protocol';
import type { AnonymousSender, RelayConnection } from '../transport';
import { messaging, type Vault } from '../vault';

/**
 * Sealed sender (docs/messaging.md, "Sealed sender"): what a profile needs to
 * send and receive envelopes that do not tell the relay who sent them — the
 * relay's trust root (pinned on first contact, kept in the vault), our sender
 * certificate (fetched on the authenticated connection, cached in memory and
 * renewed before it expires), the anonymous connection, and the mapping from
 * the account id a certificate names to the username sessions are kept under.
 */

/** A certificate this close to expiry is renewed before use, so recipients never see an expired one. */
const RENEW_BEFORE_MS = 60 * 60_000;

export class SealedSender {
  private certificate: { bytes: Uint8Array; expiresAt: number } | null = null;
  private fetching: Promise<Uint8Array | null> | null = null;
  /** Account id → username, for senders who are not contacts yet. */
  private readonly senders = new Map<string, string>();

  private readonly ctx: { readonly vault: Vault; readonly connection: RelayConnection; readonly now: () => number };

  constructor(
    vault: Vault,
    connection: RelayConnection,
    readonly anonymous: AnonymousSender,
    now: () => number,
  ) {
    this.ctx = { vault, connection, now };
  }

  /** Pins the relay's trust root if this profile has none yet (profiles made before sealed sender). */
  async pinTrustRoot(): Promise<void> {
    if (this.ctx.vault.read((db) => readTrustRoot(db)) !== null) return;
    const info = await this.ctx.connection.request('serverInfo', {});
    if (info.trustRootPublicKey.length === 0) return;
    await this.ctx.vault.write((tx) => {
      if (readTrustRoot(tx) === null) writeTrustRoot(tx, info.trustRootPublicKey);
    });
  }

  trustRoot(): Uint8Array | null {
    return this.ctx.vault.read((db) => readTrustRoot(db));
  }

  /** Our relay account id, which certificates name us by. */
  accountId(): string | null {
    return this.ctx.vault.read((db) => readAccountState(db).accountId);
  }

  /** The cached certificate if it is good for a while yet; never waits on the network. */
  cachedCertificate(): Uint8Array | null {
    const held = this.certificate;
    return held && held.expiresAt - RENEW_BEFORE_MS > this.ctx.now() ? held.bytes : null;
  }

  /** A usable certificate, fetched when the cached one is missing or about to expire; null if the relay gives none. */
  async currentCertificate(): Promise<Uint8Array | null> {
    const cached = this.cachedCertificate();
    if (cached) return cached;
    this.fetching ??= this.fetch().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetch(): Promise<Uint8Array | null> {
    try {
      const response = await this.ctx.connection.request('senderCertificate', {});
      const expiresAt = Number(response.expiresAtMs);
      if (response.certificate.length === 0 || expiresAt <= this.ctx.now()) return null;
      this.certificate = { bytes: response.certificate, expiresAt };
      return response.certificate;
    } catch {
      // Offline or refused: this round goes out authenticated; the next one asks again.
      return null;
    }
  }

  /**
   * How to send to `recipient`: sealed when we hold a usable certificate and
   * the contact is not known to refuse sealed envelopes; null = authenticated.
   * `fetch` false never waits on the network (the send fast path).
   */
  async sealFor(recipient: string, fetch = true): Promise<SealWith | null> {
    if (!this.ctx.vault.read((db) => messaging.contactAcceptsSealedSender(db, recipient))) return null;
    const accountId = this.accountId();
    const certificate = fetch ? await this.currentCertificate() : this.cachedCertificate();
    return accountId && certificate ? { certificate, accountId } : null;
  }

  /** The username for the account a certificate names: a contact, else the relay's lookup (cached). */
  async resolve(certified: DeviceAddress): Promise<DeviceAddress> {
    const accountId = certified.name;
    const known = this.ctx.vault.read((db) => messaging.contactByAccountId(db, accountId)) ?? this.senders.get(accountId);
    if (known) return { name: known, deviceId: certified.deviceId };
    const found = await this.ctx.connection.request('lookup', { target: { case: 'accountId', value: accountId } });
    this.senders.set(accountId, found.username);
    return { name: found.username, deviceId: certified.deviceId };
  }
}

/** How a sender seals: our certificate and the account id it names us by; null = send authenticated. */
export interface SealWith {
  readonly certificate: Uint8Array;
  readonly accountId: string;
}

/**
 * Encrypts one payload for one device: sealed when `seal` is given (the
 * session ciphertext inside a sealed-sender envelope), else a plain
 * SignalMessage/PreKeySignalMessage for the authenticated path.
 */
export async function encryptEnvelope(
  tx: ProtocolTransaction,
  to: DeviceAddress,
  payload: Uint8Array,
  seal: SealWith | null,
): Promise<{ envelopeType: EnvelopeType; ciphertext: Uint8Array }> {
  if (seal) {
    return { envelopeType: EnvelopeType.SEALED_SENDER, ciphertext: await sealedSenderEncrypt(tx, to, payload, seal.certificate, { senderUuid: seal.accountId }) };
  }
  const ciphertext = await encryptMessage(tx, to, payload);
  return { envelopeType: ciphertext.type === 'prekey' ? EnvelopeType.PREKEY_MESSAGE : EnvelopeType.CIPHERTEXT, ciphertext: ciphertext.body };
}
