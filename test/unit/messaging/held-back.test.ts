import { describe, expect, it } from 'vitest';
import { groups, type Vault } from '../../../main/core/vault';
import { keyfileVault, quiet } from '../vault/helpers';

/**
 * Held-back group messages (group_pending) cannot grow without bound: at most
 * HELD_BACK_PER_SENDER per sender and HELD_BACK_TOTAL in all, the oldest
 * going first; rows older than HELD_BACK_MAX_AGE_MS are pruned.
 */

const NOW = 1_800_000_000_000;

async function withVault(run: (vault: Vault) => Promise<void>): Promise<void> {
  const { vault } = await keyfileVault(quiet);
  try {
    await run(vault);
  } finally {
    await vault.lock();
  }
}

const hold = (vault: Vault, sender: string, count: number, receivedAt = NOW) =>
  vault.write((tx) => {
    for (let i = 0; i < count; i++) groups.holdBack(tx, { sender, deviceId: 1, groupId: null, ciphertext: new Uint8Array([i & 0xff]), content: null, receivedAt });
  });

const rows = (vault: Vault) => vault.read((db) => db.all('SELECT id, sender FROM group_pending ORDER BY id')).map((r) => ({ id: Number(r.id), sender: String(r.sender) }));

describe('held-back group messages', () => {
  it(`keeps the newest ${groups.HELD_BACK_PER_SENDER} per sender`, async () => {
    await withVault(async (vault) => {
      await hold(vault, 'olga', 5);
      await hold(vault, 'zed', groups.HELD_BACK_PER_SENDER + 50);
      const kept = rows(vault);
      expect(kept.filter((r) => r.sender === 'olga')).toHaveLength(5);
      const zed = kept.filter((r) => r.sender === 'zed');
      expect(zed).toHaveLength(groups.HELD_BACK_PER_SENDER);
      // The oldest 50 of zed's went.
      expect(zed[0]!.id).toBe(5 + 50 + 1);
    });
  });

  it(`keeps the newest ${groups.HELD_BACK_TOTAL} in all`, async () => {
    await withVault(async (vault) => {
      const senders = Math.ceil(groups.HELD_BACK_TOTAL / 100) + 2;
      for (let s = 0; s < senders; s++) await hold(vault, `sender${s}`, 100);
      const kept = rows(vault);
      expect(kept).toHaveLength(groups.HELD_BACK_TOTAL);
      expect(kept[0]!.id).toBe(senders * 100 - groups.HELD_BACK_TOTAL + 1);
      expect(kept.some((r) => r.sender === 'sender0')).toBe(false);
    });
  });

  it('prunes rows older than the maximum age', async () => {
    await withVault(async (vault) => {
      await hold(vault, 'olga', 3, NOW - groups.HELD_BACK_MAX_AGE_MS - 1);
      await hold(vault, 'olga', 2, NOW - 1000);
      expect(await vault.write((tx) => groups.pruneHeldBack(tx, NOW - groups.HELD_BACK_MAX_AGE_MS))).toBe(3);
      expect(rows(vault)).toHaveLength(2);
    });
  });
});
