import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExpiryReaper, MAX_WAIT_MS } from '../../../main/core/messaging/expiry-reaper';
import { expiredOnArrival, timerFromSeconds, timerSeconds } from '../../../main/core/messaging/disappearing';

/**
 * The reaper's scheduling on fake timers: one timer for the next expiry,
 * re-armed after each run and when a sooner expiry appears; never a poll.
 * The "vault" is a list of expiry times; reaping removes the due ones.
 */

function harness(initial: number[] = [], now: () => number = () => Date.now()) {
  const due = [...initial];
  const reaped: number[][] = [];
  let failNext = false;
  const reaper = new ExpiryReaper({
    now,
    nextDue: () => (due.length === 0 ? null : Math.min(...due)),
    reap: async (now) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      const gone = due.filter((t) => t <= now);
      for (const t of gone) due.splice(due.indexOf(t), 1);
      reaped.push(gone);
      await Promise.resolve();
    },
  });
  return {
    reaper,
    due,
    reaped,
    failOnce: () => (failNext = true),
    /** Expiry times removed so far. */
    removed: () => reaped.flat(),
  };
}

const T0 = 1_700_000_000_000;

describe('expiry reaper', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('arms nothing while no message has an expiry', () => {
    const { reaper } = harness();
    reaper.rearm();
    expect(vi.getTimerCount()).toBe(0);
    expect(reaper.armedAt).toBeNull();
  });

  it('fires at the next expiry, not before, removes what is due and re-arms for the one after', async () => {
    const h = harness([T0 + 5_000, T0 + 8_000]);
    h.reaper.rearm();
    expect(h.reaper.armedAt).toBe(T0 + 5_000);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(4_999);
    expect(h.removed()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.removed()).toEqual([T0 + 5_000]);
    expect(h.reaper.armedAt).toBe(T0 + 8_000);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.removed()).toEqual([T0 + 5_000, T0 + 8_000]);
    expect(vi.getTimerCount()).toBe(0);
    // Two expiries, two runs: no polling in between.
    expect(h.reaper.runs).toBe(2);
  });

  it('moves the timer earlier when a sooner expiry is set, and keeps it for a later one', async () => {
    const h = harness([T0 + 60_000]);
    h.reaper.rearm();
    expect(h.reaper.armedAt).toBe(T0 + 60_000);

    h.due.push(T0 + 90_000);
    h.reaper.rearm();
    expect(h.reaper.armedAt).toBe(T0 + 60_000);

    h.due.push(T0 + 2_000);
    h.reaper.rearm();
    expect(h.reaper.armedAt).toBe(T0 + 2_000);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.removed()).toEqual([T0 + 2_000]);
    expect(h.reaper.armedAt).toBe(T0 + 60_000);
  });

  it('waits at most MAX_WAIT_MS at a time, so a slept machine or a jumped clock catches up', async () => {
    const week = 7 * 24 * 60 * 60_000;
    const h = harness([T0 + week]);
    h.reaper.rearm();
    expect(h.reaper.armedAt).toBe(T0 + MAX_WAIT_MS);
    await vi.advanceTimersByTimeAsync(MAX_WAIT_MS);
    expect(h.removed()).toEqual([]);
    expect(h.reaper.armedAt).toBe(T0 + 2 * MAX_WAIT_MS);

    // The wall clock jumps past the expiry (the machine slept): the next wake-up removes it.
    vi.setSystemTime(T0 + week + 1);
    await vi.advanceTimersByTimeAsync(MAX_WAIT_MS);
    expect(h.removed()).toEqual([T0 + week]);
  });

  it('re-arms sooner when the clock it is given moved ahead of the timer it runs on', async () => {
    let offset = 0;
    const h = harness([T0 + 50_000], () => Date.now() + offset);
    h.reaper.rearm();
    offset += 49_000;
    h.reaper.rearm();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.removed()).toEqual([T0 + 50_000]);
  });

  it('runNow removes what is already due at once (unlock), then arms for the rest', async () => {
    const h = harness([T0 - 10_000, T0 - 1, T0 + 30_000]);
    await h.reaper.runNow();
    expect(h.removed()).toEqual([T0 - 10_000, T0 - 1]);
    expect(h.reaper.armedAt).toBe(T0 + 30_000);
  });

  it('after a failed run tries again a second later instead of spinning', async () => {
    const h = harness([T0 + 1_000]);
    h.failOnce();
    h.reaper.rearm();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.reaper.lastError).toBeInstanceOf(Error);
    expect(h.removed()).toEqual([]);
    expect(h.reaper.armedAt).toBe(T0 + 2_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.removed()).toEqual([T0 + 1_000]);
    expect(h.reaper.lastError).toBeNull();
  });

  it('stops: no timer left, and rearm does nothing', () => {
    const h = harness([T0 + 1_000]);
    h.reaper.rearm();
    h.reaper.stop();
    expect(vi.getTimerCount()).toBe(0);
    h.reaper.rearm();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('timers on the wire', () => {
  it('maps the protocol seconds onto the contract timers, rounding an unknown value down', () => {
    expect(timerFromSeconds(0)).toBeNull();
    expect(timerFromSeconds(30)).toBe(30_000);
    expect(timerFromSeconds(3_600)).toBe(3_600_000);
    expect(timerFromSeconds(7 * 24 * 3_600)).toBe(7 * 24 * 3_600_000);
    expect(timerFromSeconds(10)).toBe(30_000);
    expect(timerFromSeconds(7_200)).toBe(3_600_000);
    expect(timerFromSeconds(365 * 24 * 3_600)).toBe(7 * 24 * 3_600_000);
    expect(timerSeconds(null)).toBe(0);
    expect(timerSeconds(300_000)).toBe(300);
  });

  it('drops on arrival only a message whose whole timer ran out in transit', () => {
    expect(expiredOnArrival(T0, 30_000, T0 + 29_999)).toBe(false);
    expect(expiredOnArrival(T0, 30_000, T0 + 30_000)).toBe(true);
    expect(expiredOnArrival(T0, null, T0 + 365 * 24 * 3_600_000)).toBe(false);
  });
});
