import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { MailboxAddress } from '../types';
import { MailboxWriter, type WriteOp, type WriteResult } from './mailbox-writer';
import { packWriteOps } from './write-batch';

/** The mailbox writer as the main thread sees it: every call answered asynchronously. */
export interface WriterPort {
  commit(ops: readonly WriteOp[], now: number): Promise<WriteResult>;
  sweep(now: number): Promise<number>;
  deleteMailbox(address: MailboxAddress): Promise<number>;
  /** Finishes queued work, scrubs the WAL and releases the writer's connection. */
  close(): Promise<void>;
  /** False once the writer can take no more work. */
  readonly alive: boolean;
}

/** How soon after envelopes are deleted their old bytes are scrubbed from the write-ahead log. */
export const SCRUB_DELAY_MS = 1000;

/** Scrubs the WAL a moment after deletions, retrying while a reader is in the way. */
export class Scrubber {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly writer: MailboxWriter) {}

  deleted(count: number): void {
    if (count > 0) this.timer ??= setTimeout(() => this.run(), SCRUB_DELAY_MS);
  }

  run(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.writer.scrub()) this.deleted(1);
  }
}

/** The writer on the main thread, for a database in memory (no fsync to wait for, and no other thread could open it). */
export class InlineWriter implements WriterPort {
  readonly alive = true;
  private readonly writer: MailboxWriter;
  private readonly scrubber: Scrubber;

  constructor(db: Database) {
    this.writer = new MailboxWriter(db);
    this.scrubber = new Scrubber(this.writer);
  }

  async commit(ops: readonly WriteOp[], now: number): Promise<WriteResult> {
    const result = this.writer.commit(ops, now);
    this.scrubber.deleted(result.deleted);
    return result;
  }

  async sweep(now: number): Promise<number> {
    const expired = this.writer.sweep(now);
    this.scrubber.deleted(expired);
    return expired;
  }

  async deleteMailbox(address: MailboxAddress): Promise<number> {
    const deleted = this.writer.deleteMailbox(address);
    this.scrubber.deleted(deleted);
    return deleted;
  }

  async close(): Promise<void> {
    this.scrubber.run();
  }
}

export type WorkerRequest =
  | { readonly call: 'commit'; readonly ops: Uint8Array; readonly now: number }
  | { readonly call: 'sweep'; readonly now: number }
  | { readonly call: 'deleteMailbox'; readonly address: MailboxAddress }
  | { readonly call: 'close' };

export type WorkerReply = { readonly id: number } & ({ readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string });

/** The writer in a worker thread (relay/store/sqlite/commit-worker.ts) on its own connection to the file. */
export class WorkerWriter implements WriterPort {
  alive = true;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(new Error(`The mailbox writer failed: ${reply.error}`));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', () => this.failAll(new Error('The mailbox writer stopped.')));
  }

  static async start(file: string): Promise<WorkerWriter> {
    const worker = new Worker(new URL('./commit-worker-boot.js', import.meta.url), { workerData: { file } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new WorkerWriter(worker);
  }

  commit(ops: readonly WriteOp[], now: number): Promise<WriteResult> {
    const packed = packWriteOps(ops);
    return this.call({ call: 'commit', ops: packed, now }, [packed.buffer as ArrayBuffer]) as Promise<WriteResult>;
  }

  sweep(now: number): Promise<number> {
    return this.call({ call: 'sweep', now }) as Promise<number>;
  }

  deleteMailbox(address: MailboxAddress): Promise<number> {
    return this.call({ call: 'deleteMailbox', address }) as Promise<number>;
  }

  async close(): Promise<void> {
    await this.call({ call: 'close' });
    await this.worker.terminate();
  }

  private call(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (!this.alive) return Promise.reject(new Error('The mailbox writer stopped.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, request }, transfer);
    });
  }

  private failAll(error: Error): void {
    this.alive = false;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
