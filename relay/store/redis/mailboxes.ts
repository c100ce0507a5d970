import type { Redis } from 'ioredis';
import type { EnqueueOutcome, MailboxAddress, MailboxEvent, MailboxListener, MailboxStore, NewEnvelope, PrekeyCounts, QueuedEnvelope } from '../types';
import { MailboxWatchers } from '../watchers';
import { ChannelTag, type Scripts } from './scripts';

const outcomes: readonly EnqueueOutcome[] = ['stored', 'duplicate', 'queue-full', 'not-found'];
const ID_BYTES = 16;
const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/**
 * Mailboxes in Redis, shared by every relay node. A stored envelope is
 * published (in the same script, so atomically) on its device's channel;
 * the node that holds the device's connection subscribes to that channel.
 * Durability is Redis's: run it with appendonly yes to survive its restart.
 * Commands from one tick are pipelined (ioredis enableAutoPipelining).
 */
export class RedisMailboxes implements MailboxStore {
  private readonly watchers = new MailboxWatchers();
  private readonly channelPrefix: string;

  constructor(
    private readonly scripts: Scripts,
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {
    this.channelPrefix = `${prefix}dev:`;
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message));
    // Messages published while the subscriber was reconnecting are lost: every watcher rereads its queue.
    subscriber.on('ready', () => {
      for (const key of this.watchers.keys()) this.watchers.emit(key, { kind: 'wake' });
    });
  }

  async enqueue(items: readonly NewEnvelope[], maxQueue: number): Promise<EnqueueOutcome[]> {
    const now = this.now();
    const replies = await Promise.all(
      items.map((item) =>
        this.scripts.run('enqueue', [
          this.prefix,
          item.recipientUsername,
          item.recipientDeviceId,
          hex(item.fingerprint),
          item.envelope.bytes,
          hex(item.envelope.id),
          Math.max(1, item.expiresAt - now),
          maxQueue,
          item.envelope.id,
        ]),
      ),
    );
    return replies.map((reply) => outcomes[Number(reply)] ?? 'not-found');
  }

  async fetch(address: MailboxAddress, limit: number): Promise<QueuedEnvelope[]> {
    const reply = await this.scripts.run('fetch', [this.prefix, address.accountId, address.deviceId, limit]);
    if (!Array.isArray(reply)) throw new TypeError('Unexpected fetch reply from Redis.');
    const envelopes: QueuedEnvelope[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const [id, bytes] = [reply[i], reply[i + 1]];
      if (Buffer.isBuffer(id) && Buffer.isBuffer(bytes)) envelopes.push({ id: Buffer.from(id.toString(), 'hex'), bytes });
    }
    return envelopes;
  }

  async ack(address: MailboxAddress, ids: readonly Uint8Array[]): Promise<void> {
    if (ids.length > 0) await this.scripts.run('ack', [this.prefix, address.accountId, address.deviceId, ...ids.map(hex)]);
  }

  async watch(address: MailboxAddress, listener: MailboxListener): Promise<() => void> {
    const channel = this.channel(address);
    if (this.watchers.add(address, listener)) await this.subscriber.subscribe(channel);
    return () => {
      if (this.watchers.remove(address, listener)) void this.subscriber.unsubscribe(channel).catch(() => {});
    };
  }

  async notifyPrekeysLow(address: MailboxAddress, counts: PrekeyCounts): Promise<void> {
    const message = Buffer.alloc(9);
    message.writeUInt8(ChannelTag.PrekeysLow, 0);
    message.writeUInt32BE(counts.ec, 1);
    message.writeUInt32BE(counts.kyber, 5);
    await this.publisher.publish(this.channel(address), message);
  }

  private channel(address: MailboxAddress): string {
    return `${this.channelPrefix}${address.accountId}:${address.deviceId}`;
  }

  private onMessage(channel: string, message: Buffer): void {
    if (!channel.startsWith(this.channelPrefix)) return;
    const event = decodeChannelMessage(message);
    if (event) this.watchers.emit(channel.slice(this.channelPrefix.length), event);
  }
}

function decodeChannelMessage(message: Buffer): MailboxEvent | undefined {
  switch (message[0]) {
    case ChannelTag.Envelope:
      // The tag, the id, then the encoded envelope.
      if (message.length <= 1 + ID_BYTES) return { kind: 'wake' };
      return { kind: 'envelope', envelope: { id: message.subarray(1, 1 + ID_BYTES), bytes: message.subarray(1 + ID_BYTES) } };
    case ChannelTag.PrekeysLow:
      return message.length === 9 ? { kind: 'prekeys-low', counts: { ec: message.readUInt32BE(1), kyber: message.readUInt32BE(5) } } : undefined;
    case ChannelTag.DeviceRemoved:
      return { kind: 'device-removed' };
    default:
      return undefined;
  }
}
