import { describe, expect, it } from 'vitest';
import type { MailboxListener, MailboxStore, PrekeyCounts, QueuedEnvelope } from '../../../relay/store/types';
import { DeviceDelivery, type DeliverySink } from '../../../relay/ws/delivery';

/** A one-mailbox store in memory whose reads can be held open, to interleave events with them. */
class MemoryMailbox implements MailboxStore {
  queue: QueuedEnvelope[] = [];
  listener: MailboxListener | undefined;
  fetches = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }
  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }
  /** Stores an envelope and tells the watcher, as a commit does. */
  store(envelope: QueuedEnvelope, announce = true): void {
    this.queue.push(envelope);
    if (announce) this.listener?.({ kind: 'envelope', envelope });
  }

  async enqueue(): Promise<never> {
    throw new Error('unused');
  }
  async fetch(_address: unknown, limit: number): Promise<QueuedEnvelope[]> {
    this.fetches++;
    const snapshot = this.queue.slice(0, limit);
    await this.gate;
    return snapshot;
  }
  async ack(_address: unknown, ids: readonly Uint8Array[]): Promise<void> {
    const gone = new Set(ids.map((id) => Buffer.from(id).toString('hex')));
    this.queue = this.queue.filter((e) => !gone.has(Buffer.from(e.id).toString('hex')));
  }
  async watch(_address: unknown, listener: MailboxListener): Promise<() => void> {
    this.listener = listener;
    return () => (this.listener = undefined);
  }
  async notifyPrekeysLow(): Promise<void> {}
}

const envelope = (n: number): QueuedEnvelope => ({ id: Buffer.alloc(16, n), bytes: Buffer.from(`envelope ${n}`) });
const tick = () => new Promise((resolve) => setImmediate(resolve));

function start(window: number) {
  const mailbox = new MemoryMailbox();
  const pushed: QueuedEnvelope[] = [];
  let empties = 0;
  const sink: DeliverySink = {
    pushEnvelopes: (envelopes) => pushed.push(...envelopes),
    pushQueueEmpty: () => empties++,
    pushPrekeysLow: (_counts: PrekeyCounts) => {},
    deviceRemoved: () => {},
    failed: (error) => {
      throw error;
    },
  };
  const delivery = new DeviceDelivery({ accountId: 'a', deviceId: 1 }, mailbox, window, sink, () => 0);
  const ackAll = async () => {
    const ids = pushed.filter((e) => mailbox.queue.includes(e)).map((e) => e.id);
    await mailbox.ack({}, ids);
    delivery.acked(ids);
    await tick();
  };
  return { mailbox, pushed, delivery, ackAll, empties: () => empties };
}

const names = (list: QueuedEnvelope[]) => list.map((e) => Buffer.from(e.bytes).toString());

describe('DeviceDelivery', () => {
  it('keeps at most a window in flight and delivers a long queue in order, once each', async () => {
    const { mailbox, pushed, delivery, ackAll, empties } = start(3);
    for (let n = 0; n < 10; n++) mailbox.store(envelope(n), false);
    await delivery.start();
    await tick();
    expect(names(pushed)).toEqual(['envelope 0', 'envelope 1', 'envelope 2']);
    expect(empties()).toBe(0);
    while (mailbox.queue.length > 0) await ackAll();
    expect(names(pushed)).toEqual(Array.from({ length: 10 }, (_, n) => `envelope ${n}`));
    expect(empties()).toBe(1);
  });

  it('pushes straight from events once caught up, without reading the store', async () => {
    const { mailbox, pushed, delivery } = start(8);
    await delivery.start();
    await tick();
    const reads = mailbox.fetches;
    mailbox.store(envelope(1));
    mailbox.store(envelope(2));
    await tick();
    expect(names(pushed)).toEqual(['envelope 1', 'envelope 2']);
    expect(mailbox.fetches).toBe(reads);
  });

  it('pushes an envelope once when its event arrives while a read that includes it is under way', async () => {
    const { mailbox, pushed, delivery } = start(8);
    mailbox.store(envelope(1), false);
    mailbox.hold();
    const started = delivery.start();
    await tick();
    mailbox.store(envelope(2));
    mailbox.release();
    await started;
    await tick();
    await tick();
    expect(names(pushed)).toEqual(['envelope 1', 'envelope 2']);
  });

  it('does not push again an envelope whose event comes late, after it was read and acked', async () => {
    const { mailbox, pushed, delivery, ackAll } = start(8);
    const late = envelope(7);
    mailbox.store(late, false);
    await delivery.start();
    await tick();
    await ackAll();
    mailbox.listener?.({ kind: 'envelope', envelope: late });
    await tick();
    expect(names(pushed)).toEqual(['envelope 7']);
  });

  it('falls back to reading when the window fills while live, and catches up after acks', async () => {
    const { mailbox, pushed, delivery, ackAll } = start(2);
    await delivery.start();
    await tick();
    for (let n = 0; n < 5; n++) mailbox.store(envelope(n));
    await tick();
    expect(pushed).toHaveLength(2);
    while (mailbox.queue.length > 0) await ackAll();
    expect(names(pushed)).toEqual(Array.from({ length: 5 }, (_, n) => `envelope ${n}`));
  });
});
