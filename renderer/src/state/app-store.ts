import { HearthError, type AppInfo, type CreateProfileArgs, type FirstRunInfo, type HearthClient, type SalvageReport, type SerializedError, type UnlockWith, type VaultProtection, type VaultState } from '../../../shared/api';
import type { z } from 'zod';
import type { BridgeState, BridgeStateSource } from '../bridge/bridge-state';
import { Observable } from './observable';

export interface AppState {
  /** The page's link to the core (not the core's link to the relay). */
  readonly bridge: BridgeState;
  readonly info: AppInfo | null;
  readonly firstRun: FirstRunInfo | null;
  readonly vaultState: VaultState | null;
  readonly protection: VaultProtection['kind'];
  readonly unreadTotal: number;
  readonly loadError: SerializedError | null;
  /**
   * The recovery key of a profile created in this window, until the person
   * confirms they saved it. Held only in memory, and only this long.
   */
  readonly recoveryKey: string | null;
  /** What salvage kept and set aside, until the person has read it. */
  readonly salvageReport: SalvageReport | null;
}

/**
 * The app-wide state, fed one way: the core's answers and events come in
 * here, React reads snapshots. It knows which screen the app is on (first
 * run, locked, unlocked); what happens inside the messenger is MessengerStore's.
 */
export class AppStore extends Observable<AppState> {
  private readonly stops: Array<() => void> = [];

  constructor(
    readonly client: HearthClient,
    private readonly bridgeState: BridgeStateSource,
  ) {
    super({ bridge: bridgeState.getState(), info: null, firstRun: null, vaultState: null, protection: null, unreadTotal: 0, loadError: null, recoveryKey: null, salvageReport: null });
  }

  start(): void {
    this.stops.push(
      this.bridgeState.onDidChangeState((bridge) => {
        const wasOpen = this.state.bridge.status === 'open';
        this.update({ bridge });
        // (Re)load whenever the link comes (back) up: the core may have changed while we were away.
        if (bridge.status === 'open' && !wasOpen) void this.load();
      }),
      this.client.on('app.onDidChangeVaultState', ({ state }) => {
        this.update({ vaultState: state });
        if (state !== 'unlocked') this.update({ unreadTotal: 0, salvageReport: null });
      }),
      this.client.on('app.onDidChangeUnreadCount', ({ total }) => this.update({ unreadTotal: total })),
    );
    if (this.state.bridge.status === 'open') void this.load();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  async load(): Promise<void> {
    this.update({ loadError: null });
    try {
      const [info, firstRun, protection] = await Promise.all([this.client.call('app.getInfo', {}), this.client.call('app.getFirstRun', {}), this.client.call('vault.getProtection', {})]);
      const unread = info.vaultState === 'unlocked' ? (await this.client.call('app.getUnreadCount', {})).total : 0;
      this.update({ info, firstRun, vaultState: info.vaultState, protection: protection.kind, unreadTotal: unread });
    } catch (error) {
      this.update({ loadError: HearthError.from(error).toJSON() });
    }
  }

  /** Creates the profile; the recovery key stays in the state until confirmRecoveryKeySaved(). */
  async createAccount(args: z.input<typeof CreateProfileArgs>): Promise<void> {
    const { recoveryKey } = await this.client.call('account.create', args);
    this.update({ recoveryKey, vaultState: 'unlocked', protection: args.protection.kind });
    void this.refreshUnread();
  }

  confirmRecoveryKeySaved(): void {
    this.update({ recoveryKey: null });
  }

  async unlock(how: UnlockWith): Promise<void> {
    const { state } = await this.client.call('vault.unlock', { with: how });
    this.update({ vaultState: state });
    void this.refreshUnread();
  }

  /** After an unlock failed with kind 'damaged': unlocks with what is intact; the report stays until dismissSalvageReport(). */
  async salvage(how: UnlockWith): Promise<void> {
    const { state, report } = await this.client.call('vault.salvage', { with: how });
    this.update({ vaultState: state, salvageReport: report });
    void this.refreshUnread();
  }

  dismissSalvageReport(): void {
    this.update({ salvageReport: null });
  }

  async lock(): Promise<void> {
    const { state } = await this.client.call('vault.lock', {});
    this.update({ vaultState: state, unreadTotal: 0, salvageReport: null });
  }

  async refreshProtection(): Promise<void> {
    const { kind } = await this.client.call('vault.getProtection', {});
    this.update({ protection: kind });
  }

  private async refreshUnread(): Promise<void> {
    try {
      const { total } = await this.client.call('app.getUnreadCount', {});
      this.update({ unreadTotal: total });
    } catch {
      // The count comes again with the next change.
    }
  }
}
