import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SecretHash } from '../../credentials';
import type { AccountRecord, AccountStore, AddDeviceOutcome, DeviceRecord, MailboxAddress, NewDevice } from '../types';
import type { Scripts } from './scripts';

/** A device as kept in Redis; validated on every read, since Redis is outside this process. */
const StoredDevice = z.object({ r: z.number().int().positive(), s: z.base64(), h: z.base64() });

function encodeDevice(device: NewDevice): string {
  const { registrationId, secret } = device;
  return JSON.stringify({ r: registrationId, s: Buffer.from(secret.salt).toString('base64'), h: Buffer.from(secret.hash).toString('base64') });
}

export function decodeDevice(json: string): { registrationId: number; secret: SecretHash } {
  const d = StoredDevice.parse(JSON.parse(json));
  return { registrationId: d.r, secret: { salt: Buffer.from(d.s, 'base64'), hash: Buffer.from(d.h, 'base64') } };
}

export class RedisAccounts implements AccountStore {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async create(account: AccountRecord, device: NewDevice): Promise<boolean> {
    const reply = await this.scripts.run('register', [
      this.prefix,
      account.username,
      account.accountId,
      account.identityKey,
      device.deviceId,
      encodeDevice(device),
    ]);
    return reply === 1;
  }

  async addDevice(accountId: string, device: NewDevice, maxDevices: number): Promise<AddDeviceOutcome> {
    const reply = await this.scripts.run('addDevice', [this.prefix, accountId, device.deviceId, encodeDevice(device), maxDevices]);
    return reply === 1 ? 'added' : reply === 2 ? 'too-many' : reply === 3 ? 'no-account' : 'exists';
  }

  async removeDevice(address: MailboxAddress): Promise<boolean> {
    return (await this.scripts.run('removeDevice', [this.prefix, address.accountId, address.deviceId])) === 1;
  }

  async byUsername(username: string): Promise<AccountRecord | undefined> {
    const fields = await this.redis.hgetallBuffer(`${this.prefix}user:${username}`);
    const id = fields.id?.toString();
    if (!id || !fields.ik) return undefined;
    return { accountId: id, username, identityKey: fields.ik };
  }

  async byId(accountId: string): Promise<AccountRecord | undefined> {
    const username = await this.redis.get(`${this.prefix}acct:${accountId}`);
    return username === null ? undefined : this.byUsername(username);
  }

  async devices(accountId: string): Promise<DeviceRecord[]> {
    const all = await this.redis.hgetall(`${this.prefix}devices:${accountId}`);
    return Object.entries(all)
      .map(([deviceId, json]) => ({ deviceId: Number(deviceId), registrationId: decodeDevice(json).registrationId }))
      .sort((a, b) => a.deviceId - b.deviceId);
  }

  async deviceSecret(username: string, deviceId: number): Promise<{ account: AccountRecord; secret: SecretHash } | undefined> {
    const account = await this.byUsername(username);
    if (!account) return undefined;
    const json = await this.redis.hget(`${this.prefix}devices:${account.accountId}`, String(deviceId));
    return json === null ? undefined : { account, secret: decodeDevice(json).secret };
  }
}
