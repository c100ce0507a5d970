import { randomBytes } from 'node:crypto';
import { IdentityKeyPair, KEMKeyPair, PrivateKey, type PublicKey } from '@signalapp/libsignal-client';
import type { RequestInit } from './client';
import { RelayTestClient } from './client';

/** A registered test device: its credentials, identity and an authenticated connection. */
export interface TestDevice {
  readonly username: string;
  readonly deviceId: number;
  readonly secret: Uint8Array;
  readonly accountId: string;
  readonly identity: IdentityKeyPair;
  readonly client: RelayTestClient;
}

/** Valid prekeys signed by `identity`: `count` one-time keys of each kind from `firstId`, plus signed and last-resort keys. */
export function makePrekeys(identity: IdentityKeyPair, count: number, firstId = 1): RequestInit<'uploadPrekeys'> {
  const sign = (key: PublicKey) => identity.privateKey.sign(key.serialize());
  const kyber = (keyId: number) => {
    const publicKey = KEMKeyPair.generate().getPublicKey().serialize();
    return { keyId, publicKey, signature: identity.privateKey.sign(publicKey) };
  };
  const signed = PrivateKey.generate().getPublicKey();
  return {
    ecPrekeys: Array.from({ length: count }, (_, i) => ({ keyId: firstId + i, publicKey: PrivateKey.generate().getPublicKey().serialize() })),
    kyberPrekeys: Array.from({ length: count }, (_, i) => kyber(firstId + i)),
    signedPrekey: { keyId: firstId, publicKey: signed.serialize(), signature: sign(signed) },
    lastResortKyberPrekey: kyber(0xffffff),
  };
}

/** Registers `username` (device 1 unless told), authenticates a fresh connection as it, and uploads prekeys if asked. */
export async function registerDevice(
  url: string,
  username: string,
  options: { deviceId?: number; prekeys?: number; identity?: IdentityKeyPair } = {},
): Promise<TestDevice> {
  const identity = options.identity ?? IdentityKeyPair.generate();
  const deviceId = options.deviceId ?? 1;
  const secret = randomBytes(32);
  const client = await RelayTestClient.connect(url);
  const { accountId } = await client.request('register', {
    username,
    deviceId,
    registrationId: 1 + (randomBytes(2).readUInt16BE() % 16000),
    identityKey: identity.publicKey.serialize(),
    authSecret: secret,
  });
  await client.request('authenticate', { username, deviceId, authSecret: secret });
  if (options.prekeys !== undefined) await client.request('uploadPrekeys', makePrekeys(identity, options.prekeys));
  return { username, deviceId, secret, accountId, identity, client };
}

/** Opens another connection authenticated as an existing device. */
export async function reconnect(url: string, device: Pick<TestDevice, 'username' | 'deviceId' | 'secret'>): Promise<RelayTestClient> {
  const client = await RelayTestClient.connect(url);
  await client.request('authenticate', { username: device.username, deviceId: device.deviceId, authSecret: device.secret });
  return client;
}

/** A fresh 16-byte submission id. */
export const submissionId = (): Uint8Array => randomBytes(16);
