import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSPHRASE_KDF, Vault, messages, type VaultError } from '../../../main/core/vault';
import { FAST_KDF, fakeKeychain, faultyFs, fingerprint, message, newKeyFile, quiet, seedConversation, tempDir } from './helpers';

async function rejection(promise: Promise<unknown>): Promise<VaultError> {
  try {
    await promise;
  } catch (error) {
    return error as VaultError;
  }
  throw new Error('expected a rejection');
}

async function passphraseVault(passphrase = 'correct horse battery staple') {
  const dir = path.join(tempDir(), 'profile');
  const { vault, recoveryKey } = await Vault.create(dir, { kind: 'passphrase', passphrase, kdf: FAST_KDF }, quiet);
  const c = await seedConversation(vault);
  await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'kept across every key change')));
  return { vault, dir, recoveryKey, c };
}

const bodies = (vault: Vault, c: string) => vault.read((db) => messages.messagePage(db, c).map((m) => m.body));
const keyHeader = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'vault.keys.json'), 'utf8'));

describe('vault keys', () => {
  it('defaults to Argon2id at the real cost, with a random salt stored beside the wrapped key', async () => {
    const dir = path.join(tempDir(), 'profile');
    const { vault } = await Vault.create(dir, { kind: 'passphrase', passphrase: 'a long enough passphrase' }, quiet);
    await vault.close();
    const [slot] = keyHeader(dir).keys[0].slots;
    expect(slot).toMatchObject({ type: 'passphrase', kdf: { name: 'argon2id', memoryKiB: 131072, iterations: 3, parallelism: 1 } });
    expect(DEFAULT_PASSPHRASE_KDF).toEqual({ name: 'argon2id', memoryKiB: 131072, iterations: 3, parallelism: 1 });
    expect(Buffer.from(slot.kdf.salt, 'base64')).toHaveLength(16);
    const reopened = await Vault.open(dir, { kind: 'passphrase', passphrase: 'a long enough passphrase' }, quiet);
    await reopened.close();
  });

  it('refuses a wrong passphrase with a clear error and touches no file', async () => {
    const { vault, dir } = await passphraseVault();
    await vault.close();
    const before = fingerprint(dir);
    const error = await rejection(Vault.open(dir, { kind: 'passphrase', passphrase: 'Correct horse battery staple' }, quiet));
    expect(error.kind).toBe('wrong-passphrase');
    expect(error.message).toMatch(/passphrase is not right/);
    expect(fingerprint(dir)).toEqual(before);
  });

  it('supports PBKDF2-HMAC-SHA512 at SQLCipher 4 iterations as the alternative', async () => {
    const dir = path.join(tempDir(), 'profile');
    const { vault } = await Vault.create(dir, { kind: 'passphrase', passphrase: 'pbkdf2 please', kdf: { name: 'pbkdf2-sha512', iterations: 256_000 } }, quiet);
    await vault.close();
    expect(keyHeader(dir).keys[0].slots[0].kdf).toMatchObject({ name: 'pbkdf2-sha512', iterations: 256000 });
    await (await Vault.open(dir, { kind: 'passphrase', passphrase: 'pbkdf2 please' }, quiet)).close();
  });

  it('changes the passphrase (rewrap) only when the old one is right', async () => {
    const { vault, dir, c } = await passphraseVault('old passphrase');
    const wrong = await rejection(vault.changePassphrase('not it', 'new passphrase', FAST_KDF));
    expect(wrong.kind).toBe('wrong-passphrase');
    await vault.changePassphrase('old passphrase', 'new passphrase', FAST_KDF);
    await vault.close();
    expect((await rejection(Vault.open(dir, { kind: 'passphrase', passphrase: 'old passphrase' }, quiet))).kind).toBe('wrong-passphrase');
    const reopened = await Vault.open(dir, { kind: 'passphrase', passphrase: 'new passphrase' }, quiet);
    expect(bodies(reopened, c)).toEqual(['kept across every key change']);
    await reopened.close();
  });

  it('switches keychain → passphrase → keychain', async () => {
    const keychain = fakeKeychain();
    const dir = path.join(tempDir(), 'profile');
    const { vault } = await Vault.create(dir, { kind: 'keychain', protector: keychain }, quiet);
    const c = await seedConversation(vault);
    await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'kept across every key change')));
    expect(keyHeader(dir).keys[0].slots.map((s: { type: string }) => s.type)).toEqual(['keychain', 'recovery']);
    await vault.switchProtection({ kind: 'passphrase', passphrase: 'from now on', kdf: FAST_KDF });
    await vault.close();
    expect((await rejection(Vault.open(dir, { kind: 'keychain', protector: keychain }, quiet))).kind).toBe('wrong-key');
    const second = await Vault.open(dir, { kind: 'passphrase', passphrase: 'from now on' }, quiet);
    const newKeychain = fakeKeychain('kwallet5');
    await second.switchProtection({ kind: 'keychain', protector: newKeychain });
    await second.close();
    expect((await rejection(Vault.open(dir, { kind: 'passphrase', passphrase: 'from now on' }, quiet))).kind).toBe('wrong-key');
    const third = await Vault.open(dir, { kind: 'keychain', protector: newKeychain }, quiet);
    expect(bodies(third, c)).toEqual(['kept across every key change']);
    await third.close();
  });

  it("refuses Linux's basic_text keychain backend, which protects nothing", async () => {
    const dir = path.join(tempDir(), 'profile');
    const error = await rejection(Vault.create(dir, { kind: 'keychain', protector: fakeKeychain('basic_text') }, quiet));
    expect(error.kind).toBe('insecure-keychain');
    expect(error.message).toMatch(/basic_text.*protect nothing.*passphrase/s);
    expect(Vault.exists(dir)).toBe(false);
    const { vault } = await passphraseVault();
    expect((await rejection(vault.switchProtection({ kind: 'keychain', protector: fakeKeychain('basic_text') }))).kind).toBe('insecure-keychain');
    await vault.close();
  });

  it('opens with the recovery key when the keychain is lost or its backend changed', async () => {
    const keychain = fakeKeychain('gnome_libsecret');
    const dir = path.join(tempDir(), 'profile');
    const { vault, recoveryKey } = await Vault.create(dir, { kind: 'keychain', protector: keychain }, quiet);
    const c = await seedConversation(vault);
    await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'kept across every key change')));
    await vault.close();
    // Same backend name, different secret (keyring reset), then a different backend (KDE instead of GNOME).
    const before = fingerprint(dir);
    const reset = await rejection(Vault.open(dir, { kind: 'keychain', protector: fakeKeychain('gnome_libsecret') }, quiet));
    expect(reset.kind).toBe('keychain-changed');
    expect(reset.message).toMatch(/recovery key/);
    const moved = await rejection(Vault.open(dir, { kind: 'keychain', protector: fakeKeychain('kwallet6') }, quiet));
    expect(moved.kind).toBe('keychain-changed');
    expect(moved.message).toMatch(/gnome_libsecret.*kwallet6/);
    expect(fingerprint(dir)).toEqual(before);

    const recovered = await Vault.open(dir, { kind: 'recovery', recoveryKey: recoveryKey.toLowerCase() }, quiet);
    expect(bodies(recovered, c)).toEqual(['kept across every key change']);
    const newKeychain = fakeKeychain('kwallet6');
    await recovered.switchProtection({ kind: 'keychain', protector: newKeychain });
    await recovered.close();
    await (await Vault.open(dir, { kind: 'keychain', protector: newKeychain }, quiet)).close();
    // The recovery key still works after the switch: it wraps the same database key.
    await (await Vault.open(dir, { kind: 'recovery', recoveryKey }, quiet)).close();
  });

  it('issues a new recovery key on request, and the old one stops working', async () => {
    const { vault, dir, recoveryKey } = await passphraseVault('keep me');
    const { recoveryKey: replacement } = await vault.replaceRecoveryKey();
    expect(replacement).not.toBe(recoveryKey);
    await vault.close();
    expect((await rejection(Vault.open(dir, { kind: 'recovery', recoveryKey }, quiet))).kind).toBe('wrong-key');
    await (await Vault.open(dir, { kind: 'recovery', recoveryKey: replacement }, quiet)).close();
    await (await Vault.open(dir, { kind: 'passphrase', passphrase: 'keep me' }, quiet)).close();
  });

  it('tells a mistyped recovery key from one that belongs elsewhere', async () => {
    const { vault, dir, recoveryKey } = await passphraseVault();
    await vault.close();
    const other = await passphraseVault();
    await other.vault.close();
    expect((await rejection(Vault.open(dir, { kind: 'recovery', recoveryKey: recoveryKey.slice(0, -1) + (recoveryKey.endsWith('0') ? '1' : '0') }, quiet))).kind).toBe('invalid-argument');
    expect((await rejection(Vault.open(dir, { kind: 'recovery', recoveryKey: other.recoveryKey }, quiet))).kind).toBe('wrong-key');
  });

  it('accepts a raw key file (32 bytes or 64 hex characters) and refuses another key', async () => {
    const keyFile = newKeyFile();
    const dir = path.join(tempDir(), 'profile');
    const { vault } = await Vault.create(dir, { kind: 'keyfile', path: keyFile }, quiet);
    await vault.close();
    const binary = path.join(tempDir(), 'raw.bin');
    writeFileSync(binary, Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex'));
    await (await Vault.open(dir, { kind: 'keyfile', path: binary }, quiet)).close();
    const before = fingerprint(dir);
    expect((await rejection(Vault.open(dir, { kind: 'keyfile', path: newKeyFile() }, quiet))).kind).toBe('wrong-key');
    writeFileSync(binary, 'not a key');
    expect((await rejection(Vault.open(dir, { kind: 'keyfile', path: binary }, quiet))).kind).toBe('invalid-argument');
    expect(fingerprint(dir)).toEqual(before);
  });

  it('rekeys fully: new database key, new snapshot and journal, old key and recovery key useless', async () => {
    const { vault, dir, recoveryKey, c } = await passphraseVault('same passphrase');
    await vault.close();
    const oldSnapshot = readFileSync(path.join(dir, 'vault.snapshot'));
    const oldKeyId = keyHeader(dir).keys[0].keyId;
    const opened = await Vault.open(dir, { kind: 'passphrase', passphrase: 'same passphrase' }, quiet);
    const exported = path.join(tempDir(), 'old.key');
    await opened.switchProtection({ kind: 'keyfile', path: exported });
    const { recoveryKey: newRecoveryKey } = await opened.rekey({ kind: 'passphrase', passphrase: 'same passphrase', kdf: FAST_KDF });
    expect(newRecoveryKey).not.toBe(recoveryKey);
    await opened.write((tx) => messages.insertMessage(tx, message(c, 2, 'written after the rekey')));
    await opened.close();

    const header = keyHeader(dir);
    expect(header.keys).toHaveLength(1);
    expect(header.keys[0].keyId).not.toBe(oldKeyId);
    const newSnapshot = readFileSync(path.join(dir, 'vault.snapshot'));
    expect(newSnapshot.subarray(28, 44).equals(oldSnapshot.subarray(28, 44))).toBe(false);
    expect(newSnapshot.includes(oldSnapshot.subarray(200, 264))).toBe(false);
    expect((await rejection(Vault.open(dir, { kind: 'recovery', recoveryKey }, quiet))).kind).toBe('wrong-key');
    expect((await rejection(Vault.open(dir, { kind: 'keyfile', path: exported }, quiet))).kind).toBe('wrong-key');
    const reopened = await Vault.open(dir, { kind: 'recovery', recoveryKey: newRecoveryKey }, quiet);
    expect(bodies(reopened, c)).toEqual(['kept across every key change', 'written after the rekey']);
    await reopened.close();
  });

  it('still opens, with the old or the new passphrase, after a crash in the middle of a rekey', async () => {
    const { io, faults } = faultyFs();
    const dir = path.join(tempDir(), 'profile');
    const { vault } = await Vault.create(dir, { kind: 'passphrase', passphrase: 'before', kdf: FAST_KDF }, { ...quiet, fs: io });
    const c = await seedConversation(vault);
    await vault.write((tx) => messages.insertMessage(tx, message(c, 1, 'kept across every key change')));
    await vault.compact();
    faults.failRenameOf = 'vault.snapshot.tmp';
    await expect(vault.rekey({ kind: 'passphrase', passphrase: 'after', kdf: FAST_KDF })).rejects.toThrow();
    // The process dies here: new key in the header beside the old one, the next journal sealed with the new key.
    faults.dead = true;
    expect(keyHeader(dir).keys).toHaveLength(2);
    for (const passphrase of ['before', 'after']) {
      const opened = await Vault.open(dir, { kind: 'passphrase', passphrase }, quiet);
      expect(bodies(opened, c)).toEqual(['kept across every key change']);
      await opened.close({ compact: false });
    }
    // A successful open finishes the rekey at its next compaction: then only the new passphrase opens.
    const finishing = await Vault.open(dir, { kind: 'passphrase', passphrase: 'before' }, quiet);
    await finishing.compact();
    await finishing.close();
    expect(keyHeader(dir).keys).toHaveLength(1);
    expect(keyHeader(dir).rekey).toBeUndefined();
    expect((await rejection(Vault.open(dir, { kind: 'passphrase', passphrase: 'before' }, quiet))).kind).toBe('wrong-passphrase');
    const after = await Vault.open(dir, { kind: 'passphrase', passphrase: 'after' }, quiet);
    expect(bodies(after, c)).toEqual(['kept across every key change']);
    await after.close();
  });

  it('refuses to create a vault over an existing one', async () => {
    const { vault, dir } = await passphraseVault();
    await vault.close();
    expect((await rejection(Vault.create(dir, { kind: 'passphrase', passphrase: 'x', kdf: FAST_KDF }, quiet))).kind).toBe('vault-exists');
    expect((await rejection(Vault.open(path.join(tempDir(), 'empty'), { kind: 'passphrase', passphrase: 'x' }, quiet))).kind).toBe('no-vault');
  });

  it('locks: drops the database and the key, and refuses work until unlocked again', async () => {
    const { vault, dir, c } = await passphraseVault('pass');
    const key = (vault as unknown as { databaseKey: Buffer }).databaseKey;
    expect(key.some((b) => b !== 0)).toBe(true);
    await vault.lock();
    expect(vault.locked).toBe(true);
    expect(key.every((b) => b === 0)).toBe(true);
    expect(() => vault.read((db) => db.get('SELECT 1'))).toThrow(expect.objectContaining({ kind: 'locked' }));
    expect((await rejection(vault.write((tx) => tx.run('SELECT 1')))).kind).toBe('locked');
    const again = await Vault.open(dir, { kind: 'passphrase', passphrase: 'pass' }, quiet);
    expect(bodies(again, c)).toEqual(['kept across every key change']);
    await again.close();
  });

  it('locks itself after the configured idle time', async () => {
    const dir = path.join(tempDir(), 'profile');
    const reasons: string[] = [];
    const { vault } = await Vault.create(dir, { kind: 'passphrase', passphrase: 'idle', kdf: FAST_KDF }, { ...quiet, autoLockMs: 100, onLock: (r) => reasons.push(r) });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(vault.locked).toBe(true);
    expect(reasons).toEqual(['idle']);
  });
});
