import { replenishPreKeys, rotatePrekeys, PREKEY_ROTATION_INTERVAL_MS, type OneTimePreKeyCounts, type PreKeyUpload, type ProtocolStore, type ProtocolTransaction } from '../protocol';
import { applyProtocolWrites } from '../protocol/vault-storage';
import type { RelayConnection } from '../transport';
import { messaging, type Vault } from '../vault';
import { readAccountState, writeAccountState } from './account-settings';
import { publicKyberPreKey, publicSignedPreKey, toUploadRequest } from './prekey-upload';

/** How often to check whether the signed and last-resort prekeys are due for rotation. */
const ROTATION_CHECK_MS = 60 * 60 * 1000;

/**
 * Keeps this device's prekeys on the relay: publishes the signed and
 * last-resort keys if they have not reached it yet, replenishes one-time keys
 * when the relay says they run low, and rotates the signed and last-resort
 * keys every two days (the protocol layer keeps the newest five).
 *
 * New keys are committed to the vault BEFORE they are uploaded: a crash in
 * between leaves unpublished keys we hold (harmless), never published keys we
 * lack. One job at a time, so two "prekeys low" pushes make one batch.
 */
export class PrekeyMaintenance {
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly vault: Vault,
    private readonly protocol: ProtocolStore,
    private readonly connection: RelayConnection,
    private readonly now: () => number = Date.now,
  ) {}

  /** After each authentication: publish what is missing, top up, rotate if due. */
  onOnline(counts: OneTimePreKeyCounts): Promise<void> {
    this.startTimer();
    return this.enqueue(async () => {
      if (!this.vault.read((db) => readAccountState(db)).keysPublished) await this.publishCurrentKeys();
      await this.replenish(counts);
      await this.rotateIfDue();
    });
  }

  /** The relay's own threshold decides: when it says low, a batch of each kind goes up whatever our water mark. */
  onPrekeysLow(): Promise<void> {
    return this.enqueue(() => this.replenish({ preKeys: 0, kyberPreKeys: 0 }));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for the jobs queued so far. */
  idle(): Promise<void> {
    return this.chain;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.enqueue(() => this.rotateIfDue()), ROTATION_CHECK_MS);
    this.timer.unref?.();
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    // A failed job (offline, relay refused) is retried at the next connection or push.
    this.chain = this.chain.then(job).catch(() => undefined);
    return this.chain;
  }

  private async commit<T>(work: (tx: ProtocolTransaction) => Promise<T>): Promise<T> {
    return this.protocol.transact(work, async (writes) => {
      if (writes.length === 0) return;
      const at = this.now();
      await this.vault.write((tx) => applyProtocolWrites(tx, writes, at));
    });
  }

  private async upload(upload: Pick<PreKeyUpload, 'preKeys' | 'kyberPreKeys' | 'signedPreKey' | 'lastResortKyberPreKey'>): Promise<void> {
    await this.connection.request('uploadPrekeys', toUploadRequest(upload));
  }

  private async replenish(counts: OneTimePreKeyCounts): Promise<void> {
    const upload = await this.commit((tx) => replenishPreKeys(tx, counts));
    if (upload) await this.upload(upload);
  }

  private async rotateIfDue(): Promise<void> {
    const state = this.vault.read((db) => readAccountState(db));
    if (!state.rotateNow && this.now() - state.rotatedAt < PREKEY_ROTATION_INTERVAL_MS) return;
    const { upload } = await this.commit((tx) => rotatePrekeys(tx, { force: state.rotateNow === true }));
    const rotatedAt = this.now();
    await this.vault.write((tx) => {
      const current = readAccountState(tx);
      writeAccountState(tx, { ...current, rotatedAt, rotateNow: false, keysPublished: upload === null && current.keysPublished });
    });
    if (upload) {
      await this.upload(upload);
      await this.markPublished();
    }
  }

  /** The newest signed and last-resort keys we hold, sent again (their first upload did not make it). */
  private async publishCurrentKeys(): Promise<void> {
    const { signed, lastResort } = this.vault.read((db) => ({ signed: messaging.newestSignedPreKey(db), lastResort: messaging.newestLastResortKyberPreKey(db) }));
    if (!signed || !lastResort) return;
    await this.upload({ preKeys: [], kyberPreKeys: [], signedPreKey: publicSignedPreKey(signed.record), lastResortKyberPreKey: publicKyberPreKey(lastResort.record) });
    await this.markPublished();
  }

  private async markPublished(): Promise<void> {
    await this.vault.write((tx) => writeAccountState(tx, { ...readAccountState(tx), keysPublished: true }));
  }
}
