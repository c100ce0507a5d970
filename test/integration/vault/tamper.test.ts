import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault, VaultError, messages, type VaultErrorKind } from '../../../main/core/vault';
import { fingerprint, message, newKeyFile, quiet, seedConversation, tempDir } from '../../unit/vault/helpers';

/**
 * Damage a closed vault in one way, try to open it, and check that open fails
 * with the right typed error and that no file changed.
 */
let pristine: string;
let keyFile: string;
let oldJournal: Buffer;
let oldSnapshot: Buffer;
/** Where the journal's records end; after them the file holds zeros laid down for later records. */
let journalEnd: number;
const PAGE = 64 * 1024 + 28;

function copyOf(dir: string): string {
  const copy = path.join(tempDir(), 'profile');
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

async function expectRefusal(dir: string, kind: VaultErrorKind, message?: RegExp, unlockFile = keyFile): Promise<void> {
  const before = fingerprint(dir);
  let error: unknown = null;
  try {
    const vault = await Vault.open(dir, { kind: 'keyfile', path: unlockFile }, quiet);
    await vault.close();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(VaultError);
  expect((error as VaultError).kind).toBe(kind);
  if (message) expect((error as VaultError).message).toMatch(message);
  expect(fingerprint(dir)).toEqual(before);
}

function rewrite(dir: string, name: string, change: (bytes: Buffer) => Buffer): void {
  const file = path.join(dir, name);
  fs.writeFileSync(file, change(fs.readFileSync(file)));
}

/** Spread over the file, always including both ends and the header. */
function offsets(size: number, count: number): number[] {
  const picks = new Set<number>([0, 8, 44, 96, 99, 100, size - 1, size - 16]);
  let seed = 12345;
  while (picks.size < count) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    picks.add(seed % size);
  }
  return [...picks].filter((o) => o >= 0 && o < size);
}

let shared: string;
afterAll(() => fs.rmSync(shared, { recursive: true, force: true }));

beforeAll(async () => {
  // Lives for the whole file (the helpers' temp folders go after each test).
  shared = fs.mkdtempSync(path.join(tmpdir(), 'hearth-vault-tamper-'));
  keyFile = path.join(shared, 'raw.key');
  fs.writeFileSync(keyFile, randomBytes(32).toString('hex'));
  const dir = path.join(shared, 'profile');
  const { vault } = await Vault.create(dir, { kind: 'keyfile', path: keyFile }, quiet);
  const c = await seedConversation(vault);
  await vault.write((tx) => {
    for (let n = 0; n < 3000; n++) messages.insertMessage(tx, message(c, n, `message number ${n}, padded to make the snapshot span many pages`));
  });
  await vault.compact();
  oldJournal = fs.readFileSync(path.join(dir, 'vault.journal'));
  oldSnapshot = fs.readFileSync(path.join(dir, 'vault.snapshot'));
  for (let n = 0; n < 12; n++) await vault.write((tx) => messages.insertMessage(tx, message(c, 10_000 + n, `journaled ${n}`)));
  await vault.compact();
  for (let n = 0; n < 12; n++) await vault.write((tx) => messages.insertMessage(tx, message(c, 20_000 + n, `journaled again ${n}`)));
  journalEnd = vault.stats().journalBytes;
  // Abandon (do not close): the journal keeps its records, as after a crash or while running.
  pristine = dir;
  expect(fs.statSync(path.join(dir, 'vault.snapshot')).size).toBeGreaterThan(5 * PAGE);
  expect(fs.statSync(path.join(dir, 'vault.journal')).size).toBeGreaterThan(1000);
}, 60_000);

describe('a damaged vault fails to open with a typed error and is left untouched', () => {
  it('opens when undamaged (the baseline for every case below)', async () => {
    const vault = await Vault.open(copyOf(pristine), { kind: 'keyfile', path: keyFile }, quiet);
    expect(vault.read((db) => db.get('SELECT count(*) AS n FROM messages')?.n)).toBe(3024);
    await vault.lock();
  });

  it('detects one flipped byte anywhere in the snapshot', async () => {
    const dir = copyOf(pristine);
    const original = fs.readFileSync(path.join(dir, 'vault.snapshot'));
    for (const offset of offsets(original.length, 60)) {
      rewrite(dir, 'vault.snapshot', (b) => {
        b[offset] = (b[offset] as number) ^ (1 << offset % 8);
        return b;
      });
      await expectRefusal(dir, 'corrupt-snapshot');
      fs.writeFileSync(path.join(dir, 'vault.snapshot'), original);
    }
  }, 120_000);

  it('detects one flipped byte anywhere in the journal, up to the header that ends its records', async () => {
    const dir = copyOf(pristine);
    const original = fs.readFileSync(path.join(dir, 'vault.journal'));
    // The 16 bytes after the last record are the all-zero header that says "no more records" (after up to 15
    // bytes of zeros, when the next record would have started at a sector boundary).
    const endMarker = journalEnd % 512 > 496 ? journalEnd + 512 - (journalEnd % 512) + 16 : journalEnd + 16;
    expect(original.length).toBeGreaterThan(endMarker);
    for (const offset of offsets(endMarker, 60)) {
      rewrite(dir, 'vault.journal', (b) => {
        b[offset] = (b[offset] as number) ^ (1 << offset % 8);
        return b;
      });
      await expectRefusal(dir, 'corrupt-journal');
      fs.writeFileSync(path.join(dir, 'vault.journal'), original);
    }
  }, 120_000);

  it('opens with every commit, changing nothing, when a byte flips in the room after the records', async () => {
    const length = fs.statSync(path.join(pristine, 'vault.journal')).size;
    for (const offset of [journalEnd + 600, journalEnd + 5000, length - 1]) {
      const dir = copyOf(pristine);
      rewrite(dir, 'vault.journal', (b) => {
        b[offset] = 0x5a;
        return b;
      });
      const before = fingerprint(dir);
      const vault = await Vault.open(dir, { kind: 'keyfile', path: keyFile }, quiet);
      expect(vault.read((db) => db.get('SELECT count(*) AS n FROM messages')?.n)).toBe(3024);
      expect(fingerprint(dir)).toEqual(before);
      await vault.close({ compact: false });
    }
  });

  it('detects two swapped snapshot pages', async () => {
    const dir = copyOf(pristine);
    rewrite(dir, 'vault.snapshot', (b) => {
      const first = Buffer.from(b.subarray(100 + PAGE, 100 + 2 * PAGE));
      b.copy(b, 100 + PAGE, 100 + 2 * PAGE, 100 + 3 * PAGE);
      first.copy(b, 100 + 2 * PAGE);
      return b;
    });
    await expectRefusal(dir, 'corrupt-snapshot', /page 1 .*swapped/);
  });

  it('detects a page from an older snapshot put in place of the current one', async () => {
    const dir = copyOf(pristine);
    rewrite(dir, 'vault.snapshot', (b) => {
      oldSnapshot.copy(b, 100 + PAGE, 100 + PAGE, 100 + 2 * PAGE);
      return b;
    });
    await expectRefusal(dir, 'corrupt-snapshot');
  });

  it('detects a truncated snapshot, wherever it is cut', async () => {
    const dir = copyOf(pristine);
    const original = fs.readFileSync(path.join(dir, 'vault.snapshot'));
    for (const length of [0, 50, 99, 100, 101, 100 + PAGE, 100 + 3 * PAGE + 77, original.length - 1]) {
      fs.writeFileSync(path.join(dir, 'vault.snapshot'), original.subarray(0, length));
      await expectRefusal(dir, 'truncated', /truncated/);
    }
    fs.writeFileSync(path.join(dir, 'vault.snapshot'), Buffer.concat([original, Buffer.from([0])]));
    await expectRefusal(dir, 'corrupt-snapshot', /unexpected bytes/);
  });

  it('detects a journal cut inside its header', async () => {
    const dir = copyOf(pristine);
    rewrite(dir, 'vault.journal', (b) => b.subarray(0, 60));
    await expectRefusal(dir, 'truncated');
  });

  it('detects an older journal put back', async () => {
    const dir = copyOf(pristine);
    fs.writeFileSync(path.join(dir, 'vault.journal'), oldJournal);
    await expectRefusal(dir, 'journal-generation-mismatch', /older .*journal/);
  });

  it('detects an older snapshot put back beside the current journal', async () => {
    const dir = copyOf(pristine);
    fs.writeFileSync(path.join(dir, 'vault.snapshot'), oldSnapshot);
    await expectRefusal(dir, 'journal-generation-mismatch');
  });

  it('detects a journal from another vault', async () => {
    const other = path.join(tempDir(), 'other');
    const { vault } = await Vault.create(other, { kind: 'keyfile', path: keyFile }, quiet);
    await vault.close();
    const dir = copyOf(pristine);
    fs.copyFileSync(path.join(other, 'vault.journal'), path.join(dir, 'vault.journal'));
    await expectRefusal(dir, 'corrupt-journal', /another vault/);
  });

  it('refuses a wrong key', async () => {
    await expectRefusal(copyOf(pristine), 'wrong-key', undefined, newKeyFile());
  });

  it('refuses a missing snapshot or journal, and a damaged key header', async () => {
    let dir = copyOf(pristine);
    fs.rmSync(path.join(dir, 'vault.journal'));
    await expectRefusal(dir, 'missing-file', /journal/);
    dir = copyOf(pristine);
    fs.rmSync(path.join(dir, 'vault.snapshot'));
    await expectRefusal(dir, 'missing-file', /snapshot/);
    dir = copyOf(pristine);
    rewrite(dir, 'vault.keys.json', (b) => b.subarray(0, b.length - 3));
    await expectRefusal(dir, 'corrupt-keys');
  });
});

describe('a vault a newer Hearth wrote (after a downgrade) is refused as newer, not as damaged, and left untouched', () => {
  /** The sealed headers' version field, with the CRC made right again: what a newer writer would produce. */
  const withVersion = (version: number) => (bytes: Buffer) => {
    bytes.writeUInt16LE(version, 8);
    bytes.writeUInt32LE(crc32(bytes.subarray(0, 96)), 96);
    return bytes;
  };

  it('refuses a journal or snapshot in a later format version', async () => {
    for (const name of ['vault.journal', 'vault.snapshot']) {
      const dir = copyOf(pristine);
      rewrite(dir, name, withVersion(3));
      await expectRefusal(dir, 'newer-format', /newer Hearth.*format version 3/);
    }
  });

  it('refuses a key header in a later version', async () => {
    const dir = copyOf(pristine);
    rewrite(dir, 'vault.keys.json', (b) => Buffer.from(JSON.stringify({ ...(JSON.parse(b.toString('utf8')) as object), version: 2 })));
    await expectRefusal(dir, 'newer-format', /key header.*newer Hearth/);
  });

  it('still calls an unknown older version damage', async () => {
    const dir = copyOf(pristine);
    rewrite(dir, 'vault.snapshot', withVersion(0));
    await expectRefusal(dir, 'corrupt-snapshot', /format version 0/);
  });
});
