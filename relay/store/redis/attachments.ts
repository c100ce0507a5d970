import type { Redis } from 'ioredis';
import type { AttachmentRecord, AttachmentStore, ConfirmOutcome, NewAttachment } from '../types';
import { recipientKey } from '../types';
import type { Scripts } from './scripts';

/**
 * Attachment metadata in Redis: no recipients, and the uploader only until
 * the bytes are in. Both keys expire with the attachment; a sorted set of
 * ids by expiry lets the sweep find expired attachments whose blob files
 * must go too.
 */
export class RedisAttachments implements AttachmentStore {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async create(record: NewAttachment): Promise<void> {
    const key = this.key(record.id);
    await this.redis
      .multi()
      .hset(key, 'size', record.size, 'n', record.fetchCount, 'th', Buffer.from(record.tokenHash), 'up', recipientKey(record.uploader), 'uploaded', 0, 'expires', record.expiresAt)
      .pexpireat(key, record.expiresAt)
      .zadd(this.expiryKey(), record.expiresAt, record.id)
      .exec();
  }

  async get(id: string, now: number): Promise<AttachmentRecord | undefined> {
    const key = this.key(id);
    const [meta, confirmations] = await Promise.all([this.redis.hgetallBuffer(key), this.redis.scard(`${key}:c`)]);
    const expiresAt = Number(meta.expires?.toString());
    const tokenHash = meta.th;
    if (!tokenHash || !(expiresAt > now)) return undefined;
    const [uploaderAccount, uploaderDevice] = (meta.up?.toString() ?? '').split(':');
    return {
      id,
      size: Number(meta.size?.toString()),
      expiresAt,
      fetchCount: Number(meta.n?.toString()),
      tokenHash: new Uint8Array(tokenHash),
      uploader: uploaderAccount ? { accountId: uploaderAccount, deviceId: Number(uploaderDevice) } : null,
      uploaded: meta.uploaded?.toString() === '1',
      confirmations,
    };
  }

  async markUploaded(id: string): Promise<void> {
    await this.redis.multi().hset(this.key(id), 'uploaded', 1).hdel(this.key(id), 'up').exec();
  }

  async confirm(id: string, confirmationId: Uint8Array, now: number): Promise<ConfirmOutcome | undefined> {
    const reply = await this.scripts.run('attachmentConfirm', [this.prefix, id, confirmationId, now]);
    if (!Array.isArray(reply)) return undefined;
    const [remaining, added] = reply;
    return { remaining: Number(remaining), repeat: Number(added) === 0 };
  }

  async delete(id: string): Promise<void> {
    await this.redis.multi().del(this.key(id), `${this.key(id)}:c`).zrem(this.expiryKey(), id).exec();
  }

  async takeExpired(now: number): Promise<string[]> {
    const ids = await this.redis.zrangebyscore(this.expiryKey(), '-inf', now);
    if (ids.length === 0) return [];
    const pipeline = this.redis.multi().zrem(this.expiryKey(), ...ids);
    for (const id of ids) pipeline.del(this.key(id), `${this.key(id)}:c`);
    await pipeline.exec();
    return ids;
  }

  private expiryKey(): string {
    return `${this.prefix}att-expiry`;
  }

  private key(id: string): string {
    return `${this.prefix}att:${id}`;
  }
}
