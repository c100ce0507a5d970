import { randomInt } from 'node:crypto';
import { IdentityKeyPair, KEMKeyPair, KyberPreKeyRecord, PreKeyRecord, PrivateKey, SignedPreKeyRecord } from '@signalapp/libsignal-client';
import { ProtocolError } from './errors';
import type { PublicKyberPreKey, PublicPreKey, PublicSignedPreKey } from './public-keys';
import type { KyberPreKeyMeta, LocalAccountRecord, SignedPreKeyMeta } from './storage';
import type { ProtocolTransaction } from './transaction';

/**
 * A profile's protocol keys: the identity key pair and registration id, and
 * the prekeys others use to start sessions with us while we are offline:
 * one-time EC and Kyber prekeys (each used once), and a signed EC prekey and
 * a last-resort Kyber prekey (used when the one-time ones run out), which
 * rotate every two days. Every function here writes through a transaction, so
 * the caller commits only once the relay has accepted the upload.
 */

/** One-time keys made at a time, as Signal does. */
export const ONE_TIME_PREKEY_BATCH = 100;
/** Replenish when the relay holds fewer one-time keys than this. */
export const PREKEY_LOW_WATER_MARK = 10;
/** Prekey ids are 24-bit and wrap around, as in Signal, so they fit every client's id fields. */
export const MAX_PREKEY_ID = 0xffffff;
export const PREKEY_ROTATION_INTERVAL_MS = 2 * 24 * 60 * 60 * 1000;
/** Signed and last-resort prekeys kept after a rotation (the newest included), so sessions started from a recent bundle still complete. */
export const ROTATED_PREKEYS_KEPT = 5;
/** libsignal's registration ids are 14-bit: 1..16380. */
export const MAX_REGISTRATION_ID = 16380;

/** What to publish on the relay; every key list may be empty when nothing of that kind is new. */
export interface PreKeyUpload {
  /** Serialized identity public key (33 bytes). */
  readonly identityKey: Uint8Array;
  readonly registrationId: number;
  readonly signedPreKey: PublicSignedPreKey | null;
  readonly lastResortKyberPreKey: PublicKyberPreKey | null;
  readonly preKeys: readonly PublicPreKey[];
  readonly kyberPreKeys: readonly PublicKyberPreKey[];
}

export function generateRegistrationId(): number {
  return randomInt(1, MAX_REGISTRATION_ID + 1);
}

/** The id after `id`, wrapping from MAX_PREKEY_ID back to 1. */
export function nextPreKeyId(id: number): number {
  return (id % MAX_PREKEY_ID) + 1;
}

function emptyUpload(account: LocalAccountRecord, identity: IdentityKeyPair): PreKeyUpload {
  return {
    identityKey: identity.publicKey.serialize(),
    registrationId: account.registrationId,
    signedPreKey: null,
    lastResortKyberPreKey: null,
    preKeys: [],
    kyberPreKeys: [],
  };
}

export interface CreateAccountOptions {
  readonly preKeyCount?: number;
  readonly kyberPreKeyCount?: number;
}

/**
 * Make a new profile's keys. Refused if the profile already has an identity:
 * replacing it would orphan every session and alert every contact.
 */
export async function createAccount(tx: ProtocolTransaction, options: CreateAccountOptions = {}): Promise<PreKeyUpload> {
  if ((await tx.getLocalAccount()) !== null) {
    throw new ProtocolError('account-exists', 'This profile already has account keys.');
  }
  const identity = IdentityKeyPair.generate();
  // Ids start at random points so a re-created account does not collide with
  // keys the relay may still hold for the old one.
  tx.putLocalAccount({
    identityKeyPair: identity.serialize(),
    registrationId: generateRegistrationId(),
    nextPreKeyId: randomInt(1, MAX_PREKEY_ID + 1),
    nextSignedPreKeyId: randomInt(1, MAX_PREKEY_ID + 1),
    nextKyberPreKeyId: randomInt(1, MAX_PREKEY_ID + 1),
    createdAt: tx.now(),
  });
  const account = await tx.requireLocalAccount();
  return {
    ...emptyUpload(account, identity),
    preKeys: await generatePreKeys(tx, options.preKeyCount ?? ONE_TIME_PREKEY_BATCH),
    kyberPreKeys: await generateKyberPreKeys(tx, options.kyberPreKeyCount ?? ONE_TIME_PREKEY_BATCH),
    signedPreKey: await generateSignedPreKey(tx),
    lastResortKyberPreKey: await generateLastResortKyberPreKey(tx),
  };
}

/** Take `count` ids of one kind from the account's counter. */
async function takeIds(tx: ProtocolTransaction, counter: 'nextPreKeyId' | 'nextSignedPreKeyId' | 'nextKyberPreKeyId', count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0 || count > MAX_PREKEY_ID) throw new ProtocolError('misuse', 'A prekey count must be a small non-negative integer.');
  const account = await tx.requireLocalAccount();
  const ids: number[] = [];
  let next = account[counter];
  for (let i = 0; i < count; i += 1) {
    ids.push(next);
    next = nextPreKeyId(next);
  }
  tx.putLocalAccount({ ...account, [counter]: next });
  return ids;
}

export async function generatePreKeys(tx: ProtocolTransaction, count: number): Promise<PublicPreKey[]> {
  const now = tx.now();
  return (await takeIds(tx, 'nextPreKeyId', count)).map((id) => {
    const privateKey = PrivateKey.generate();
    const record = PreKeyRecord.new(id, privateKey.getPublicKey(), privateKey);
    tx.putPreKey({ id, record: record.serialize(), createdAt: now });
    return { id, publicKey: record.publicKey().serialize() };
  });
}

async function generateKyber(tx: ProtocolTransaction, count: number, lastResort: boolean): Promise<PublicKyberPreKey[]> {
  const identity = await tx.identityKeyPair();
  const now = tx.now();
  return (await takeIds(tx, 'nextKyberPreKeyId', count)).map((id) => {
    const keyPair = KEMKeyPair.generate();
    const publicKey = keyPair.getPublicKey().serialize();
    const signature = identity.privateKey.sign(publicKey);
    const record = KyberPreKeyRecord.new(id, now, keyPair, signature);
    tx.putKyberPreKey({ id, record: record.serialize(), createdAt: now, lastResort, used: false });
    return { id, publicKey, signature };
  });
}

export function generateKyberPreKeys(tx: ProtocolTransaction, count: number): Promise<PublicKyberPreKey[]> {
  return generateKyber(tx, count, false);
}

export async function generateLastResortKyberPreKey(tx: ProtocolTransaction): Promise<PublicKyberPreKey> {
  const [key] = await generateKyber(tx, 1, true);
  if (key === undefined) throw new ProtocolError('misuse', 'No last-resort key was generated.');
  return key;
}

export async function generateSignedPreKey(tx: ProtocolTransaction): Promise<PublicSignedPreKey> {
  const identity = await tx.identityKeyPair();
  const now = tx.now();
  const [id] = await takeIds(tx, 'nextSignedPreKeyId', 1);
  if (id === undefined) throw new ProtocolError('misuse', 'No signed prekey id was allocated.');
  const privateKey = PrivateKey.generate();
  const publicKey = privateKey.getPublicKey().serialize();
  const signature = identity.privateKey.sign(publicKey);
  const record = SignedPreKeyRecord.new(id, now, privateKey.getPublicKey(), privateKey, signature);
  tx.putSignedPreKey({ id, record: record.serialize(), createdAt: now });
  return { id, publicKey, signature };
}

/** How many one-time keys of each kind the relay still holds, or how many to make. */
export interface OneTimePreKeyCounts {
  readonly preKeys: number;
  readonly kyberPreKeys: number;
}

/** How many one-time keys to generate, given what the relay still holds: a full batch of a kind once it runs low. */
export function planReplenishment(onRelay: OneTimePreKeyCounts): OneTimePreKeyCounts {
  return {
    preKeys: onRelay.preKeys < PREKEY_LOW_WATER_MARK ? ONE_TIME_PREKEY_BATCH : 0,
    kyberPreKeys: onRelay.kyberPreKeys < PREKEY_LOW_WATER_MARK ? ONE_TIME_PREKEY_BATCH : 0,
  };
}

/** Generate more one-time keys when the relay says the supply is low; null when it is not. */
export async function replenishPreKeys(tx: ProtocolTransaction, onRelay: OneTimePreKeyCounts): Promise<PreKeyUpload | null> {
  const plan = planReplenishment(onRelay);
  if (plan.preKeys === 0 && plan.kyberPreKeys === 0) return null;
  const upload = emptyUpload(await tx.requireLocalAccount(), await tx.identityKeyPair());
  return {
    ...upload,
    preKeys: await generatePreKeys(tx, plan.preKeys),
    kyberPreKeys: await generateKyberPreKeys(tx, plan.kyberPreKeys),
  };
}

export interface PrekeyRotationPlan {
  readonly createSignedPreKey: boolean;
  readonly createLastResortKyberPreKey: boolean;
  /** Oldest signed prekeys beyond the kept ones. */
  readonly deleteSignedPreKeyIds: readonly number[];
  /** Oldest last-resort Kyber prekeys beyond the kept ones, and one-time Kyber prekeys already used. */
  readonly deleteKyberPreKeyIds: readonly number[];
}

interface Dated {
  readonly id: number;
  readonly createdAt: number;
}

function rotate(now: number, keys: readonly Dated[], force: boolean): { create: boolean; deleteIds: number[] } {
  const newestFirst = [...keys].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  const newest = newestFirst[0];
  const create = force || newest === undefined || now - newest.createdAt >= PREKEY_ROTATION_INTERVAL_MS;
  const keep = create ? ROTATED_PREKEYS_KEPT - 1 : ROTATED_PREKEYS_KEPT;
  return { create, deleteIds: newestFirst.slice(keep).map((key) => key.id) };
}

/**
 * What a rotation at `now` does, given the stored keys: a new signed prekey and
 * a new last-resort Kyber prekey once the newest is two days old (or at once
 * with `force`, after a salvage), keeping the newest five of each (the new one
 * included). A pure function, so the policy is tested without clocks.
 */
export function planPrekeyRotation(
  now: number,
  signedPreKeys: readonly SignedPreKeyMeta[],
  kyberPreKeys: readonly KyberPreKeyMeta[],
  options: { force?: boolean } = {},
): PrekeyRotationPlan {
  const force = options.force ?? false;
  const signed = rotate(now, signedPreKeys, force);
  const lastResort = rotate(now, kyberPreKeys.filter((key) => key.lastResort), force);
  const usedOneTime = kyberPreKeys.filter((key) => !key.lastResort && key.used).map((key) => key.id);
  return {
    createSignedPreKey: signed.create,
    createLastResortKyberPreKey: lastResort.create,
    deleteSignedPreKeyIds: signed.deleteIds,
    deleteKyberPreKeyIds: [...lastResort.deleteIds, ...usedOneTime],
  };
}

/** Apply the rotation plan at the transaction's clock; the upload is null when nothing new needs publishing. */
export async function rotatePrekeys(tx: ProtocolTransaction, options: { force?: boolean } = {}): Promise<{ plan: PrekeyRotationPlan; upload: PreKeyUpload | null }> {
  const plan = planPrekeyRotation(tx.now(), await tx.listSignedPreKeys(), await tx.listKyberPreKeys(), options);
  for (const id of plan.deleteSignedPreKeyIds) tx.removeSignedPreKey(id);
  for (const id of plan.deleteKyberPreKeyIds) tx.removeKyberPreKey(id);
  if (!plan.createSignedPreKey && !plan.createLastResortKyberPreKey) return { plan, upload: null };
  const upload = emptyUpload(await tx.requireLocalAccount(), await tx.identityKeyPair());
  return {
    plan,
    upload: {
      ...upload,
      signedPreKey: plan.createSignedPreKey ? await generateSignedPreKey(tx) : null,
      lastResortKyberPreKey: plan.createLastResortKyberPreKey ? await generateLastResortKyberPreKey(tx) : null,
    },
  };
}
