import { KEMPublicKey, PublicKey } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import {
  createAccount,
  decryptMessage,
  encryptMessage,
  MAX_PREKEY_ID,
  MAX_REGISTRATION_ID,
  MemoryProtocolStorage,
  planPrekeyRotation,
  planReplenishment,
  PREKEY_ROTATION_INTERVAL_MS,
  ProtocolError,
  ProtocolStore,
  replenishPreKeys,
  rotatePrekeys,
  startSession,
  type KyberPreKeyMeta,
  type PreKeyBundleInput,
} from '../../../main/core/protocol';
import { nextPreKeyId } from '../../../main/core/protocol/account';
import { createDevice, read, takeBundle, TestClock, text } from './fixtures';

const DAY = 24 * 60 * 60 * 1000;
const bytes = (value: Uint8Array) => Uint8Array.from(value);

describe('account keys', () => {
  it('creates an identity, a registration id, 100 + 100 one-time prekeys and two signed prekeys', async () => {
    const storage = new MemoryProtocolStorage();
    const store = new ProtocolStore(storage, { localAddress: { name: 'alice', deviceId: 1 } });
    const upload = await store.transact((tx) => createAccount(tx));

    expect(upload.registrationId).toBeGreaterThanOrEqual(1);
    expect(upload.registrationId).toBeLessThanOrEqual(MAX_REGISTRATION_ID);
    expect(upload.preKeys).toHaveLength(100);
    expect(upload.kyberPreKeys).toHaveLength(100);
    const identity = PublicKey.deserialize(bytes(upload.identityKey));

    // Ids are consecutive (wrapping at 24 bits) and the private halves are stored.
    for (let i = 1; i < upload.preKeys.length; i += 1) expect(upload.preKeys[i]!.id).toBe(nextPreKeyId(upload.preKeys[i - 1]!.id));
    for (const preKey of upload.preKeys) expect(storage.getPreKey(preKey.id)).not.toBeNull();
    for (const kyber of upload.kyberPreKeys) {
      expect(identity.verify(bytes(kyber.publicKey), bytes(kyber.signature))).toBe(true);
      expect(() => KEMPublicKey.deserialize(bytes(kyber.publicKey))).not.toThrow();
      expect(storage.getKyberPreKey(kyber.id)).toMatchObject({ lastResort: false, used: false });
    }
    const signed = upload.signedPreKey!;
    expect(identity.verify(bytes(signed.publicKey), bytes(signed.signature))).toBe(true);
    const lastResort = upload.lastResortKyberPreKey!;
    expect(identity.verify(bytes(lastResort.publicKey), bytes(lastResort.signature))).toBe(true);
    expect(storage.getKyberPreKey(lastResort.id)).toMatchObject({ lastResort: true });
    expect(new Set([...upload.kyberPreKeys.map((key) => key.id), lastResort.id]).size).toBe(101);
    expect(storage.getLocalAccount()?.registrationId).toBe(upload.registrationId);

    await expect(store.transact((tx) => createAccount(tx))).rejects.toMatchObject({ kind: 'account-exists' });
  });

  it('wraps prekey ids at 24 bits without reaching 0', () => {
    expect(nextPreKeyId(1)).toBe(2);
    expect(nextPreKeyId(MAX_PREKEY_ID)).toBe(1);
  });

  it('replenishes a kind of one-time key when the relay runs low, continuing the ids', async () => {
    expect(planReplenishment({ preKeys: 9, kyberPreKeys: 10 })).toEqual({ preKeys: 100, kyberPreKeys: 0 });
    expect(planReplenishment({ preKeys: 50, kyberPreKeys: 0 })).toEqual({ preKeys: 0, kyberPreKeys: 100 });

    const clock = new TestClock();
    const bob = await createDevice('bob', clock, { preKeyCount: 3, kyberPreKeyCount: 3 });
    expect(await bob.store.transact((tx) => replenishPreKeys(tx, { preKeys: 50, kyberPreKeys: 50 }))).toBeNull();
    const more = await bob.store.transact((tx) => replenishPreKeys(tx, { preKeys: 2, kyberPreKeys: 3 }));
    expect(more?.preKeys).toHaveLength(100);
    expect(more?.kyberPreKeys).toHaveLength(100);
    expect(more?.signedPreKey).toBeNull();
    expect(more?.preKeys[0]?.id).toBe(nextPreKeyId(bob.upload.preKeys[2]!.id));
    // The last-resort key took the Kyber id after the three one-time keys.
    expect(more?.kyberPreKeys[0]?.id).toBe(nextPreKeyId(bob.upload.lastResortKyberPreKey!.id));
    expect(bob.storage.getPreKey(more!.preKeys[99]!.id)).not.toBeNull();
  });
});

describe('prekey rotation policy', () => {
  const now = Date.UTC(2025, 5, 1);
  const signed = (ageDays: number[]) => ageDays.map((age, index) => ({ id: index + 1, createdAt: now - age * DAY }));
  const lastResort = (ageDays: number[]): KyberPreKeyMeta[] =>
    ageDays.map((age, index) => ({ id: 100 + index, createdAt: now - age * DAY, lastResort: true, used: false }));

  it('creates both kinds when there are none', () => {
    expect(planPrekeyRotation(now, [], [])).toEqual({
      createSignedPreKey: true,
      createLastResortKyberPreKey: true,
      deleteSignedPreKeyIds: [],
      deleteKyberPreKeyIds: [],
    });
  });

  it('waits until the newest key is two days old', () => {
    const plan = planPrekeyRotation(now, signed([1.9, 4]), lastResort([1.9]));
    expect(plan.createSignedPreKey).toBe(false);
    expect(plan.createLastResortKyberPreKey).toBe(false);
    expect(PREKEY_ROTATION_INTERVAL_MS).toBe(2 * DAY);
    expect(planPrekeyRotation(now, signed([2, 4]), lastResort([2])).createSignedPreKey).toBe(true);
  });

  it('rotates at once when forced (after a salvage rolled the keys back), keeping the newest five', () => {
    const plan = planPrekeyRotation(now, signed([0.1, 1, 2, 3, 4]), lastResort([0.1]), { force: true });
    expect(plan.createSignedPreKey).toBe(true);
    expect(plan.createLastResortKyberPreKey).toBe(true);
    expect(plan.deleteSignedPreKeyIds).toHaveLength(1);
  });

  it('keeps the newest five, counting the one about to be made', () => {
    const plan = planPrekeyRotation(now, signed([2, 4, 6, 8, 10, 12]), lastResort([3, 5, 7, 9, 11, 13, 15]));
    expect(plan.deleteSignedPreKeyIds).toEqual([5, 6]);
    expect(plan.deleteKyberPreKeyIds).toEqual([104, 105, 106]);
    const calm = planPrekeyRotation(now, signed([1, 4, 6, 8, 10, 12]), []);
    expect(calm.deleteSignedPreKeyIds).toEqual([6]);
  });

  it('drops used one-time Kyber keys, never unused ones', () => {
    const oneTime: KyberPreKeyMeta[] = [
      { id: 7, createdAt: now - 30 * DAY, lastResort: false, used: true },
      { id: 8, createdAt: now - 30 * DAY, lastResort: false, used: false },
    ];
    expect(planPrekeyRotation(now, signed([1]), [...lastResort([1]), ...oneTime]).deleteKyberPreKeyIds).toEqual([7]);
  });

  it('rotates every two days, keeps five, and old bundles within those still start sessions', async () => {
    const clock = new TestClock();
    const alice = await createDevice('alice', clock);
    const bob = await createDevice('bob', clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
    const bundles: PreKeyBundleInput[] = [takeBundle(bob)];

    expect((await bob.store.transact((tx) => rotatePrekeys(tx))).upload).toBeNull();
    for (let round = 0; round < 6; round += 1) {
      clock.advance(2 * DAY);
      const { upload } = await bob.store.transact((tx) => rotatePrekeys(tx));
      expect(upload?.signedPreKey).not.toBeNull();
      expect(upload?.lastResortKyberPreKey).not.toBeNull();
      bundles.push({ ...bundles[0]!, signedPreKey: upload!.signedPreKey!, kyberPreKey: upload!.lastResortKyberPreKey! });
    }
    expect(bob.storage.listSignedPreKeys()).toHaveLength(5);
    expect(bob.storage.listKyberPreKeys().filter((key) => key.lastResort)).toHaveLength(5);

    // The five newest bundles work; the two oldest name keys that were rotated away.
    const results: string[] = [];
    for (const bundle of bundles) {
      const newAlice = await createDevice('alice', clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
      await newAlice.store.transact((tx) => startSession(tx, bob.address, bundle));
      const message = await newAlice.store.transact((tx) => encryptMessage(tx, bob.address, text('hi')));
      try {
        results.push(read((await bob.store.transact((tx) => decryptMessage(tx, alice.address, message))).content));
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        results.push((error as ProtocolError).kind);
      }
    }
    expect(results).toEqual(['invalid-prekey', 'invalid-prekey', 'hi', 'hi', 'hi', 'hi', 'hi']);
  });
});
