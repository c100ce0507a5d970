import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import { HearthError, ResultFrame, EventFrame, type HearthBridge } from '../../shared/api';
import { CoreWorkerData, KeychainRequest, ReadyFrame, type KeychainReply, type KeychainService } from './worker-protocol';

/**
 * The shell's handle on the core worker thread: a HearthBridge whose calls go
 * to the worker and whose events come from it. main/app and main/host both
 * use it, so the two hosts cannot drift apart.
 */
export class CoreWorker implements HearthBridge {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly events = new EventEmitter();
  private nextId = 1;
  private exited = false;
  readonly ready: Promise<void>;

  /** `keychain`: the shell's OS keychain (Electron's safeStorage), answered for the worker's vault. */
  constructor(workerPath: string | URL, data: CoreWorkerData, private readonly keychain?: KeychainService) {
    this.worker = new Worker(workerPath, { workerData: CoreWorkerData.parse({ ...data, keychainBackend: keychain?.backend }) });
    this.events.setMaxListeners(0);
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new HearthError('unavailable', `The core stopped during start-up (exit code ${code}).`)));
      this.worker.on('message', (message: unknown) => {
        if (ReadyFrame.safeParse(message).success) resolve();
      });
    });
    this.worker.on('message', (message: unknown) => this.onMessage(message));
    this.worker.on('error', (error) => {
      console.error('[core] worker failed:', error.name);
    });
    this.worker.on('exit', () => {
      this.exited = true;
      for (const { reject } of this.pending.values()) reject(new HearthError('unavailable', 'The core has stopped.'));
      this.pending.clear();
    });
  }

  invoke(method: string, args: unknown): Promise<unknown> {
    if (this.exited) return Promise.reject(new HearthError('unavailable', 'The core has stopped.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'call', id, method, args });
    });
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  /** Every event the core emits, for shells that forward all of them (IPC, WebSocket). */
  subscribeAll(listener: (event: string, payload: unknown) => void): () => void {
    this.events.on('*', listener);
    return () => this.events.off('*', listener);
  }

  private answerKeychain({ id, op, data }: KeychainRequest): KeychainReply {
    if (!this.keychain) return { type: 'keychain-reply', id, ok: false, message: 'No OS keychain is reachable from this host.' };
    try {
      const result = op === 'wrap' ? this.keychain.encrypt(data) : this.keychain.decrypt(data);
      return { type: 'keychain-reply', id, ok: true, data: result };
    } catch {
      // safeStorage's own message can name the keyring; what matters to the user is that it could not unwrap.
      return { type: 'keychain-reply', id, ok: false, message: `The OS keychain could not ${op} the vault key; it may have been reset. Use your recovery key.` };
    }
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private onMessage(message: unknown): void {
    const keychainRequest = KeychainRequest.safeParse(message);
    if (keychainRequest.success) {
      this.worker.postMessage(this.answerKeychain(keychainRequest.data));
      return;
    }
    const result = ResultFrame.safeParse(message);
    if (result.success) {
      const entry = this.pending.get(result.data.id);
      if (!entry) return;
      this.pending.delete(result.data.id);
      if (result.data.ok) entry.resolve(result.data.result);
      else entry.reject(new HearthError(result.data.error.kind, result.data.error.message));
      return;
    }
    const event = EventFrame.safeParse(message);
    if (event.success) {
      this.events.emit(event.data.event, event.data.payload);
      this.events.emit('*', event.data.event, event.data.payload);
    }
  }
}
