import fs from 'node:fs';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { Vault, contacts, conversations, messages, type KeyProtector, type PassphraseKdfParams, type VaultFs, type VaultOptions } from '../../../main/core/vault';

/** Cheap Argon2id parameters so the suite stays fast; one test checks the real defaults. */
export const FAST_KDF: PassphraseKdfParams = { name: 'argon2id', memoryKiB: 64, iterations: 1, parallelism: 1 };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-vault-test-'));
  dirs.push(dir);
  return dir;
}

/** A new raw key file (64 hex characters) in its own folder. */
export function newKeyFile(): string {
  const file = path.join(tempDir(), 'raw.key');
  writeFileSync(file, randomBytes(32).toString('hex'));
  return file;
}

/**
 * A stand-in for Electron's safeStorage: it really encrypts, with a key only
 * it holds, so a vault cannot be opened without this very object.
 */
export function fakeKeychain(backend = 'gnome_libsecret'): KeyProtector & { calls: number } {
  const secret = randomBytes(32);
  const protector = {
    kind: 'keychain' as const,
    backend,
    calls: 0,
    async wrap(key: Uint8Array) {
      protector.calls++;
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, nonce);
      const body = Buffer.concat([cipher.update(key), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]);
    },
    async unwrap(blob: Uint8Array) {
      protector.calls++;
      const data = Buffer.from(blob);
      const decipher = createDecipheriv('aes-256-gcm', secret, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    },
  };
  return protector;
}

export const quiet: VaultOptions = { idleCompactMs: null };

export async function keyfileVault(options: VaultOptions = {}): Promise<{ vault: Vault; dir: string; keyFile: string; recoveryKey: string }> {
  const dir = path.join(tempDir(), 'profile');
  const keyFile = newKeyFile();
  const { vault, recoveryKey } = await Vault.create(dir, { kind: 'keyfile', path: keyFile }, { ...quiet, ...options });
  // Set-up schedules a compaction (migrations ran); let it finish so tests start from a quiet vault.
  await vault.compact();
  return { vault, dir, keyFile, recoveryKey };
}

/** One contact with a direct conversation; returns the conversation id. */
export async function seedConversation(vault: Vault, id = 'alice', now = 1_700_000_000_000): Promise<string> {
  const conversationId = `direct:${id}`;
  await vault.write((tx) => {
    contacts.upsertContact(tx, { id, displayName: id[0]?.toUpperCase() + id.slice(1), now });
    conversations.createDirectConversation(tx, { id: conversationId, contactId: id, now });
  });
  return conversationId;
}

export function message(conversationId: string, n: number, body: string, overrides: Partial<messages.NewMessage> = {}): messages.NewMessage {
  return {
    uid: `${conversationId}#${n}`,
    conversationId,
    authorId: null,
    direction: 'outgoing',
    body,
    status: 'sent',
    sentAt: 1_700_000_000_000 + n * 1000,
    receivedAt: 1_700_000_000_000 + n * 1000,
    ...overrides,
  };
}

/** Every file under `dir` with its SHA-256, to prove a failed open modified nothing. */
export function fingerprint(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else result[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return result;
}

export function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else parts.push(readFileSync(p));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

/**
 * node:fs with switches: a full disk; a failing rename (to stop a compaction
 * half-way, as a crash would); and `dead`, after which every change to a file
 * fails, so an abandoned vault object behaves like a killed process.
 */
export function faultyFs() {
  const faults = { diskFull: false, failRenameOf: null as string | null, dead: false };
  const refuse = (what: string) => Object.assign(new Error(`${what}: this process is "dead"`), { code: 'EIO' });
  const io: VaultFs = {
    ...fs,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      if (faults.dead) throw refuse('write');
      if (faults.diskFull) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (faults.dead) throw refuse('rename');
      if (faults.failRenameOf && String(from).endsWith(faults.failRenameOf)) throw Object.assign(new Error('simulated crash'), { code: 'EIO' });
      fs.renameSync(from, to);
    },
    unlinkSync: (file: fs.PathLike) => {
      if (faults.dead) throw refuse('unlink');
      fs.unlinkSync(file);
    },
    ftruncateSync: (fd: number, length?: number) => {
      if (faults.dead) throw refuse('truncate');
      fs.ftruncateSync(fd, length);
    },
  };
  return { io, faults };
}
