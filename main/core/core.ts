import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import { HearthError, methodNames, type EventName, type EventPayload, type Handlers, type MethodName } from '../../shared/api';
import { CORE_VERSION } from './version';

/** What the shell tells the core about where it runs. */
export interface CoreOptions {
  profileDir: string;
  host: 'electron' | 'browser';
  /** Whether the shell can offer an OS-keychain key protector (only Electron can). */
  keychainAvailable: boolean;
  keychainUnavailableReason?: string;
  defaultRelayUrl: string;
}

export interface Core {
  readonly handlers: Handlers;
  onEvent<E extends EventName>(listener: (event: E, payload: EventPayload<E>) => void): () => void;
  close(): Promise<void>;
}

const requireFromCore = createRequire(import.meta.url);

function libsignalVersion(): string {
  const pkg: unknown = requireFromCore('@signalapp/libsignal-client/package.json');
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/**
 * The composition root of the client engine: it builds each part and hands
 * it its dependencies. Later parts (vault, protocol, transport, messaging)
 * are wired in here and nowhere else.
 */
export function createCore(options: CoreOptions): Core {
  const emitter = new EventEmitter();

  // Messaging methods are being wired in (issue 5); until then they answer 'unavailable'.
  const notYet = Object.fromEntries(
    methodNames.map((method: MethodName) => [method, () => Promise.reject(new HearthError('unavailable', `${method} is not available yet.`))]),
  ) as unknown as Handlers;

  const handlers: Handlers = {
    ...notYet,
    'app.getInfo': () => ({
      name: 'Hearth',
      version: CORE_VERSION,
      host: options.host,
      platform: process.platform,
      profileDir: options.profileDir,
      vaultState: 'uninitialized',
    }),
    'app.getFirstRun': () => ({
      profileDir: options.profileDir,
      defaultRelayUrl: options.defaultRelayUrl,
      protections: [
        options.keychainAvailable
          ? { kind: 'keychain', available: true }
          : { kind: 'keychain', available: false, reason: options.keychainUnavailableReason ?? 'No OS keychain is reachable from this host.' },
        { kind: 'passphrase', available: true },
      ],
      versions: { core: CORE_VERSION, libsignal: libsignalVersion(), node: process.versions.node },
    }),
    'app.getUnreadCount': () => ({ total: 0 }),
  };

  return {
    handlers,
    onEvent(listener) {
      const wrapped = (event: EventName, payload: unknown) => listener(event as never, payload as never);
      emitter.on('event', wrapped);
      return () => emitter.off('event', wrapped);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
