import type {
  DeviceAddress,
  IdentityRecord,
  KyberPreKeyEntry,
  KyberPreKeyMeta,
  LocalAccountRecord,
  PreKeyEntry,
  ProtocolStorage,
  ProtocolWrite,
  SignedPreKeyEntry,
  SignedPreKeyMeta,
} from './storage';

const deviceKey = (address: DeviceAddress): string => JSON.stringify([address.name, address.deviceId]);
const senderKeyKey = (sender: DeviceAddress, distributionId: string): string =>
  JSON.stringify([sender.name, sender.deviceId, distributionId]);

/** Set or delete `key` in `map`, returning how to put it back. */
function replace<K, V>(map: Map<K, V>, key: K, value: V | undefined): () => void {
  const had = map.has(key);
  const previous = map.get(key);
  if (value === undefined) map.delete(key);
  else map.set(key, value);
  return () => {
    if (had) map.set(key, previous as V);
    else map.delete(key);
  };
}

/**
 * ProtocolStorage in memory: for tests, the CLI's throwaway profiles and the
 * pipeline benchmark's baseline. applyWrites is all-or-nothing: a write that
 * throws undoes the ones before it.
 */
export class MemoryProtocolStorage implements ProtocolStorage {
  private localAccount: LocalAccountRecord | null = null;
  private readonly sessions = new Map<string, Uint8Array>();
  private readonly identities = new Map<string, IdentityRecord>();
  private readonly preKeys = new Map<number, PreKeyEntry>();
  private readonly signedPreKeys = new Map<number, SignedPreKeyEntry>();
  private readonly kyberPreKeys = new Map<number, KyberPreKeyEntry>();
  private readonly senderKeys = new Map<string, Uint8Array>();

  getLocalAccount(): LocalAccountRecord | null {
    return this.localAccount;
  }

  getSession(address: DeviceAddress): Uint8Array | null {
    return this.sessions.get(deviceKey(address)) ?? null;
  }

  getIdentity(name: string): IdentityRecord | null {
    return this.identities.get(name) ?? null;
  }

  getPreKey(id: number): PreKeyEntry | null {
    return this.preKeys.get(id) ?? null;
  }

  getSignedPreKey(id: number): SignedPreKeyEntry | null {
    return this.signedPreKeys.get(id) ?? null;
  }

  listSignedPreKeys(): SignedPreKeyMeta[] {
    return [...this.signedPreKeys.values()].map(({ id, createdAt }) => ({ id, createdAt }));
  }

  getKyberPreKey(id: number): KyberPreKeyEntry | null {
    return this.kyberPreKeys.get(id) ?? null;
  }

  listKyberPreKeys(): KyberPreKeyMeta[] {
    return [...this.kyberPreKeys.values()].map(({ record: _record, ...meta }) => meta);
  }

  getSenderKey(sender: DeviceAddress, distributionId: string): Uint8Array | null {
    return this.senderKeys.get(senderKeyKey(sender, distributionId)) ?? null;
  }

  applyWrites(writes: readonly ProtocolWrite[]): void {
    const undo: Array<() => void> = [];
    try {
      for (const write of writes) undo.push(this.applyWrite(write));
    } catch (error) {
      for (const restore of undo.reverse()) restore();
      throw error;
    }
  }

  /** An independent copy, e.g. to restore later as a stale backup. */
  copy(): MemoryProtocolStorage {
    const clone = new MemoryProtocolStorage();
    clone.localAccount = this.localAccount;
    for (const [key, value] of this.sessions) clone.sessions.set(key, value);
    for (const [key, value] of this.identities) clone.identities.set(key, value);
    for (const [key, value] of this.preKeys) clone.preKeys.set(key, value);
    for (const [key, value] of this.signedPreKeys) clone.signedPreKeys.set(key, value);
    for (const [key, value] of this.kyberPreKeys) clone.kyberPreKeys.set(key, value);
    for (const [key, value] of this.senderKeys) clone.senderKeys.set(key, value);
    return clone;
  }

  /** Apply one write; returns how to undo it. Records are immutable values, so sharing them is safe. */
  protected applyWrite(write: ProtocolWrite): () => void {
    switch (write.kind) {
      case 'local-account.put': {
        const previous = this.localAccount;
        this.localAccount = write.account;
        return () => {
          this.localAccount = previous;
        };
      }
      case 'session.put':
        return replace(this.sessions, deviceKey(write.address), write.record);
      case 'session.remove':
        return replace(this.sessions, deviceKey(write.address), undefined);
      case 'identity.put':
        return replace(this.identities, write.identity.name, write.identity);
      case 'prekey.put':
        return replace(this.preKeys, write.preKey.id, write.preKey);
      case 'prekey.remove':
        return replace(this.preKeys, write.id, undefined);
      case 'signed-prekey.put':
        return replace(this.signedPreKeys, write.signedPreKey.id, write.signedPreKey);
      case 'signed-prekey.remove':
        return replace(this.signedPreKeys, write.id, undefined);
      case 'kyber-prekey.put':
        return replace(this.kyberPreKeys, write.kyberPreKey.id, write.kyberPreKey);
      case 'kyber-prekey.remove':
        return replace(this.kyberPreKeys, write.id, undefined);
      case 'sender-key.put':
        return replace(this.senderKeys, senderKeyKey(write.senderKey.sender, write.senderKey.distributionId), write.senderKey.record);
    }
  }
}
