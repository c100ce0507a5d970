import {
  createAccount,
  MemoryProtocolStorage,
  ProtocolStore,
  type DeviceAddress,
  type PreKeyBundleInput,
  type PreKeyUpload,
  type PublicKyberPreKey,
  type PublicPreKey,
} from '../../../main/core/protocol';

/** A settable clock shared by a test's devices. */
export class TestClock {
  constructor(public current = Date.UTC(2025, 0, 1)) {}
  readonly now = (): number => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}

/** One device of one account, with what a relay would hold of its public keys. */
export interface TestDevice {
  readonly address: DeviceAddress;
  storage: MemoryProtocolStorage;
  store: ProtocolStore;
  readonly upload: PreKeyUpload;
  /** One-time keys not yet handed out in a bundle, as the relay would track them. */
  readonly onRelay: { preKeys: PublicPreKey[]; kyberPreKeys: PublicKyberPreKey[] };
}

export async function createDevice(
  name: string,
  clock: TestClock,
  options: { deviceId?: number; preKeyCount?: number; kyberPreKeyCount?: number; storage?: MemoryProtocolStorage } = {},
): Promise<TestDevice> {
  const address = { name, deviceId: options.deviceId ?? 1 };
  const storage = options.storage ?? new MemoryProtocolStorage();
  const store = new ProtocolStore(storage, { localAddress: address, now: clock.now });
  const upload = await store.transact((tx) =>
    createAccount(tx, { preKeyCount: options.preKeyCount ?? 3, kyberPreKeyCount: options.kyberPreKeyCount ?? 3 }),
  );
  return { address, storage, store, upload, onRelay: { preKeys: [...upload.preKeys], kyberPreKeys: [...upload.kyberPreKeys] } };
}

/** Point a device at another storage (e.g. a stale copy), as after restoring a backup. */
export function restoreStorage(device: TestDevice, storage: MemoryProtocolStorage, clock: TestClock): void {
  device.storage = storage;
  device.store = new ProtocolStore(storage, { localAddress: device.address, now: clock.now });
}

/** Hand out a bundle the way the relay does: one-time keys first, then the signed and last-resort keys alone. */
export function takeBundle(device: TestDevice): PreKeyBundleInput {
  const { upload } = device;
  if (upload.signedPreKey === null || upload.lastResortKyberPreKey === null) throw new Error('device has no signed keys');
  return {
    registrationId: upload.registrationId,
    deviceId: device.address.deviceId,
    identityKey: upload.identityKey,
    signedPreKey: upload.signedPreKey,
    kyberPreKey: device.onRelay.kyberPreKeys.shift() ?? upload.lastResortKyberPreKey,
    preKey: device.onRelay.preKeys.shift() ?? null,
  };
}

export const text = (value: string): Uint8Array => new TextEncoder().encode(value);
export const read = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
