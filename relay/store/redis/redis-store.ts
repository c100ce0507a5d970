import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { PresenceStore, RelayStore } from '../types';
import { RedisAccounts } from './accounts';
import { RedisAttachments } from './attachments';
import { RedisMailboxes } from './mailboxes';
import { RedisPrekeys } from './prekeys';
import { Scripts } from './scripts';

/** A connection's presence lease; renewed at a third of it, so a dead node's connections stop counting within this. */
const PRESENCE_LEASE_MS = 60_000;

/**
 * The scale-out store: accounts, prekeys, mailboxes, presence and attachment
 * metadata in one Redis shared by every relay node. Two connections: one for
 * commands (auto-pipelined) and one subscribed to device channels.
 */
export class RedisStore implements RelayStore {
  readonly accounts: RedisAccounts;
  readonly prekeys: RedisPrekeys;
  readonly mailboxes: RedisMailboxes;
  readonly attachments: RedisAttachments;
  readonly presence: RedisPresence;
  private readonly redis: Redis;
  private readonly subscriber: Redis;

  private constructor(url: string, prefix: string, now: () => number) {
    const options = { enableAutoPipelining: true, maxRetriesPerRequest: 3, lazyConnect: true } as const;
    this.redis = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    // ioredis reconnects on its own; an 'error' event without a listener would crash the process.
    this.redis.on('error', () => {});
    this.subscriber.on('error', () => {});
    const scripts = new Scripts(this.redis);
    this.accounts = new RedisAccounts(this.redis, scripts, prefix);
    this.prekeys = new RedisPrekeys(scripts, prefix);
    this.mailboxes = new RedisMailboxes(scripts, this.subscriber, this.redis, prefix, now);
    this.attachments = new RedisAttachments(this.redis, scripts, prefix);
    this.presence = new RedisPresence(scripts, this.redis, prefix, now);
  }

  static async open(url: string, prefix: string, now: () => number): Promise<RedisStore> {
    const store = new RedisStore(url, prefix, now);
    await Promise.all([store.redis.connect(), store.subscriber.connect()]);
    return store;
  }

  async sweep(): Promise<{ expiredEnvelopes: number }> {
    // Every key carries its own expiry; Redis deletes them.
    return { expiredEnvelopes: 0 };
  }

  async checkHealth(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    this.presence.stop();
    await this.presence.releaseAll();
    // QUIT is queued behind every command already sent, so in-flight commits finish first.
    await Promise.allSettled([this.redis.quit(), this.subscriber.quit()]);
  }
}

/** Connections per account across nodes: a sorted set of leases per account. */
class RedisPresence implements PresenceStore {
  private readonly local = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private readonly node = randomUUID();

  constructor(
    private readonly scripts: Scripts,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => void this.renew().catch(() => {}), PRESENCE_LEASE_MS / 3);
    this.timer.unref();
  }

  async tryAdd(accountId: string, connectionId: string, max: number): Promise<boolean> {
    const member = `${this.node}:${connectionId}`;
    const added = (await this.scripts.run('presenceAdd', [this.prefix, accountId, member, max, this.now(), PRESENCE_LEASE_MS])) === 1;
    if (added) this.local.set(member, accountId);
    return added;
  }

  async remove(accountId: string, connectionId: string): Promise<void> {
    const member = `${this.node}:${connectionId}`;
    this.local.delete(member);
    await this.redis.zrem(`${this.prefix}conn:${accountId}`, member);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.local].map(([member, accountId]) => this.redis.zrem(`${this.prefix}conn:${accountId}`, member)));
    this.local.clear();
  }

  private async renew(): Promise<void> {
    const expiry = this.now() + PRESENCE_LEASE_MS;
    await Promise.all(
      [...this.local].map(([member, accountId]) => {
        const key = `${this.prefix}conn:${accountId}`;
        return Promise.all([this.redis.zadd(key, 'XX', expiry, member), this.redis.pexpire(key, PRESENCE_LEASE_MS)]);
      }),
    );
  }
}
