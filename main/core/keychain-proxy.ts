import type { MessagePort } from 'node:worker_threads';
import { VaultError, type KeyProtector } from './vault';
import { KeychainReply, type KeychainRequest } from './worker-protocol';

type Port = Pick<MessagePort, 'postMessage'>;

/**
 * The vault's KeyProtector inside the worker: each wrap/unwrap is a request to
 * the shell, which holds the OS keychain. The key bytes cross the thread
 * boundary by structured clone and never leave the process.
 */
export class KeychainProxy implements KeyProtector {
  readonly kind = 'keychain' as const;
  private readonly pending = new Map<number, { resolve: (data: Uint8Array) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(
    private readonly port: Port,
    readonly backend: string,
  ) {}

  wrap(key: Uint8Array): Promise<Uint8Array> {
    return this.request('wrap', key);
  }

  unwrap(blob: Uint8Array): Promise<Uint8Array> {
    return this.request('unwrap', blob);
  }

  /** Feeds a message from the shell; returns whether it was a keychain reply. */
  handleMessage(message: unknown): boolean {
    const reply = KeychainReply.safeParse(message);
    if (!reply.success) return false;
    const entry = this.pending.get(reply.data.id);
    if (!entry) return true;
    this.pending.delete(reply.data.id);
    if (reply.data.ok) entry.resolve(reply.data.data);
    else entry.reject(new VaultError('keychain-changed', reply.data.message));
    return true;
  }

  private request(op: KeychainRequest['op'], data: Uint8Array): Promise<Uint8Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: KeychainRequest = { type: 'keychain', id, op, data };
      this.port.postMessage(request);
    });
  }
}
