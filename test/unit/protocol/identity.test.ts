import { describe, expect, it } from 'vitest';
import {
  acceptIdentityKey,
  decryptMessage,
  encryptMessage,
  isSendingHeld,
  ProtocolError,
  setIdentityVerification,
  startSession,
} from '../../../main/core/protocol';
import { createDevice, read, takeBundle, TestClock, text, type TestDevice } from './fixtures';

async function failure(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

/** Alice and Bob with a working session both ways. */
async function friends(clock: TestClock): Promise<{ alice: TestDevice; bob: TestDevice }> {
  const alice = await createDevice('alice', clock);
  const bob = await createDevice('bob', clock);
  await alice.store.transact((tx) => startSession(tx, bob.address, takeBundle(bob)));
  const hello = await alice.store.transact((tx) => encryptMessage(tx, bob.address, text('hello')));
  await bob.store.transact((tx) => decryptMessage(tx, alice.address, hello));
  return { alice, bob };
}

/** Alice reinstalls: same name, new identity key, and writes to Bob from scratch. */
async function aliceReinstallsAndWrites(clock: TestClock, bob: TestDevice): Promise<{ newAlice: TestDevice; message: Parameters<typeof decryptMessage>[2] }> {
  const newAlice = await createDevice('alice', clock);
  await newAlice.store.transact((tx) => startSession(tx, bob.address, takeBundle(bob)));
  const message = await newAlice.store.transact((tx) => encryptMessage(tx, bob.address, text('new phone, who dis')));
  return { newAlice, message };
}

describe('identity keys and their changes', () => {
  it('keeps a changed key from an ordinary contact, reports it, and keeps sending', async () => {
    const clock = new TestClock();
    const { alice, bob } = await friends(clock);
    const firstSeen = clock.now();
    clock.advance(60_000);
    const { newAlice, message } = await aliceReinstallsAndWrites(clock, bob);

    const received = await bob.store.transact((tx) => decryptMessage(tx, alice.address, message));
    expect(read(received.content)).toBe('new phone, who dis');
    expect(received.identityChange).toEqual({
      name: 'alice',
      previousKey: alice.upload.identityKey,
      newKey: newAlice.upload.identityKey,
      wasVerified: false,
      sendingHeld: false,
      at: clock.now(),
    });
    expect(bob.storage.getIdentity('alice')).toEqual({
      name: 'alice',
      publicKey: newAlice.upload.identityKey,
      verification: 'default',
      firstSeenAt: firstSeen,
      changedAt: clock.now(),
    });

    const reply = await bob.store.transact((tx) => encryptMessage(tx, alice.address, text('hi again')));
    expect(read((await newAlice.store.transact((tx) => decryptMessage(tx, bob.address, reply))).content)).toBe('hi again');
  });

  it('flags the change of a verified contact and holds sending until the user looks', async () => {
    const clock = new TestClock();
    const { alice, bob } = await friends(clock);
    await bob.store.transact((tx) => setIdentityVerification(tx, 'alice', 'verified', alice.upload.identityKey));
    const { newAlice, message } = await aliceReinstallsAndWrites(clock, bob);

    const received = await bob.store.transact((tx) => decryptMessage(tx, alice.address, message));
    expect(received.identityChange).toMatchObject({ wasVerified: true, sendingHeld: true });
    const stored = bob.storage.getIdentity('alice');
    expect(stored?.verification).toBe('unverified');
    expect(isSendingHeld(stored)).toBe(true);

    const held = await failure(bob.store.transact((tx) => encryptMessage(tx, alice.address, text('are you really alice?'))));
    expect(held.kind).toBe('untrusted-identity');
    expect(held.address).toEqual(alice.address);

    // Verifying the old key is refused: it is not Alice's key any more.
    const stale = await failure(bob.store.transact((tx) => setIdentityVerification(tx, 'alice', 'verified', alice.upload.identityKey)));
    expect(stale.kind).toBe('stale-identity');

    await bob.store.transact((tx) => setIdentityVerification(tx, 'alice', 'verified', newAlice.upload.identityKey));
    const reply = await bob.store.transact((tx) => encryptMessage(tx, alice.address, text('verified again')));
    expect(read((await newAlice.store.transact((tx) => decryptMessage(tx, bob.address, reply))).content)).toBe('verified again');
  });

  it('refuses to start a session with a changed key of a verified contact until the user accepts it', async () => {
    const clock = new TestClock();
    const alice = await createDevice('alice', clock);
    const bob = await createDevice('bob', clock);
    await alice.store.transact((tx) => startSession(tx, bob.address, takeBundle(bob)));
    await alice.store.transact((tx) => setIdentityVerification(tx, 'bob', 'verified', bob.upload.identityKey));

    const newBob = await createDevice('bob', clock);
    const bundle = takeBundle(newBob);
    const refused = await failure(alice.store.transact((tx) => startSession(tx, bob.address, bundle)));
    expect(refused.kind).toBe('untrusted-identity');
    expect(refused.identityChange).toMatchObject({ previousKey: bob.upload.identityKey, newKey: newBob.upload.identityKey, wasVerified: true });
    expect(alice.storage.getIdentity('bob')?.publicKey).toEqual(bob.upload.identityKey);

    const accepted = await alice.store.transact((tx) => acceptIdentityKey(tx, 'bob', newBob.upload.identityKey));
    expect(accepted).toMatchObject({ wasVerified: true, sendingHeld: false });
    expect(alice.storage.getIdentity('bob')).toMatchObject({ publicKey: newBob.upload.identityKey, verification: 'default' });

    await alice.store.transact((tx) => startSession(tx, bob.address, bundle));
    const message = await alice.store.transact((tx) => encryptMessage(tx, bob.address, text('hello new bob')));
    expect(read((await newBob.store.transact((tx) => decryptMessage(tx, alice.address, message))).content)).toBe('hello new bob');
  });

  it('starts a session with a changed key of an ordinary contact and reports the change', async () => {
    const clock = new TestClock();
    const alice = await createDevice('alice', clock);
    const bob = await createDevice('bob', clock);
    await alice.store.transact((tx) => startSession(tx, bob.address, takeBundle(bob)));
    const newBob = await createDevice('bob', clock);
    const started = await alice.store.transact((tx) => startSession(tx, bob.address, takeBundle(newBob)));
    expect(started.identityChange).toMatchObject({ previousKey: bob.upload.identityKey, newKey: newBob.upload.identityKey, wasVerified: false });
  });
});
