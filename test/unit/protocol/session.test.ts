import { describe, expect, it } from 'vitest';
import {
  archiveSession,
  decryptMessage,
  encryptMessage,
  hasUsableSession,
  needsSessionReset,
  ProtocolError,
  startSession,
  type SessionCiphertext,
} from '../../../main/core/protocol';
import { createDevice, read, restoreStorage, takeBundle, TestClock, text, type TestDevice } from './fixtures';

async function send(from: TestDevice, to: TestDevice, ...messages: string[]): Promise<SessionCiphertext[]> {
  return from.store.transact(async (tx) => {
    const out: SessionCiphertext[] = [];
    for (const message of messages) out.push(await encryptMessage(tx, to.address, text(message)));
    return out;
  });
}

async function receive(at: TestDevice, from: TestDevice, ...messages: SessionCiphertext[]): Promise<string[]> {
  return at.store.transact(async (tx) => {
    const out: string[] = [];
    for (const message of messages) out.push(read((await decryptMessage(tx, from.address, message)).content));
    return out;
  });
}

async function failure(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

async function pair(clock: TestClock, bobOptions: { preKeyCount?: number; kyberPreKeyCount?: number } = {}) {
  const alice = await createDevice('alice', clock);
  const bob = await createDevice('bob', clock, bobOptions);
  const bundle = takeBundle(bob);
  const started = await alice.store.transact((tx) => startSession(tx, bob.address, bundle));
  expect(started.identityChange).toBeNull();
  return { alice, bob, bundle };
}

describe('sessions and the 1:1 cipher', () => {
  it('carries messages both ways, out of order, and refuses a duplicate', async () => {
    const clock = new TestClock();
    const { alice, bob } = await pair(clock);

    const [m1, m2, m3] = await send(alice, bob, 'one', 'two', 'three');
    expect([m1?.type, m2?.type, m3?.type]).toEqual(['prekey', 'prekey', 'prekey']);
    expect(await receive(bob, alice, m2!, m3!, m1!)).toEqual(['two', 'three', 'one']);

    const duplicate = await failure(receive(bob, alice, m3!));
    expect(duplicate.kind).toBe('duplicate-message');
    expect(duplicate.address).toEqual(alice.address);

    const [reply] = await send(bob, alice, 'hello alice');
    expect(reply?.type).toBe('whisper');
    expect(await receive(alice, bob, reply!)).toEqual(['hello alice']);

    // Once Bob has answered, Alice's session is confirmed and her messages are plain SignalMessages.
    const [m4] = await send(alice, bob, 'four');
    expect(m4?.type).toBe('whisper');
    expect(await receive(bob, alice, m4!)).toEqual(['four']);
  });

  it('pads, so short and longer messages have the same ciphertext length', async () => {
    const clock = new TestClock();
    const { alice, bob } = await pair(clock);
    const [short, longer] = await send(alice, bob, 'k', 'x'.repeat(200));
    expect(short!.body.length).toBe(longer!.body.length);
    expect(await receive(bob, alice, short!, longer!)).toEqual(['k', 'x'.repeat(200)]);
  });

  it('uses the one-time Kyber prekey once (PQXDH) and refuses it a second time', async () => {
    const clock = new TestClock();
    const { alice, bob, bundle } = await pair(clock);
    const [first] = await send(alice, bob, 'hi');
    await receive(bob, alice, first!);

    const kyber = bob.storage.getKyberPreKey(bundle.kyberPreKey.id);
    expect(kyber).toMatchObject({ used: true, lastResort: false });
    expect(bob.storage.getPreKey(bundle.preKey!.id)).toBeNull();

    // A second sender handed the same one-time Kyber key (a misbehaving relay).
    const carol = await createDevice('carol', clock);
    await carol.store.transact((tx) => startSession(tx, bob.address, { ...bundle, preKey: null }));
    const [fromCarol] = await send(carol, bob, 'me too');
    const refused = await failure(receive(bob, carol, fromCarol!));
    expect(refused.kind).toBe('invalid-prekey');
    expect(needsSessionReset(refused)).toBe(true);
  });

  it('falls back to the last-resort Kyber prekey, which stays usable for many senders', async () => {
    const clock = new TestClock();
    const bob = await createDevice('bob', clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
    const lastResortId = bob.upload.lastResortKyberPreKey!.id;
    for (const name of ['alice', 'carol']) {
      const sender = await createDevice(name, clock);
      const bundle = takeBundle(bob);
      expect(bundle.kyberPreKey.id).toBe(lastResortId);
      expect(bundle.preKey).toBeNull();
      await sender.store.transact((tx) => startSession(tx, bob.address, bundle));
      const [message] = await send(sender, bob, `from ${name}`);
      expect(await receive(bob, sender, message!)).toEqual([`from ${name}`]);
    }
    expect(bob.storage.getKyberPreKey(lastResortId)).toMatchObject({ used: false, lastResort: true });
  });

  it('needs the Kyber prekey: without it the first message does not decrypt', async () => {
    const clock = new TestClock();
    const { alice, bob, bundle } = await pair(clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
    await bob.store.transact(async (tx) => tx.removeKyberPreKey(bundle.kyberPreKey.id));
    const [message] = await send(alice, bob, 'hi');
    expect((await failure(receive(bob, alice, message!))).kind).toBe('invalid-prekey');
  });

  it('refuses a bundle whose signature does not verify', async () => {
    const clock = new TestClock();
    const alice = await createDevice('alice', clock);
    const bob = await createDevice('bob', clock);
    const bundle = takeBundle(bob);
    const signature = Uint8Array.from(bundle.signedPreKey.signature);
    signature[5] = signature[5]! ^ 1;
    const refused = await failure(alice.store.transact((tx) => startSession(tx, bob.address, { ...bundle, signedPreKey: { ...bundle.signedPreKey, signature } })));
    expect(refused.kind).toBe('invalid-bundle');
    expect(await alice.store.transact((tx) => hasUsableSession(tx, bob.address))).toBe(false);
  });

  it('reports a lost session as no-session, and a stale one as invalid-message, both needing a reset', async () => {
    const clock = new TestClock();
    const { alice, bob } = await pair(clock);
    const beforeAnySession = bob.storage.copy();
    await receive(bob, alice, ...(await send(alice, bob, 'one')));
    await receive(alice, bob, ...(await send(bob, alice, 'two')));
    const staleCopy = bob.storage.copy();
    await receive(bob, alice, ...(await send(alice, bob, 'three')));
    await receive(alice, bob, ...(await send(bob, alice, 'four')));

    const [next] = await send(alice, bob, 'five');
    expect(next?.type).toBe('whisper');

    restoreStorage(bob, staleCopy, clock);
    const stale = await failure(receive(bob, alice, next!));
    expect(stale.kind).toBe('invalid-message');
    expect(needsSessionReset(stale)).toBe(true);

    restoreStorage(bob, beforeAnySession, clock);
    const lost = await failure(receive(bob, alice, next!));
    expect(lost.kind).toBe('no-session');
    expect(needsSessionReset(lost)).toBe(true);

    // The reset: Alice archives her session and starts again from a fresh bundle.
    await alice.store.transact((tx) => archiveSession(tx, bob.address));
    expect(await alice.store.transact((tx) => hasUsableSession(tx, bob.address))).toBe(false);
    const notYet = await failure(send(alice, bob, 'too early'));
    expect(notYet.kind).toBe('no-session');
    await alice.store.transact((tx) => startSession(tx, bob.address, takeBundle(bob)));
    expect(await receive(bob, alice, ...(await send(alice, bob, 'six')))).toEqual(['six']);
  });

  it('refuses malformed ciphertext', async () => {
    const clock = new TestClock();
    const { alice, bob } = await pair(clock);
    await receive(bob, alice, ...(await send(alice, bob, 'one')));
    await receive(alice, bob, ...(await send(bob, alice, 'ack')));
    const garbage = await failure(receive(bob, alice, { type: 'whisper', body: new Uint8Array([1, 2, 3]) }));
    expect(garbage.kind).toBe('invalid-message');
    const [good] = await send(alice, bob, 'two');
    expect(good?.type).toBe('whisper');
    const tampered = Uint8Array.from(good!.body);
    tampered[tampered.length - 12] = tampered[tampered.length - 12]! ^ 1;
    expect((await failure(receive(bob, alice, { ...good!, body: tampered }))).kind).toBe('invalid-message');
    expect(await receive(bob, alice, good!)).toEqual(['two']);
  });
});
