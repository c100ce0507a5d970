/**
 * Removes disappearing messages when their time comes: one timer, armed for
 * the next expiry in the vault and re-armed after each run or whenever a
 * sooner expiry is set (not a poll). A timer never waits longer than
 * MAX_WAIT_MS, so a machine that slept (timers do not count sleep) or a clock
 * that jumped catches up within that much; and message pages hide anything
 * already due meanwhile.
 */

/** Longest single wait; also far below setTimeout's 2^31 ms limit. */
export const MAX_WAIT_MS = 60_000;

export interface ReaperDeps {
  readonly now: () => number;
  /** The earliest expires_at in the vault, or null if nothing is due ever. */
  readonly nextDue: () => number | null;
  /** Removes everything expired at `now`. */
  readonly reap: (now: number) => Promise<unknown>;
}

export class ExpiryReaper {
  private timer: NodeJS.Timeout | null = null;
  /** When the armed timer fires (by `now()`), null if none is armed. */
  private armedFor: number | null = null;
  /** The same moment by the wall clock the timer itself runs on (`now()` may be another clock, or have jumped). */
  private firesAt = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Runs so far (for tests). */
  runs = 0;
  /** The last run's failure (a locked vault, a full disk), cleared by the next good run. */
  lastError: unknown = null;

  constructor(private readonly deps: ReaperDeps) {}

  /** Arms for the next expiry, unless a timer that fires by then is armed already. */
  rearm(): void {
    if (this.stopped || this.running) return; // a run re-arms when it finishes
    const due = this.deps.nextDue();
    if (due === null) {
      this.disarm();
      return;
    }
    const now = this.deps.now();
    const wait = Math.min(Math.max(0, due - now), MAX_WAIT_MS);
    if (this.timer && this.firesAt <= Date.now() + wait) return;
    this.arm(now, wait);
  }

  private arm(now: number, wait: number): void {
    this.disarm();
    this.armedFor = now + wait;
    this.firesAt = Date.now() + wait;
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref();
  }

  /** Runs now (at unlock, before anything is shown); resolves when done. */
  async runNow(): Promise<void> {
    while (this.running) await this.running;
    this.disarm();
    await this.run();
  }

  /** Resolves once no run is in progress. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  get armedAt(): number | null {
    return this.armedFor;
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = null;
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = null;
    void this.run();
  }

  private run(): Promise<void> {
    const run = (async () => {
      try {
        await this.deps.reap(this.deps.now());
        this.lastError = null;
      } catch (error) {
        this.lastError = error;
      } finally {
        this.runs += 1;
      }
    })();
    this.running = run.finally(() => {
      this.running = null;
      // After a failure the next attempt waits at least a moment, rather than spinning on it.
      if (this.lastError === null) this.rearm();
      else if (!this.stopped) this.arm(this.deps.now(), 1000);
    });
    return this.running;
  }
}
