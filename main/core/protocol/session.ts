import { ErrorCode, KEMPublicKey, PreKeyBundle, processPreKeyBundle, PublicKey, SessionRecord } from '@signalapp/libsignal-client';
import { toProtocolAddress } from './address';
import { toLibsignalBytes } from './bytes';
import { fromLibsignalError, ProtocolError } from './errors';
import { recordIdentityKey, type IdentityChangeNotice } from './identity';
import type { PreKeyBundleInput } from './public-keys';
import type { DeviceAddress } from './storage';
import type { ProtocolTransaction } from './transaction';

export interface StartedSession {
  /** Set when the bundle carried a different identity key than we had: report it in the chat. */
  readonly identityChange: IdentityChangeNotice | null;
}

function toPreKeyBundle(bundle: PreKeyBundleInput): PreKeyBundle {
  try {
    return PreKeyBundle.new(
      bundle.registrationId,
      bundle.deviceId,
      bundle.preKey?.id ?? null,
      bundle.preKey === null ? null : PublicKey.deserialize(toLibsignalBytes(bundle.preKey.publicKey)),
      bundle.signedPreKey.id,
      PublicKey.deserialize(toLibsignalBytes(bundle.signedPreKey.publicKey)),
      toLibsignalBytes(bundle.signedPreKey.signature),
      PublicKey.deserialize(toLibsignalBytes(bundle.identityKey)),
      bundle.kyberPreKey.id,
      KEMPublicKey.deserialize(toLibsignalBytes(bundle.kyberPreKey.publicKey)),
      toLibsignalBytes(bundle.kyberPreKey.signature),
    );
  } catch {
    throw new ProtocolError('invalid-bundle', 'The prekey bundle from the relay is malformed.');
  }
}

/**
 * Start a session with one device from its prekey bundle (PQXDH: X25519 plus
 * ML-KEM via the Kyber prekey). libsignal verifies both prekey signatures
 * against the bundle's identity key. The first message sent afterwards is a
 * PreKeySignalMessage.
 *
 * If the bundle's identity key differs from the one we know and the user had
 * verified the old one, the session is not started: 'untrusted-identity' with
 * the change attached. After the user reviews it, acceptIdentityKey() and retry.
 */
export async function startSession(tx: ProtocolTransaction, address: DeviceAddress, bundle: PreKeyBundleInput): Promise<StartedSession> {
  if (bundle.deviceId !== address.deviceId) {
    throw new ProtocolError('invalid-bundle', 'The prekey bundle is for a different device.', { address });
  }
  const remote = toProtocolAddress(address);
  const local = toProtocolAddress(tx.localAddress);
  const preKeyBundle = toPreKeyBundle(bundle);
  try {
    const result = await tx.run((stores) =>
      processPreKeyBundle(preKeyBundle, remote, local, stores.session, stores.identity, new Date(tx.now())),
    );
    return { identityChange: result.identityChanges[0] ?? null };
  } catch (error) {
    const failure = fromLibsignalError(error, 'invalid-bundle', 'The prekey bundle did not verify.', address);
    if (failure.libsignalCode !== ErrorCode.UntrustedIdentity) throw failure;
    const update = recordIdentityKey(await tx.getIdentity(address.name), address.name, bundle.identityKey, tx.now());
    throw new ProtocolError(failure.kind, failure.message, {
      address,
      libsignalCode: failure.libsignalCode,
      identityChange: update.notice ?? undefined,
    });
  }
}

async function readSession(tx: ProtocolTransaction, address: DeviceAddress): Promise<SessionRecord | null> {
  const bytes = await tx.getSession(address);
  return bytes === null ? null : SessionRecord.deserialize(toLibsignalBytes(bytes));
}

/** Whether we can encrypt to this device now (an archived or expired session cannot). */
export async function hasUsableSession(tx: ProtocolTransaction, address: DeviceAddress): Promise<boolean> {
  const record = await readSession(tx, address);
  return record?.hasCurrentState(new Date(tx.now())) ?? false;
}

/**
 * Retire the current session with a device, keeping old states so messages
 * already in flight still decrypt. The next send needs a fresh bundle. This is
 * the "reset" after a message from this device failed to decrypt.
 */
export async function archiveSession(tx: ProtocolTransaction, address: DeviceAddress): Promise<void> {
  const record = await readSession(tx, address);
  if (record === null) return;
  record.archiveCurrentState();
  tx.putSession(address, record.serialize());
}

/** Forget every session state with a device (it was removed from the account). */
export function deleteSession(tx: ProtocolTransaction, address: DeviceAddress): void {
  tx.removeSession(address);
}
