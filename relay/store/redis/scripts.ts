import type { Redis } from 'ioredis';

/**
 * The Lua scripts that make each Redis store operation atomic. Keys are built
 * inside the scripts from ARGV[1], the key prefix, so this needs one Redis
 * (or a primary with replicas), not Redis Cluster. Key layout, with P the prefix:
 *
 *   P user:<username>          hash  id, ik (identity key)
 *   P acct:<accountId>         string username
 *   P devices:<accountId>      hash  deviceId → JSON {r, s, h} (registration id, salt, secret hash)
 *   P pk:<acct>:<dev>:ec       zset  score key id, member EcPreKey bytes
 *   P pk:<acct>:<dev>:kyber    zset  score key id, member KyberPreKey bytes
 *   P pk:<acct>:<dev>:signed / :last-resort   string SignedEcPreKey / KyberPreKey bytes
 *   P mb:<acct>:<dev>          zset  score sequence, member envelope id (hex); expires with its newest envelope
 *   P env:<id hex>             string Envelope bytes, expires after the TTL
 *   P sub:<fingerprint hex>    "1", expires after the TTL: a submission id already stored
 *   P seq                      integer, the order of envelopes across nodes
 *   P conn:<acct>              zset  connection id → lease expiry (ms), for the per-account connection limit
 *   P att:<id>                 hash  size, n (fetch count), th (token hash), up (uploader "acct:dev", deleted once uploaded), uploaded, expires
 *   P att:<id>:c               set   confirmation ids counted (at most n); both expire with the attachment
 *   P att-expiry               zset  attachment id → expiry (ms), for deleting expired blob files
 *
 * Channel P dev:<acct>:<dev> carries events to the node holding the device's
 * connection: a tag byte (ChannelTag) and its payload.
 */

export const ChannelTag = { Envelope: 1, PrekeysLow: 3, DeviceRemoved: 4 } as const;

const scripts = {
  register: `
    local p = ARGV[1]
    local user = p .. 'user:' .. ARGV[2]
    if redis.call('EXISTS', user) == 1 then return 0 end
    redis.call('HSET', user, 'id', ARGV[3], 'ik', ARGV[4])
    redis.call('SET', p .. 'acct:' .. ARGV[3], ARGV[2])
    redis.call('HSET', p .. 'devices:' .. ARGV[3], ARGV[5], ARGV[6])
    return 1`,

  // → 1 added, 0 exists, 2 too many, 3 no account
  addDevice: `
    local p = ARGV[1]
    if redis.call('EXISTS', p .. 'acct:' .. ARGV[2]) == 0 then return 3 end
    local devices = p .. 'devices:' .. ARGV[2]
    if redis.call('HEXISTS', devices, ARGV[3]) == 1 then return 0 end
    if redis.call('HLEN', devices) >= tonumber(ARGV[5]) then return 2 end
    redis.call('HSET', devices, ARGV[3], ARGV[4])
    return 1`,

  removeDevice: `
    local p, acct, dev = ARGV[1], ARGV[2], ARGV[3]
    if redis.call('HDEL', p .. 'devices:' .. acct, dev) == 0 then return 0 end
    local pk = p .. 'pk:' .. acct .. ':' .. dev .. ':'
    redis.call('DEL', pk .. 'ec', pk .. 'kyber', pk .. 'signed', pk .. 'last-resort')
    local mb = p .. 'mb:' .. acct .. ':' .. dev
    for _, id in ipairs(redis.call('ZRANGE', mb, 0, -1)) do redis.call('DEL', p .. 'env:' .. id) end
    redis.call('DEL', mb)
    redis.call('PUBLISH', p .. 'dev:' .. acct .. ':' .. dev, '\\4')
    return 1`,

  // ARGV: p, acct, dev, max, signed, lastResort, nEc, (keyId, bytes)*nEc, nKyber, (keyId, bytes)*nKyber
  // → {ec, kyber} counts, or -1 when the device would hold more than max of a kind.
  uploadPrekeys: `
    local p, acct, dev, max = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
    local base = p .. 'pk:' .. acct .. ':' .. dev .. ':'
    local nEc = tonumber(ARGV[7])
    local kyberAt = 8 + 2 * nEc
    local nKyber = tonumber(ARGV[kyberAt])
    local function fits(key, from, n)
      local added = 0
      for i = 0, n - 1 do
        local id = ARGV[from + 2 * i]
        if redis.call('ZCOUNT', key, id, id) == 0 then added = added + 1 end
      end
      return redis.call('ZCARD', key) + added <= max
    end
    local function put(key, from, n)
      for i = 0, n - 1 do
        local id = ARGV[from + 2 * i]
        redis.call('ZREMRANGEBYSCORE', key, id, id)
        redis.call('ZADD', key, id, ARGV[from + 2 * i + 1])
      end
    end
    if not fits(base .. 'ec', 8, nEc) or not fits(base .. 'kyber', kyberAt + 1, nKyber) then return -1 end
    put(base .. 'ec', 8, nEc)
    put(base .. 'kyber', kyberAt + 1, nKyber)
    if ARGV[5] ~= '' then redis.call('SET', base .. 'signed', ARGV[5]) end
    if ARGV[6] ~= '' then redis.call('SET', base .. 'last-resort', ARGV[6]) end
    return {redis.call('ZCARD', base .. 'ec'), redis.call('ZCARD', base .. 'kyber')}`,

  prekeyCounts: `
    local base = ARGV[1] .. 'pk:' .. ARGV[2] .. ':' .. ARGV[3] .. ':'
    return {redis.call('ZCARD', base .. 'ec'), redis.call('ZCARD', base .. 'kyber')}`,

  // → per device: {deviceId, deviceJson, signed, lastResort, ec or '', kyber or '', ecLeft, kyberLeft}
  takeBundles: `
    local p, acct, only = ARGV[1], ARGV[2], ARGV[3]
    local devices = redis.call('HGETALL', p .. 'devices:' .. acct)
    local out = {}
    for i = 1, #devices, 2 do
      local dev = devices[i]
      if only == '0' or only == dev then
        local base = p .. 'pk:' .. acct .. ':' .. dev .. ':'
        local signed = redis.call('GET', base .. 'signed')
        local lastResort = redis.call('GET', base .. 'last-resort')
        if signed and lastResort then
          local ec = redis.call('ZPOPMIN', base .. 'ec')
          local kyber = redis.call('ZPOPMIN', base .. 'kyber')
          out[#out + 1] = {dev, devices[i + 1], signed, lastResort, ec[1] or '', kyber[1] or '',
            redis.call('ZCARD', base .. 'ec'), redis.call('ZCARD', base .. 'kyber')}
        end
      end
    end
    return out`,

  // ARGV: p, username, dev, fingerprint hex, envelope bytes, id hex, ttl ms, max queue, id bytes
  // → 0 stored, 1 duplicate, 2 queue full, 3 not found
  enqueue: `
    local p = ARGV[1]
    local acct = redis.call('HGET', p .. 'user:' .. ARGV[2], 'id')
    if not acct then return 3 end
    if redis.call('HEXISTS', p .. 'devices:' .. acct, ARGV[3]) == 0 then return 3 end
    local sub = p .. 'sub:' .. ARGV[4]
    if redis.call('EXISTS', sub) == 1 then return 1 end
    local mb = p .. 'mb:' .. acct .. ':' .. ARGV[3]
    local max = tonumber(ARGV[8])
    if redis.call('ZCARD', mb) >= max then
      for _, id in ipairs(redis.call('ZRANGE', mb, 0, -1)) do
        if redis.call('EXISTS', p .. 'env:' .. id) == 0 then redis.call('ZREM', mb, id) end
      end
      if redis.call('ZCARD', mb) >= max then return 2 end
    end
    redis.call('SET', sub, '1', 'PX', ARGV[7])
    redis.call('SET', p .. 'env:' .. ARGV[6], ARGV[5], 'PX', ARGV[7])
    redis.call('ZADD', mb, redis.call('INCR', p .. 'seq'), ARGV[6])
    redis.call('PEXPIRE', mb, ARGV[7])
    redis.call('PUBLISH', p .. 'dev:' .. acct .. ':' .. ARGV[3], '\\1' .. ARGV[9] .. ARGV[5])
    return 0`,

  // ARGV: p, acct, dev, limit → id hex, envelope bytes, id hex, ... oldest first; drops ids whose envelope expired.
  fetch: `
    local p = ARGV[1]
    local mb = p .. 'mb:' .. ARGV[2] .. ':' .. ARGV[3]
    local limit = tonumber(ARGV[4])
    local out, start = {}, 0
    while #out < 2 * limit do
      local ids = redis.call('ZRANGE', mb, start, start + limit - 1)
      if #ids == 0 then break end
      for _, id in ipairs(ids) do
        local body = redis.call('GET', p .. 'env:' .. id)
        if body then
          if #out < 2 * limit then
            out[#out + 1] = id
            out[#out + 1] = body
          end
          start = start + 1
        else
          redis.call('ZREM', mb, id)
        end
      end
    end
    return out`,

  // ARGV: p, acct, dev, id hex...
  ack: `
    local p = ARGV[1]
    local mb = p .. 'mb:' .. ARGV[2] .. ':' .. ARGV[3]
    for i = 4, #ARGV do
      if redis.call('ZREM', mb, ARGV[i]) == 1 then redis.call('DEL', p .. 'env:' .. ARGV[i]) end
    end
    return 0`,

  // ARGV: p, acct, connection id, max, now, lease ms → 1 added, 0 full
  presenceAdd: `
    local key = ARGV[1] .. 'conn:' .. ARGV[2]
    redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[5])
    if redis.call('ZCARD', key) >= tonumber(ARGV[4]) then return 0 end
    redis.call('ZADD', key, tonumber(ARGV[5]) + tonumber(ARGV[6]), ARGV[3])
    redis.call('PEXPIRE', key, ARGV[6])
    return 1`,

  // ARGV: p, attachment id, confirmation id, now → {remaining, added (1|0)}, or -1 when unknown, expired or not uploaded
  attachmentConfirm: `
    local key = ARGV[1] .. 'att:' .. ARGV[2]
    local meta = redis.call('HMGET', key, 'uploaded', 'expires', 'n')
    if meta[1] ~= '1' or tonumber(meta[2]) <= tonumber(ARGV[4]) then return -1 end
    local added = redis.call('SADD', key .. ':c', ARGV[3])
    redis.call('PEXPIREAT', key .. ':c', meta[2])
    local remaining = tonumber(meta[3]) - redis.call('SCARD', key .. ':c')
    if remaining < 0 then remaining = 0 end
    return {remaining, added}`,
} as const;

export type ScriptName = keyof typeof scripts;
type Arg = string | number | Uint8Array;
/** A reply from a script, as ioredis decodes it with binary bulk strings. */
export type Reply = number | Buffer | null | Reply[];

/** The scripts, loaded once per connection and run by name. */
export class Scripts {
  constructor(private readonly redis: Redis) {
    for (const [name, lua] of Object.entries(scripts)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }

  run(name: ScriptName, args: readonly Arg[]): Promise<Reply> {
    const command = (this.redis as unknown as Record<string, (...a: Arg[]) => Promise<Reply>>)[`${name}Buffer`];
    if (!command) throw new Error(`Redis script ${name} is not defined.`);
    return command.apply(this.redis, [...args].map((a) => (a instanceof Uint8Array && !Buffer.isBuffer(a) ? Buffer.from(a) : a)));
  }
}
