import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HearthClient, HearthError } from '../../../shared/api';
import { CoreWorker } from '../../../main/core/worker-client';
import type { KeychainService } from '../../../main/core/worker-protocol';
import { startRelay, type Relay } from '../../../relay';
import { buildPrivately, type PrivateBuild } from '../../unit/host/support/private-build';

/**
 * A keychain that really protects: AES-256-GCM under a key only it holds,
 * like safeStorage under a real OS keyring. Resetting the keyring = a new one.
 */
function fakeKeychain(backend = 'gnome-libsecret'): KeychainService & { calls: string[] } {
  const secret = randomBytes(32);
  const calls: string[] = [];
  return {
    backend,
    calls,
    encrypt(data) {
      calls.push('encrypt');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(data), cipher.final()]);
      return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
    },
    decrypt(blob) {
      calls.push('decrypt');
      const bytes = Buffer.from(blob);
      const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]));
    },
  };
}

let build: PrivateBuild;
let relay: Relay;
let root: string;

beforeAll(async () => {
  [build, relay, root] = await Promise.all([buildPrivately(), startRelay({ host: '127.0.0.1', port: 0, memory: true }), mkdtemp(path.join(tmpdir(), 'hearth-keychain-'))]);
}, 180_000);

afterAll(async () => {
  await relay?.close();
  await build?.remove();
  if (root) await rm(root, { recursive: true, force: true });
});

async function startCore(profileDir: string, keychain?: KeychainService) {
  const worker = new CoreWorker(build.coreWorkerPath, { profileDir, host: 'electron', keychainAvailable: keychain !== undefined, defaultRelayUrl: relay.url }, keychain);
  await worker.ready;
  return { worker, client: new HearthClient(worker) };
}

describe('the OS keychain, across the worker boundary', () => {
  it('protects the vault key with the shell keychain; a reset keychain needs the recovery key', async () => {
    const profileDir = path.join(root, 'alice');
    const keychain = fakeKeychain();
    const first = await startCore(profileDir, keychain);
    const { recoveryKey } = await first.client.call('account.create', { username: 'keychain_alice', relayUrl: relay.url, protection: { kind: 'keychain' } });
    expect(keychain.calls).toContain('encrypt');
    expect((await first.client.call('vault.getProtection', {})).kind).toBe('keychain');
    await first.client.call('vault.lock', {});
    expect((await first.client.call('vault.unlock', { with: { kind: 'keychain' } })).state).toBe('unlocked');
    expect(keychain.calls).toContain('decrypt');
    await first.worker.terminate();

    // The keyring was reset (or its backend changed): the old wrap no longer opens.
    const second = await startCore(profileDir, fakeKeychain());
    const refused = await second.client.call('vault.unlock', { with: { kind: 'keychain' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HearthError);
    expect((refused as HearthError).kind).toBe('unauthorized');
    expect((refused as HearthError).message).toMatch(/recovery key/i);
    expect((await second.client.call('vault.unlock', { with: { kind: 'recovery', recoveryKey } })).state).toBe('unlocked');
    expect((await second.client.call('account.get', {})).username).toBe('keychain_alice');
    await second.worker.terminate();
  });

  it("refuses Linux's basic_text backend, which protects nothing", async () => {
    const { worker, client } = await startCore(path.join(root, 'bob'), fakeKeychain('basic_text'));
    const refused = await client.call('account.create', { username: 'keychain_bob', relayUrl: relay.url, protection: { kind: 'keychain' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HearthError);
    expect((refused as HearthError).message).toMatch(/basic_text/);
    expect((await client.call('vault.getState', {})).state).toBe('uninitialized');
    await worker.terminate();
  });

  it('says the keychain is unavailable where the shell offers none', async () => {
    const { worker, client } = await startCore(path.join(root, 'carol'));
    const refused = await client.call('account.create', { username: 'keychain_carol', relayUrl: relay.url, protection: { kind: 'keychain' } }).catch((e: unknown) => e);
    expect((refused as HearthError).kind).toBe('unavailable');
    await worker.terminate();
  });
});
