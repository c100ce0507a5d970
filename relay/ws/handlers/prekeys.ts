import { PublicKey } from '@signalapp/libsignal-client';
import type { EcPreKey, KyberPreKey, SignedEcPreKey } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { fail } from '../../errors';
import type { StoredBundle, StoredSignedPreKey } from '../../store/types';
import { checkDeviceId, checkKemPublicKey, checkSignature, parsePublicKey } from '../../validate';
import type { Handler } from '../handler';
import { requireSession } from '../session';
import { findAccount } from './accounts';

function checkDistinctIds(keys: readonly { keyId: number }[], field: string): void {
  if (new Set(keys.map((k) => k.keyId)).size !== keys.length) throw fail.invalid(`${field} repeats a key_id.`);
}

function ecKey(key: EcPreKey, field: string): { keyId: number; publicKey: Uint8Array } {
  parsePublicKey(key.publicKey, field);
  return { keyId: key.keyId, publicKey: Uint8Array.from(key.publicKey) };
}

function signedEcKey(key: SignedEcPreKey, identity: PublicKey, field: string): StoredSignedPreKey {
  parsePublicKey(key.publicKey, field);
  checkSignature(identity, key.publicKey, key.signature, field);
  return { keyId: key.keyId, publicKey: Uint8Array.from(key.publicKey), signature: Uint8Array.from(key.signature) };
}

function kyberKey(key: KyberPreKey, identity: PublicKey, field: string): StoredSignedPreKey {
  checkKemPublicKey(key.publicKey, field);
  checkSignature(identity, key.publicKey, key.signature, field);
  return { keyId: key.keyId, publicKey: Uint8Array.from(key.publicKey), signature: Uint8Array.from(key.signature) };
}

export const uploadPrekeys: Handler<'uploadPrekeys'> = async (request, context) => {
  const session = requireSession(context);
  const { limits, store } = context.relay;
  const max = limits.maxPrekeysPerUpload;
  if (request.ecPrekeys.length > max || request.kyberPrekeys.length > max) throw fail.tooLarge(`Upload at most ${max} one-time prekeys of each kind at once.`);
  checkDistinctIds(request.ecPrekeys, 'ec_prekeys');
  checkDistinctIds(request.kyberPrekeys, 'kyber_prekeys');
  const identity = PublicKey.deserialize(Uint8Array.from(session.account.identityKey));
  const upload = {
    ecPrekeys: request.ecPrekeys.map((k) => ecKey(k, 'ec_prekeys')),
    kyberPrekeys: request.kyberPrekeys.map((k) => kyberKey(k, identity, 'kyber_prekeys')),
    ...(request.signedPrekey && { signedPrekey: signedEcKey(request.signedPrekey, identity, 'signed_prekey') }),
    ...(request.lastResortKyberPrekey && { lastResortKyberPrekey: kyberKey(request.lastResortKyberPrekey, identity, 'last_resort_kyber_prekey') }),
  };
  const counts = await store.prekeys.upload({ accountId: session.account.accountId, deviceId: session.deviceId }, upload, limits.maxPrekeysPerDevice);
  if (counts === 'too-many') throw fail.tooLarge(`A device may hold at most ${limits.maxPrekeysPerDevice} one-time prekeys of each kind.`);
  return { ecPrekeys: counts.ec, kyberPrekeys: counts.kyber };
};

export const prekeyCount: Handler<'prekeyCount'> = async (_request, context) => {
  const session = requireSession(context);
  const counts = await context.relay.store.prekeys.counts({ accountId: session.account.accountId, deviceId: session.deviceId });
  return { ecPrekeys: counts.ec, kyberPrekeys: counts.kyber };
};

export const getBundles: Handler<'getBundles'> = async (request, context) => {
  requireSession(context);
  const { store, limits, metrics } = context.relay;
  const account = await findAccount(request.target, context);
  const deviceId = request.deviceId === 0 ? undefined : checkDeviceId(request.deviceId);
  const bundles = await store.prekeys.takeBundles(account.accountId, deviceId);
  if (bundles.length === 0) throw fail.notFound(deviceId === undefined ? 'A device with prekeys' : `Prekeys for device ${deviceId}`);
  metrics.bundles(bundles.length);
  for (const bundle of bundles) {
    const { remaining } = bundle;
    if (remaining.ec < limits.prekeyLowThreshold || remaining.kyber < limits.prekeyLowThreshold) {
      void store.mailboxes.notifyPrekeysLow({ accountId: account.accountId, deviceId: bundle.deviceId }, remaining).catch(() => {});
    }
  }
  return { username: account.username, accountId: account.accountId, identityKey: account.identityKey, bundles: bundles.map(toWire) };
};

function toWire(bundle: StoredBundle) {
  return {
    deviceId: bundle.deviceId,
    registrationId: bundle.registrationId,
    signedPrekey: bundle.signedPrekey,
    ...(bundle.ecPrekey && { ecPrekey: bundle.ecPrekey }),
    kyberPrekey: bundle.kyberPrekey,
    kyberIsLastResort: bundle.kyberIsLastResort,
  };
}
