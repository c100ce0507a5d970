import { HearthError, type AppInfo, type FirstRunInfo, type HearthClient, type SerializedError } from '../../../shared/api';
import type { BridgeStateSource, BridgeState } from '../bridge/bridge-state';

export interface AppState {
  /** The page's link to the core (not the core's link to the relay). */
  readonly bridge: BridgeState;
  readonly info: AppInfo | null;
  readonly firstRun: FirstRunInfo | null;
  readonly unreadTotal: number;
  readonly loadError: SerializedError | null;
  /** The user has read the first-run screen in this window. */
  readonly firstRunSeen: boolean;
}

/**
 * The app-wide state, fed one way: the core's answers and events come in
 * here, React reads snapshots (useSyncExternalStore). Components never call
 * the core for app-wide data themselves.
 */
export class AppStore {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly client: HearthClient,
    private readonly bridgeState: BridgeStateSource,
  ) {
    this.state = { bridge: bridgeState.getState(), info: null, firstRun: null, unreadTotal: 0, loadError: null, firstRunSeen: false };
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
        if (this.state.info) this.update({ info: { ...this.state.info, vaultState: state } });
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
      const [info, firstRun, unread] = await Promise.all([this.client.call('app.getInfo', {}), this.client.call('app.getFirstRun', {}), this.client.call('app.getUnreadCount', {})]);
      this.update({ info, firstRun, unreadTotal: unread.total });
    } catch (error) {
      this.update({ loadError: HearthError.from(error).toJSON() });
    }
  }

  markFirstRunSeen(): void {
    this.update({ firstRunSeen: true });
  }

  getSnapshot = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
