import { randomBytes } from 'node:crypto';
import { HearthError } from '../../../shared/api';
import { MemoryProtocolStorage, ProtocolStore, createAccount, type PreKeyUpload, type ProtocolWrite } from '../protocol';
import { applyProtocolWrites } from '../protocol/vault-storage';
import { RelaySocket, isRelayError } from '../transport';
import { Vault, profile, type Protection, type VaultOptions } from '../vault';
import { writeAccountState } from './account-settings';
import { writeTrustRoot } from './trust-root';
import { toUploadRequest } from './prekey-upload';

export interface CreateProfileInput {
  readonly dir: string;
  readonly username: string;
  readonly displayName?: string | null;
  readonly relayUrl: string;
  readonly protection: Protection;
  readonly vaultOptions?: VaultOptions;
  readonly now?: () => number;
}

/** This client is always device 1 of its account (linking more devices is a later issue). */
export const PRIMARY_DEVICE_ID = 1;
const AUTH_SECRET_BYTES = 32;

/**
 * Creates a profile: protocol keys (identity, registration id, 100 one-time
 * EC and 100 one-time Kyber prekeys, a signed prekey, a last-resort Kyber
 * prekey), the account on the relay, then the vault holding all of it, then
 * the prekey upload. Registration comes before the vault so a taken username
 * leaves nothing behind; the upload comes after, so the relay never hands out
 * a key this profile does not hold. A failed upload is retried on connect.
 */
export async function createProfile(input: CreateProfileInput): Promise<{ vault: Vault; recoveryKey: string; accountId: string }> {
  const now = input.now ?? Date.now;
  if (Vault.exists(input.dir)) throw new HearthError('conflict', 'This folder already holds a profile.');
  const keys = new ProtocolStore(new MemoryProtocolStorage(), { localAddress: { name: input.username, deviceId: PRIMARY_DEVICE_ID }, now });
  let writes: readonly ProtocolWrite[] = [];
  const upload: PreKeyUpload = await keys.transact(
    (tx) => createAccount(tx),
    (w) => {
      writes = w;
    },
  );
  const authSecret = randomBytes(AUTH_SECRET_BYTES);

  const socket = await connectOrExplain(input.relayUrl);
  try {
    let accountId: string;
    let trustRoot: Uint8Array;
    try {
      // Pinned now, on first contact: every sealed envelope we receive is checked against it.
      trustRoot = (await socket.request('serverInfo', {})).trustRootPublicKey;
      ({ accountId } = await socket.request('register', {
        username: input.username,
        deviceId: PRIMARY_DEVICE_ID,
        registrationId: upload.registrationId,
        identityKey: upload.identityKey,
        authSecret,
      }));
    } catch (error) {
      if (isRelayError(error, 'username-taken')) throw new HearthError('conflict', `The username “${input.username}” is already taken on this relay.`);
      if (isRelayError(error, 'invalid-username')) throw new HearthError('invalid-arguments', error.message);
      throw explain(error);
    }

    const { vault, recoveryKey } = await Vault.create(input.dir, input.protection, input.vaultOptions);
    const identity = writes.find((w) => w.kind === 'local-account.put');
    if (identity?.kind !== 'local-account.put') throw new HearthError('internal', 'Account keys were not generated.');
    const created = now();
    await vault.write((tx) => {
      applyProtocolWrites(tx, writes, created);
      profile.saveProfile(tx, {
        username: input.username,
        deviceId: PRIMARY_DEVICE_ID,
        displayName: input.displayName ?? null,
        registrationId: upload.registrationId,
        identityPublic: upload.identityKey,
        identityPrivate: identity.account.identityKeyPair,
        relayUrl: input.relayUrl,
        authSecret,
        createdAt: created,
        updatedAt: created,
      });
      writeAccountState(tx, { accountId, keysPublished: false, rotatedAt: created });
      if (trustRoot.length > 0) writeTrustRoot(tx, trustRoot);
    });

    try {
      await socket.request('authenticate', { username: input.username, deviceId: PRIMARY_DEVICE_ID, authSecret });
      await socket.request('uploadPrekeys', toUploadRequest(upload));
      await vault.write((tx) => writeAccountState(tx, { accountId, keysPublished: true, rotatedAt: created }));
    } catch {
      // The profile exists and is registered; the next connection publishes the keys.
    }
    return { vault, recoveryKey, accountId };
  } finally {
    socket.close();
  }
}

async function connectOrExplain(url: string): Promise<RelaySocket> {
  try {
    return await RelaySocket.connect(url);
  } catch (error) {
    throw explain(error);
  }
}

function explain(error: unknown): HearthError {
  if (error instanceof HearthError) return error;
  if (isRelayError(error)) return new HearthError('unavailable', `Could not register with the relay: ${error.message}`);
  return new HearthError('unavailable', 'Could not register with the relay.');
}
