import type { MailboxAddress, MailboxEvent, MailboxStore, PrekeyCounts, QueuedEnvelope } from '../store/types';

/** Where a device's deliveries go: its connection. */
export interface DeliverySink {
  pushEnvelopes(envelopes: QueuedEnvelope[]): void;
  pushQueueEmpty(): void;
  pushPrekeysLow(counts: PrekeyCounts): void;
  deviceRemoved(): void;
  failed(error: unknown): void;
}

const idKey = (id: Uint8Array): string => Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');

/** A bounded set of recently acked ids, oldest forgotten first. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}
  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value ?? '');
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/**
 * Delivery to one authenticated connection. At most `window` envelopes are
 * pushed and unacked at a time. While the connection is "live" (caught up
 * with its queue, window not full) a newly stored envelope is pushed straight
 * from the event, with no read; otherwise the queue is read from the store
 * ("pump"), skipping what is in flight. Ids in flight or just acked are never
 * pushed twice, however events and reads interleave (a read may see an
 * envelope whose event is still on its way from another node).
 */
export class DeviceDelivery {
  private readonly inFlight = new Set<string>();
  private readonly recentlyAcked: RecentIds;
  private live = false;
  private pumping = false;
  private dirty = false;
  private announcedEmpty = false;
  private stopped = false;
  private outbox: QueuedEnvelope[] = [];
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly address: MailboxAddress,
    private readonly mailboxes: MailboxStore,
    private readonly window: number,
    private readonly sink: DeliverySink,
    private readonly now: () => number,
  ) {
    this.recentlyAcked = new RecentIds(window * 4);
  }

  async start(): Promise<void> {
    const unwatch = await this.mailboxes.watch(this.address, (event) => this.onEvent(event));
    if (this.stopped) return unwatch();
    this.unwatch = unwatch;
    await this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.unwatch?.();
  }

  acked(ids: readonly Uint8Array[]): void {
    for (const id of ids) {
      const key = idKey(id);
      this.inFlight.delete(key);
      this.recentlyAcked.add(key);
    }
    if (!this.live && this.inFlight.size <= this.window / 2) void this.pump();
  }

  private onEvent(event: MailboxEvent): void {
    switch (event.kind) {
      case 'envelope':
        return this.offer(event.envelope);
      case 'wake':
        this.live = false;
        return void this.pump();
      case 'prekeys-low':
        return this.sink.pushPrekeysLow(event.counts);
      case 'device-removed':
        return this.sink.deviceRemoved();
    }
  }

  private offer(envelope: QueuedEnvelope): void {
    const key = idKey(envelope.id);
    if (this.inFlight.has(key) || this.recentlyAcked.has(key)) return;
    if (this.live && !this.pumping && this.inFlight.size < this.window) return this.push(key, envelope);
    // Behind or full: the envelope is in the store; a read will find it.
    this.live = false;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.stopped) return;
    if (this.pumping) {
      this.dirty = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.dirty = false;
        const room = this.window - this.inFlight.size;
        if (room <= 0) break;
        const limit = room + this.inFlight.size;
        const queued = await this.mailboxes.fetch(this.address, limit, this.now());
        if (this.stopped) return;
        const fresh = queued.filter((envelope) => {
          const key = idKey(envelope.id);
          return !this.inFlight.has(key) && !this.recentlyAcked.has(key);
        });
        for (const envelope of fresh.slice(0, room)) this.push(idKey(envelope.id), envelope);
        if (queued.length < limit && fresh.length <= room) this.caughtUp();
      } while (this.dirty && !this.stopped);
    } catch (error) {
      this.sink.failed(error);
    } finally {
      this.pumping = false;
    }
  }

  private caughtUp(): void {
    this.live = true;
    if (this.announcedEmpty) return;
    this.announcedEmpty = true;
    this.flush();
    this.sink.pushQueueEmpty();
  }

  private push(key: string, envelope: QueuedEnvelope): void {
    this.inFlight.add(key);
    this.outbox.push(envelope);
    // Everything pushed in one turn of the event loop goes out as one frame.
    if (this.outbox.length === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    if (this.outbox.length === 0 || this.stopped) return;
    const envelopes = this.outbox;
    this.outbox = [];
    this.sink.pushEnvelopes(envelopes);
  }
}
