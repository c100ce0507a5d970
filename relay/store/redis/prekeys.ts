import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { EcPreKeySchema, KyberPreKeySchema, SignedEcPreKeySchema } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import type { MailboxAddress, PrekeyCounts, PrekeyStore, PrekeyUpload, StoredBundle, StoredSignedPreKey } from '../types';
import { decodeDevice } from './accounts';
import type { Reply, Scripts } from './scripts';

/** Prekeys are kept in Redis as their wire messages. */
const ecBytes = (key: { keyId: number; publicKey: Uint8Array }) => toBinary(EcPreKeySchema, create(EcPreKeySchema, key));
const kyberBytes = (key: StoredSignedPreKey) => toBinary(KyberPreKeySchema, create(KyberPreKeySchema, key));
const signedBytes = (key: StoredSignedPreKey) => toBinary(SignedEcPreKeySchema, create(SignedEcPreKeySchema, key));
const readOptions = { readUnknownFields: false } as const;

function counts(reply: Reply): PrekeyCounts {
  if (!Array.isArray(reply)) throw new TypeError('Unexpected prekey count reply from Redis.');
  return { ec: Number(reply[0]), kyber: Number(reply[1]) };
}

function bytes(value: Reply | undefined): Buffer {
  if (!Buffer.isBuffer(value)) throw new TypeError('Unexpected prekey reply from Redis.');
  return value;
}

export class RedisPrekeys implements PrekeyStore {
  constructor(
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async upload(address: MailboxAddress, keys: PrekeyUpload, maxPerDevice: number): Promise<PrekeyCounts | 'too-many'> {
    const reply = await this.scripts.run('uploadPrekeys', [
      this.prefix,
      address.accountId,
      address.deviceId,
      maxPerDevice,
      keys.signedPrekey ? signedBytes(keys.signedPrekey) : '',
      keys.lastResortKyberPrekey ? kyberBytes(keys.lastResortKyberPrekey) : '',
      keys.ecPrekeys.length,
      ...keys.ecPrekeys.flatMap((key) => [key.keyId, ecBytes(key)]),
      keys.kyberPrekeys.length,
      ...keys.kyberPrekeys.flatMap((key) => [key.keyId, kyberBytes(key)]),
    ]);
    return reply === -1 ? 'too-many' : counts(reply);
  }

  async counts(address: MailboxAddress): Promise<PrekeyCounts> {
    return counts(await this.scripts.run('prekeyCounts', [this.prefix, address.accountId, address.deviceId]));
  }

  async takeBundles(accountId: string, deviceId: number | undefined): Promise<StoredBundle[]> {
    const reply = await this.scripts.run('takeBundles', [this.prefix, accountId, deviceId ?? 0]);
    if (!Array.isArray(reply)) throw new TypeError('Unexpected bundle reply from Redis.');
    return reply
      .map((row): StoredBundle => {
        if (!Array.isArray(row)) throw new TypeError('Unexpected bundle reply from Redis.');
        const [device, json, signed, lastResort, ec, kyber, ecLeft, kyberLeft] = row;
        const signedKey = fromBinary(SignedEcPreKeySchema, bytes(signed), readOptions);
        const ecKey = bytes(ec).length > 0 ? fromBinary(EcPreKeySchema, bytes(ec), readOptions) : undefined;
        const kyberKey = fromBinary(KyberPreKeySchema, bytes(bytes(kyber).length > 0 ? kyber : lastResort), readOptions);
        return {
          deviceId: Number(bytes(device).toString()),
          registrationId: decodeDevice(bytes(json).toString()).registrationId,
          signedPrekey: { keyId: signedKey.keyId, publicKey: signedKey.publicKey, signature: signedKey.signature },
          ...(ecKey && { ecPrekey: { keyId: ecKey.keyId, publicKey: ecKey.publicKey } }),
          kyberPrekey: { keyId: kyberKey.keyId, publicKey: kyberKey.publicKey, signature: kyberKey.signature },
          kyberIsLastResort: bytes(kyber).length === 0,
          remaining: { ec: Number(ecLeft), kyber: Number(kyberLeft) },
        };
      })
      .sort((a, b) => a.deviceId - b.deviceId);
  }
}
