import { PrivateKey, PublicKey, SenderCertificate, ServerCertificate } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { encryptMessage, ProtocolError, sealedSenderDecrypt, sealedSenderEncrypt, startSession } from '../../../main/core/protocol';
import { createDevice, read, takeBundle, TestClock, text, type TestDevice } from './fixtures';

const HOUR = 60 * 60 * 1000;

/** What the relay does: a trust root (offline), a server key signed by it, and per-device sender certificates. */
function relayAuthority() {
  const trustRoot = PrivateKey.generate();
  const serverKey = PrivateKey.generate();
  const serverCertificate = ServerCertificate.new(1, serverKey.getPublicKey(), trustRoot);
  return {
    trustRoot: trustRoot.getPublicKey().serialize(),
    issue(device: TestDevice, expiresAt: number, identityKey: Uint8Array = device.upload.identityKey): Uint8Array {
      return SenderCertificate.new(
        device.address.name,
        null,
        device.address.deviceId,
        PublicKey.deserialize(Uint8Array.from(identityKey)),
        expiresAt,
        serverCertificate,
        serverKey,
      ).serialize();
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

async function setup() {
  const clock = new TestClock();
  const relay = relayAuthority();
  const alice = await createDevice('alice', clock);
  const bob = await createDevice('bob', clock);
  await alice.store.transact((tx) => startSession(tx, bob.address, takeBundle(bob)));
  return { clock, relay, alice, bob };
}

describe('sealed sender', () => {
  it('hides the sender in the envelope and reveals and checks it on opening', async () => {
    const { clock, relay, alice, bob } = await setup();
    const certificate = relay.issue(alice, clock.now() + HOUR);
    const sealed = await alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('sealed hello'), certificate));
    const opened = await bob.store.transact((tx) => sealedSenderDecrypt(tx, sealed, { trustRoot: relay.trustRoot }));
    expect(opened.sender).toEqual(alice.address);
    expect(read(opened.content)).toBe('sealed hello');
    expect(opened.identityChange).toBeNull();

    // Later messages (plain SignalMessages inside) open too.
    const reply = await bob.store.transact((tx) => encryptMessage(tx, alice.address, text('ack')));
    expect(reply.type).toBe('whisper');
    const second = await alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('second'), certificate));
    expect(read((await bob.store.transact((tx) => sealedSenderDecrypt(tx, second, { trustRoot: relay.trustRoot }))).content)).toBe('second');
  });

  it('refuses a certificate from another trust root, without advancing any state', async () => {
    const { clock, relay, alice, bob } = await setup();
    const sealed = await alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('hi'), relay.issue(alice, clock.now() + HOUR)));
    const otherRoot = relayAuthority().trustRoot;
    const refused = await failure(bob.store.transact((tx) => sealedSenderDecrypt(tx, sealed, { trustRoot: otherRoot })));
    expect(refused.kind).toBe('invalid-certificate');
    expect(refused.message).toMatch(/trusted root/);
    // The right root still opens the very same message: nothing was consumed.
    expect(read((await bob.store.transact((tx) => sealedSenderDecrypt(tx, sealed, { trustRoot: relay.trustRoot }))).content)).toBe('hi');
  });

  it('refuses an expired certificate, on receiving and on sending', async () => {
    const { clock, relay, alice, bob } = await setup();
    const certificate = relay.issue(alice, clock.now() + HOUR);
    const sealed = await alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('hi'), certificate));
    clock.advance(2 * HOUR);
    const refused = await failure(bob.store.transact((tx) => sealedSenderDecrypt(tx, sealed, { trustRoot: relay.trustRoot })));
    expect(refused.kind).toBe('invalid-certificate');
    expect(refused.message).toMatch(/expired/);
    expect(refused.address).toEqual(alice.address);

    const notSent = await failure(alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('again'), certificate)));
    expect(notSent.kind).toBe('invalid-certificate');
  });

  it('will not send with a certificate for another identity key', async () => {
    const { clock, relay, alice, bob } = await setup();
    const stale = relay.issue(alice, clock.now() + HOUR, bob.upload.identityKey);
    const refused = await failure(alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('hi'), stale)));
    expect(refused.kind).toBe('invalid-certificate');
    expect((await failure(alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('hi'), new Uint8Array(5))))).kind).toBe('invalid-certificate');
  });

  it('refuses bytes that are not a sealed message for us', async () => {
    const { clock, relay, alice, bob } = await setup();
    expect((await failure(bob.store.transact((tx) => sealedSenderDecrypt(tx, new Uint8Array([1, 2, 3, 4]), { trustRoot: relay.trustRoot })))).kind).toBe(
      'invalid-message',
    );
    // Sealed for Bob, but opened by Carol.
    const carol = await createDevice('carol', clock);
    const sealed = await alice.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('hi'), relay.issue(alice, clock.now() + HOUR)));
    expect((await failure(carol.store.transact((tx) => sealedSenderDecrypt(tx, sealed, { trustRoot: relay.trustRoot })))).kind).toBe('invalid-message');
  });

  it('refuses a sealed message that claims to come from this very device', async () => {
    const { clock, relay, bob } = await setup();
    // Another install holding a certificate for Bob's own address (e.g. a cloned profile).
    const impostor = await createDevice('bob', clock);
    await impostor.store.transact((tx) => startSession(tx, bob.address, takeBundle(bob)));
    const sealed = await impostor.store.transact((tx) => sealedSenderEncrypt(tx, bob.address, text('hi me'), relay.issue(impostor, clock.now() + HOUR)));
    const refused = await failure(bob.store.transact((tx) => sealedSenderDecrypt(tx, sealed, { trustRoot: relay.trustRoot })));
    expect(refused.kind).toBe('self-send');
  });
});
