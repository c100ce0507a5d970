import { z } from 'zod';
import { KEY_BYTES, keyIdOf, open, sameBytes, seal, wipe } from './crypto';
import { VaultError } from './errors';
import { type VaultFs, readFileIfExists, writeFileAtomic } from './file-io';
import { Argon2idParams, DEFAULT_PASSPHRASE_KDF, Pbkdf2Params, type PassphraseKdfParams, derivePassphraseKey, newSalt } from './kdf';
import { type KeyProtector, assertSecureKeychain } from './protector';
import { deriveRecoveryKey, parseRecoveryKey } from './recovery-key';

/**
 * vault.keys.json: the database key, wrapped once per way in ("key slots",
 * as LUKS calls them): one primary slot (passphrase or OS keychain) and one
 * recovery slot. A raw key file needs no slot: it is the database key.
 * During a rekey the header briefly holds two keys, old and new, each with
 * its slots; the file headers' key ids say which one a file needs.
 * docs/vault-format.md, "Key header".
 */

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

const PassphraseSlot = z.object({
  type: z.literal('passphrase'),
  kdf: z.discriminatedUnion('name', [Argon2idParams.extend({ salt: Base64 }), Pbkdf2Params.extend({ salt: Base64 })]),
  sealed: Base64,
});
const KeychainSlot = z.object({
  type: z.literal('keychain'),
  backend: z.string().min(1).max(100),
  blob: Base64,
});
const RecoverySlot = z.object({
  type: z.literal('recovery'),
  kdf: z.object({ name: z.literal('hkdf-sha256'), salt: Base64 }),
  sealed: Base64,
});
const KeySlot = z.discriminatedUnion('type', [PassphraseSlot, KeychainSlot, RecoverySlot]);
type KeySlot = z.infer<typeof KeySlot>;

const KeyEntry = z
  .object({ keyId: Base64, slots: z.array(KeySlot).max(3) })
  .refine((e) => e.slots.filter((s) => s.type !== 'recovery').length <= 1 && e.slots.filter((s) => s.type === 'recovery').length <= 1, 'at most one primary and one recovery slot');
export type KeyEntry = z.infer<typeof KeyEntry>;

/**
 * Only during a full rekey: each of the two keys sealed under the other, so
 * that whichever entry the person can unlock (the rekey may have changed the
 * passphrase) yields both keys, and a crash half-way still opens.
 */
const RekeyBridge = z.object({ newUnderOld: Base64, oldUnderNew: Base64 });

const KEY_HEADER_VERSION = 1;

export const KeyHeader = z.object({
  format: z.literal('hearth-vault-keys'),
  version: z.literal(KEY_HEADER_VERSION),
  vaultId: Base64,
  /** keys[0] is current; a second entry (the previous key) exists only during a full rekey. */
  keys: z.array(KeyEntry).min(1).max(2),
  rekey: RekeyBridge.optional(),
});
export type KeyHeader = z.infer<typeof KeyHeader>;

/** How the database key is protected at rest. */
export type Protection =
  | { kind: 'passphrase'; passphrase: string; kdf?: PassphraseKdfParams }
  | { kind: 'keychain'; protector: KeyProtector }
  /** A raw 32-byte key file (or 64 hex characters) that is the database key itself, like SQLCipher's raw key. */
  | { kind: 'keyfile'; path: string };

/** Ways to open a vault. */
export type Unlock =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'keychain'; protector: KeyProtector }
  | { kind: 'recovery'; recoveryKey: string }
  | { kind: 'keyfile'; path: string };

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Buffer => Buffer.from(text, 'base64');

function slotAad(vaultId: Uint8Array, keyId: Uint8Array, type: KeySlot['type']): Buffer {
  return Buffer.concat([Buffer.from('hearth-vault keyslot v1\0', 'latin1'), vaultId, keyId, Buffer.from(type, 'latin1')]);
}

/** Reads a raw key file: exactly 32 bytes, or 64 hexadecimal characters (a trailing newline is fine). */
export function readKeyFile(io: VaultFs, file: string): Buffer {
  const bytes = readFileIfExists(io, file);
  if (!bytes) throw new VaultError('invalid-argument', `The key file ${file} does not exist.`);
  if (bytes.length === KEY_BYTES) return bytes;
  const text = bytes.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  throw new VaultError('invalid-argument', 'A key file holds exactly 32 bytes or 64 hexadecimal characters.');
}

export async function primarySlot(vaultId: Buffer, databaseKey: Buffer, protection: Protection): Promise<KeySlot | null> {
  const keyId = keyIdOf(databaseKey);
  switch (protection.kind) {
    case 'passphrase': {
      const params = protection.kdf ?? DEFAULT_PASSPHRASE_KDF;
      const salt = newSalt();
      const kek = await derivePassphraseKey(protection.passphrase, salt, params);
      const sealed = seal(kek, databaseKey, slotAad(vaultId, keyId, 'passphrase'));
      wipe(kek);
      return { type: 'passphrase', kdf: { ...params, salt: b64(salt) }, sealed: b64(sealed) };
    }
    case 'keychain': {
      assertSecureKeychain(protection.protector);
      const blob = await protection.protector.wrap(databaseKey);
      return { type: 'keychain', backend: protection.protector.backend, blob: b64(blob) };
    }
    case 'keyfile':
      return null;
  }
}

export function recoverySlot(vaultId: Buffer, databaseKey: Buffer, secret: Buffer): KeySlot {
  const salt = newSalt();
  const kek = deriveRecoveryKey(secret, salt);
  const sealed = seal(kek, databaseKey, slotAad(vaultId, keyIdOf(databaseKey), 'recovery'));
  wipe(kek);
  return { type: 'recovery', kdf: { name: 'hkdf-sha256', salt: b64(salt) }, sealed: b64(sealed) };
}

export async function buildKeyEntry(vaultId: Buffer, databaseKey: Buffer, protection: Protection, recoverySecret: Buffer): Promise<KeyEntry> {
  const primary = await primarySlot(vaultId, databaseKey, protection);
  return { keyId: b64(keyIdOf(databaseKey)), slots: [...(primary ? [primary] : []), recoverySlot(vaultId, databaseKey, recoverySecret)] };
}

/** Replaces the primary slot (passphrase or keychain), keeping the recovery slot. */
export function withPrimarySlot(entry: KeyEntry, slot: KeySlot | null): KeyEntry {
  return { keyId: entry.keyId, slots: [...(slot ? [slot] : []), ...entry.slots.filter((s) => s.type === 'recovery')] };
}

function checked(databaseKey: Buffer | null, entry: KeyEntry): databaseKey is Buffer {
  return databaseKey !== null && databaseKey.length === KEY_BYTES && sameBytes(keyIdOf(databaseKey), unb64(entry.keyId));
}

function slotOf<T extends KeySlot['type']>(entry: KeyEntry, type: T): Extract<KeySlot, { type: T }> | undefined {
  return entry.slots.find((s): s is Extract<KeySlot, { type: T }> => s.type === type);
}

/** Unwraps one key entry's database key, or throws a VaultError that says why not. */
export async function unlockEntry(vaultId: Buffer, entry: KeyEntry, unlock: Unlock, io: VaultFs): Promise<Buffer> {
  const keyId = unb64(entry.keyId);
  switch (unlock.kind) {
    case 'keyfile': {
      const key = readKeyFile(io, unlock.path);
      if (!checked(key, entry)) throw new VaultError('wrong-key', 'This key file does not open this vault.');
      return key;
    }
    case 'passphrase': {
      const slot = slotOf(entry, 'passphrase');
      if (!slot) throw new VaultError('wrong-key', 'This vault is not protected by a passphrase; unlock it with the OS keychain or the recovery key.');
      const { salt, ...params } = slot.kdf;
      const kek = await derivePassphraseKey(unlock.passphrase, unb64(salt), params);
      const key = open(kek, unb64(slot.sealed), slotAad(vaultId, keyId, 'passphrase'));
      wipe(kek);
      if (!checked(key, entry)) throw new VaultError('wrong-passphrase', 'That passphrase is not right. Nothing was changed; try again.');
      return key;
    }
    case 'recovery': {
      const slot = slotOf(entry, 'recovery');
      const secret = parseRecoveryKey(unlock.recoveryKey);
      if (!slot) throw new VaultError('wrong-key', 'This vault has no recovery key.');
      const kek = deriveRecoveryKey(secret, unb64(slot.kdf.salt));
      wipe(secret);
      const key = open(kek, unb64(slot.sealed), slotAad(vaultId, keyId, 'recovery'));
      wipe(kek);
      if (!checked(key, entry)) throw new VaultError('wrong-key', 'That recovery key belongs to another vault (or to this one before a full rekey).');
      return key;
    }
    case 'keychain': {
      assertSecureKeychain(unlock.protector);
      const slot = slotOf(entry, 'keychain');
      if (!slot) throw new VaultError('wrong-key', 'This vault is not protected by the OS keychain; unlock it with its passphrase or the recovery key.');
      let key: Buffer | null = null;
      try {
        key = Buffer.from(await unlock.protector.unwrap(unb64(slot.blob)));
      } catch {
        key = null;
      }
      if (checked(key, entry)) return key;
      wipe(key);
      if (slot.backend !== unlock.protector.backend) {
        throw new VaultError('keychain-changed', `The OS keychain changed (from "${slot.backend}" to "${unlock.protector.backend}") and no longer holds this vault's key. Unlock with your recovery key, then choose a protection again.`);
      }
      throw new VaultError('keychain-changed', 'The OS keychain could not unwrap this vault\'s key (it was reset, or this is another user or machine). Unlock with your recovery key.');
    }
  }
}

/** Every key the header holds that `unlock` opens, by key id (base64). Two only mid-rekey. */
export async function unlockKeys(header: KeyHeader, unlock: Unlock, io: VaultFs): Promise<Map<string, Buffer>> {
  const vaultId = unb64(header.vaultId);
  const keys = new Map<string, Buffer>();
  let firstError: unknown = null;
  for (const entry of header.keys) {
    try {
      keys.set(entry.keyId, await unlockEntry(vaultId, entry, unlock, io));
    } catch (error) {
      firstError ??= error;
    }
  }
  if (keys.size === 0) throw firstError;
  const [current, previous] = header.keys;
  if (header.rekey && current && previous) {
    const aad = (what: string) => Buffer.concat([Buffer.from(`hearth-vault rekey ${what}\0`, 'latin1'), vaultId]);
    const newKey = keys.get(current.keyId);
    const oldKey = keys.get(previous.keyId);
    if (newKey && !oldKey) {
      const opened = open(newKey, unb64(header.rekey.oldUnderNew), aad('old'));
      if (checked(opened, previous)) keys.set(previous.keyId, opened);
    } else if (oldKey && !newKey) {
      const opened = open(oldKey, unb64(header.rekey.newUnderOld), aad('new'));
      if (checked(opened, current)) keys.set(current.keyId, opened);
    }
  }
  return keys;
}

/** The header for the middle of a full rekey: the new key's entry first, the old one kept, bridged both ways. */
export function rekeyHeader(header: KeyHeader, newEntry: KeyEntry, newKey: Buffer, oldKey: Buffer): KeyHeader {
  const vaultId = unb64(header.vaultId);
  const aad = (what: string) => Buffer.concat([Buffer.from(`hearth-vault rekey ${what}\0`, 'latin1'), vaultId]);
  const oldEntry = header.keys.find((k) => k.keyId === b64(keyIdOf(oldKey)));
  if (!oldEntry) throw new VaultError('corrupt-keys', 'The key header has no entry for the open key.');
  return {
    ...header,
    keys: [newEntry, oldEntry],
    rekey: { newUnderOld: b64(seal(oldKey, newKey, aad('new'))), oldUnderNew: b64(seal(newKey, oldKey, aad('old'))) },
  };
}

export function readKeyHeader(io: VaultFs, file: string): KeyHeader {
  const bytes = readFileIfExists(io, file);
  if (!bytes) throw new VaultError('no-vault', 'There is no vault in this folder (no key header).');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new VaultError('corrupt-keys', 'The key header (vault.keys.json) is damaged: it is not valid JSON.');
  }
  const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
  if (typeof version === 'number' && version > KEY_HEADER_VERSION) {
    throw new VaultError('newer-format', `The key header (vault.keys.json) was written by a newer Hearth (version ${version}; this one reads up to ${KEY_HEADER_VERSION}). Update Hearth to open it; nothing was changed.`);
  }
  const parsed = KeyHeader.safeParse(json);
  if (!parsed.success) throw new VaultError('corrupt-keys', 'The key header (vault.keys.json) is damaged or from an unknown version.');
  return parsed.data;
}

export function writeKeyHeader(io: VaultFs, file: string, header: KeyHeader): void {
  writeFileAtomic(io, file, Buffer.from(JSON.stringify(KeyHeader.parse(header), null, 2) + '\n'));
}

export function keyIdText(keyId: Uint8Array): string {
  return b64(keyId);
}

export function vaultIdOf(header: KeyHeader): Buffer {
  return unb64(header.vaultId);
}
