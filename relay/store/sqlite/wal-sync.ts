import { open } from 'node:fs/promises';

/**
 * Makes commits durable without blocking the event loop. SQLite runs with
 * synchronous=NORMAL in WAL mode: a commit writes its frames to the
 * write-ahead log but does not fsync it (checkpoints still sync properly).
 * Whoever needs a commit on disk before answering calls `sync()` after
 * committing; it fsyncs the log on libuv's thread pool. Calls that arrive
 * while an fsync runs share the next one, since their commits may have come
 * after the running one began: a group commit, with the wait off the loop.
 */
export class WalSync {
  private running: Promise<void> | undefined;
  private next: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** fsyncs completed, for tests and the benchmark's curiosity. */
  count = 0;

  /** `walFile` is undefined for a database in memory, which has nothing to sync. */
  constructor(private readonly walFile: string | undefined) {}

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    if (!this.walFile) return Promise.resolve();
    if (!this.running) return (this.running = this.run());
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.next = { promise, resolve, reject };
    }
    return this.next.promise;
  }

  private async run(): Promise<void> {
    try {
      await fsyncFile(this.walFile as string);
      this.count++;
    } finally {
      const waiting = this.next;
      this.next = undefined;
      this.running = waiting ? this.run() : undefined;
      if (waiting) this.running?.then(waiting.resolve, waiting.reject);
    }
  }
}

async function fsyncFile(file: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    // No log file: nothing was written since the last checkpoint removed it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
