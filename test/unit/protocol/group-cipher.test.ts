import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSenderKeyDistribution,
  decryptGroupMessage,
  encryptGroupMessage,
  processSenderKeyDistribution,
  ProtocolError,
} from '../../../main/core/protocol';
import { createDevice, read, TestClock, text } from './fixtures';

async function failure(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

describe('sender keys', () => {
  it('lets members decrypt a group message encrypted once, in any order, each once', async () => {
    const clock = new TestClock();
    const alice = await createDevice('alice', clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
    const bob = await createDevice('bob', clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
    const carol = await createDevice('carol', clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
    const group = randomUUID();

    const distribution = await alice.store.transact((tx) => createSenderKeyDistribution(tx, group));
    // Asking again gives the same chain, not a new one.
    const again = await alice.store.transact((tx) => createSenderKeyDistribution(tx, group));
    expect(again).toEqual(distribution);
    await bob.store.transact((tx) => processSenderKeyDistribution(tx, alice.address, distribution));

    const [g1, g2, g3] = await alice.store.transact(async (tx) => [
      await encryptGroupMessage(tx, group, text('one')),
      await encryptGroupMessage(tx, group, text('two')),
      await encryptGroupMessage(tx, group, text('three')),
    ]);
    const order = [g3!, g1!, g2!];
    const got = await bob.store.transact(async (tx) => {
      const out: string[] = [];
      for (const message of order) out.push(read(await decryptGroupMessage(tx, alice.address, message)));
      return out;
    });
    expect(got).toEqual(['three', 'one', 'two']);
    expect((await failure(bob.store.transact((tx) => decryptGroupMessage(tx, alice.address, g1!)))).kind).toBe('duplicate-message');

    // Carol never got Alice's distribution message.
    const noKey = await failure(carol.store.transact((tx) => decryptGroupMessage(tx, alice.address, g1!)));
    expect(noKey.kind).toBe('no-sender-key');
    expect(noKey.address).toEqual(alice.address);
  });

  it('refuses a distribution id that is not a UUID and a malformed distribution message', async () => {
    const clock = new TestClock();
    const alice = await createDevice('alice', clock, { preKeyCount: 0, kyberPreKeyCount: 0 });
    expect((await failure(alice.store.transact((tx) => encryptGroupMessage(tx, 'family', text('hi'))))).kind).toBe('misuse');
    const bad = await failure(alice.store.transact((tx) => processSenderKeyDistribution(tx, { name: 'bob', deviceId: 1 }, new Uint8Array([9, 9]))));
    expect(bad.kind).toBe('invalid-message');
  });
});
