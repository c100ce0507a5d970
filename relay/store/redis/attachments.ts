import type { Redis } from 'ioredis';
import type { AttachmentRecord, AttachmentStore, MailboxAddress } from '../types';
import { recipientKey } from '../types';
import type { Scripts } from './scripts';

/**
 * Attachment metadata in Redis. Both keys expire with the attachment; a
 * sorted set of ids by expiry lets the sweep find expired attachments whose
 * blob files must go too.
 */
export class RedisAttachments implements AttachmentStore {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async create(record: Omit<AttachmentRecord, 'uploaded'>): Promise<void> {
    const key = this.key(record.id);
    const recipients = [...record.recipients.keys()].flatMap((r) => [r, '0']);
    await this.redis
      .multi()
      .hset(key, 'owner', recipientKey(record.owner), 'size', record.size, 'uploaded', 0, 'expires', record.expiresAt)
      .hset(`${key}:r`, ...recipients)
      .pexpireat(key, record.expiresAt)
      .pexpireat(`${key}:r`, record.expiresAt)
      .zadd(this.expiryKey(), record.expiresAt, record.id)
      .exec();
  }

  async get(id: string, now: number): Promise<AttachmentRecord | undefined> {
    const key = this.key(id);
    const [meta, recipients] = await Promise.all([this.redis.hgetall(key), this.redis.hgetall(`${key}:r`)]);
    const [ownerAccount, ownerDevice] = (meta.owner ?? '').split(':');
    const expiresAt = Number(meta.expires);
    if (!ownerAccount || !(expiresAt > now)) return undefined;
    return {
      id,
      owner: { accountId: ownerAccount, deviceId: Number(ownerDevice) },
      size: Number(meta.size),
      uploaded: meta.uploaded === '1',
      expiresAt,
      recipients: new Map(Object.entries(recipients).map(([r, fetched]) => [r, fetched === '1'])),
    };
  }

  async markUploaded(id: string): Promise<void> {
    await this.redis.hset(this.key(id), 'uploaded', 1);
  }

  async markFetched(id: string, recipient: MailboxAddress): Promise<number> {
    return Number(await this.scripts.run('attachmentFetched', [this.prefix, id, recipientKey(recipient)]));
  }

  async delete(id: string): Promise<void> {
    await this.redis.multi().del(this.key(id), `${this.key(id)}:r`).zrem(this.expiryKey(), id).exec();
  }

  async takeExpired(now: number): Promise<string[]> {
    const ids = await this.redis.zrangebyscore(this.expiryKey(), '-inf', now);
    if (ids.length === 0) return [];
    const pipeline = this.redis.multi().zrem(this.expiryKey(), ...ids);
    for (const id of ids) pipeline.del(this.key(id), `${this.key(id)}:r`);
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
