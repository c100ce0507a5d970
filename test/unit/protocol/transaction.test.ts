import { describe, expect, it } from 'vitest';
import {
  decryptMessage,
  encryptMessage,
  MemoryProtocolStorage,
  ProtocolError,
  ProtocolStore,
  startSession,
  type ProtocolWrite,
  type SessionCiphertext,
} from '../../../main/core/protocol';
import { createDevice, read, takeBundle, TestClock, text, type TestDevice } from './fixtures';

/** Memory storage whose Nth write of a batch fails, to check that a batch lands whole or not at all. */
class FailingStorage extends MemoryProtocolStorage {
  failAtWrite: number | null = null;
  private writesInBatch = 0;

  override applyWrites(writes: readonly ProtocolWrite[]): void {
    this.writesInBatch = 0;
    super.applyWrites(writes);
  }

  protected override applyWrite(write: ProtocolWrite): () => void {
    this.writesInBatch += 1;
    if (this.writesInBatch === this.failAtWrite) throw new Error('disk full');
    return super.applyWrite(write);
  }
}

async function established(
  clock: TestClock,
  bobStorage?: MemoryProtocolStorage,
): Promise<{ alice: TestDevice; bob: TestDevice; messages: SessionCiphertext[] }> {
  const alice = await createDevice('alice', clock);
  const bob = await createDevice('bob', clock, { storage: bobStorage });
  const bundle = takeBundle(bob);
  const messages = await alice.store.transact(async (tx) => {
    await startSession(tx, bob.address, bundle);
    return [await encryptMessage(tx, bob.address, text('one')), await encryptMessage(tx, bob.address, text('two'))];
  });
  return { alice, bob, messages };
}

describe('protocol transactions', () => {
  it('rolls back: the same ciphertext decrypts again because the state did not advance', async () => {
    const clock = new TestClock();
    const { alice, bob, messages } = await established(clock);
    const [first] = messages;

    const tx = await bob.store.begin();
    expect(read((await decryptMessage(tx, alice.address, first!)).content)).toBe('one');
    // Inside the transaction the advanced state is visible...
    expect(await tx.getSession(alice.address)).not.toBeNull();
    await expect(decryptMessage(tx, alice.address, first!)).rejects.toMatchObject({ kind: 'duplicate-message' });
    tx.rollback();

    // ...and after rollback it is gone, in storage and in the cache.
    expect(bob.storage.getSession(alice.address)).toBeNull();
    const again = await bob.store.transact((retry) => decryptMessage(retry, alice.address, first!));
    expect(read(again.content)).toBe('one');
  });

  it('hands the coalesced writes to the caller, whose own transaction makes them durable with the messages', async () => {
    const clock = new TestClock();
    const { alice, bob, messages } = await established(clock);
    const vaultMessages: string[] = [];

    const tx = await bob.store.begin();
    const batch: string[] = [];
    for (const message of messages) batch.push(read((await decryptMessage(tx, alice.address, message)).content));
    const writes = await tx.commit((pending) => {
      // A vault would run this inside one SQL transaction with the message inserts.
      vaultMessages.push(...batch);
      bob.storage.applyWrites(pending);
    });

    expect(vaultMessages).toEqual(['one', 'two']);
    // Two decrypts, one session row: the last write per row wins.
    expect(writes.filter((write) => write.kind === 'session.put')).toHaveLength(1);
    expect(writes.map((write) => write.kind).sort()).toEqual(['identity.put', 'kyber-prekey.put', 'prekey.remove', 'session.put']);
    expect(bob.storage.getSession(alice.address)).not.toBeNull();
    expect(bob.storage.getIdentity('alice')?.publicKey).toEqual(alice.upload.identityKey);
    await expect(bob.store.transact((next) => decryptMessage(next, alice.address, messages[1]!))).rejects.toMatchObject({
      kind: 'duplicate-message',
    });
  });

  it('keeps nothing when the caller\'s transaction fails, so the batch decrypts again', async () => {
    const clock = new TestClock();
    const { alice, bob, messages } = await established(clock);
    const tx = await bob.store.begin();
    for (const message of messages) await decryptMessage(tx, alice.address, message);
    await expect(
      tx.commit(() => {
        throw new Error('vault commit failed');
      }),
    ).rejects.toThrow('vault commit failed');
    expect(tx.isOpen).toBe(false);
    expect(bob.storage.getSession(alice.address)).toBeNull();

    const again = await bob.store.transact(async (retry) => {
      const out: string[] = [];
      for (const message of messages) out.push(read((await decryptMessage(retry, alice.address, message)).content));
      return out;
    });
    expect(again).toEqual(['one', 'two']);
  });

  it('applies a batch to storage all-or-nothing when a write fails midway', async () => {
    const clock = new TestClock();
    const storage = new FailingStorage();
    const { alice, bob, messages } = await established(clock, storage);

    storage.failAtWrite = 3;
    const error = await bob.store
      .transact(async (tx) => {
        for (const message of messages) await decryptMessage(tx, alice.address, message);
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).kind).toBe('storage');
    // The first two writes of the batch were undone.
    expect(storage.getSession(alice.address)).toBeNull();
    expect(storage.getIdentity('alice')).toBeNull();
    expect(storage.getPreKey(bob.upload.preKeys[0]!.id)).not.toBeNull();
    expect(storage.getKyberPreKey(bob.upload.kyberPreKeys[0]!.id)?.used).toBe(false);

    storage.failAtWrite = null;
    const again = await bob.store.transact((tx) => decryptMessage(tx, alice.address, messages[0]!));
    expect(read(again.content)).toBe('one');
    expect(storage.getSession(alice.address)).not.toBeNull();
  });

  it('undoes only the failed operation in a batch; the others still commit', async () => {
    const clock = new TestClock();
    const { alice, bob, messages } = await established(clock);
    const tx = await bob.store.begin();
    await decryptMessage(tx, alice.address, messages[0]!);
    const before = tx.pendingWrites();
    await expect(decryptMessage(tx, alice.address, { type: 'prekey', body: new Uint8Array([0x33, 1, 2]) })).rejects.toMatchObject({
      kind: 'invalid-message',
    });
    expect(tx.pendingWrites()).toEqual(before);
    await decryptMessage(tx, alice.address, messages[1]!);
    await tx.commit();
    expect(bob.storage.getSession(alice.address)).not.toBeNull();
  });

  it('lets one transaction in at a time', async () => {
    const storage = new MemoryProtocolStorage();
    const store = new ProtocolStore(storage, { localAddress: { name: 'bob', deviceId: 1 } });
    const first = await store.begin();
    let secondEntered = false;
    const second = store.begin().then((tx) => {
      secondEntered = true;
      return tx;
    });
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    expect(secondEntered).toBe(false);
    first.putIdentity({ name: 'carol', publicKey: new Uint8Array(33), verification: 'default', firstSeenAt: 1, changedAt: null });
    await first.commit();
    const tx = await second;
    expect(secondEntered).toBe(true);
    expect((await tx.getIdentity('carol'))?.firstSeenAt).toBe(1);
    tx.rollback();
  });

  it('refuses use after commit or rollback', async () => {
    const store = new ProtocolStore(new MemoryProtocolStorage(), { localAddress: { name: 'bob', deviceId: 1 } });
    const tx = await store.begin();
    await tx.commit();
    await expect(tx.getSession({ name: 'alice', deviceId: 1 })).rejects.toMatchObject({ kind: 'misuse' });
    expect(() => tx.removePreKey(1)).toThrow(ProtocolError);
    tx.rollback();
  });

  it('reads what storage holds when nothing is cached, and reports a failing read as a storage error', async () => {
    const storage = new MemoryProtocolStorage();
    storage.applyWrites([{ kind: 'identity.put', identity: { name: 'dave', publicKey: new Uint8Array(33), verification: 'verified', firstSeenAt: 5, changedAt: null } }]);
    const store = new ProtocolStore(storage, { localAddress: { name: 'bob', deviceId: 1 } });
    expect(await store.transact((tx) => tx.getIdentity('dave'))).toMatchObject({ verification: 'verified' });

    const broken = new ProtocolStore(
      Object.assign(new MemoryProtocolStorage(), {
        getSession(): never {
          throw new Error('io error');
        },
      }),
      { localAddress: { name: 'bob', deviceId: 1 } },
    );
    await expect(broken.transact((tx) => tx.getSession({ name: 'alice', deviceId: 1 }))).rejects.toMatchObject({ kind: 'storage' });
  });

  it('gives transact\'s apply both the writes and the work\'s result', async () => {
    const clock = new TestClock();
    const { alice, bob, messages } = await established(clock);
    const stored: string[] = [];
    await bob.store.transact(
      async (tx) => {
        const out: string[] = [];
        for (const message of messages) out.push(read((await decryptMessage(tx, alice.address, message)).content));
        return out;
      },
      (writes, decrypted) => {
        bob.storage.applyWrites(writes);
        stored.push(...decrypted);
      },
    );
    expect(stored).toEqual(['one', 'two']);
    expect(bob.storage.getSession(alice.address)).not.toBeNull();
  });
});
