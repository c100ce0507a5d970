import { closeSync, fsync, openSync } from 'node:fs';

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
  private fd: number | undefined;

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
      await this.fsyncLog();
      this.count++;
    } finally {
      const waiting = this.next;
      this.next = undefined;
      this.running = waiting ? this.run() : undefined;
      if (waiting) this.running?.then(waiting.resolve, waiting.reject);
    }
  }

  /**
   * fsyncs the log through a descriptor kept open: SQLite truncates the log
   * but never replaces it while the database is open, so it stays the same file.
   */
  private fsyncLog(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.fd === undefined) {
        try {
          this.fd = openSync(this.walFile as string, 'r');
        } catch (error) {
          // No log file: nothing was written since the database was opened.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolve();
          return reject(error);
        }
      }
      fsync(this.fd, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Releases the descriptor (after the database is closed). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
