import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { MAX_GROUP_MEMBERS } from '../../../shared/api';
import { GroupUpdateMessageSchema } from '../../../shared/proto/gen/hearth/v1/content_pb';
import { applyPeerTimer, MAX_PEER_CLOCK_SKEW_MS } from '../../../main/core/messaging/disappearing';
import { GroupAction } from '../../../main/core/messaging/group-content';
import { applyGroupUpdate, newGroupId } from '../../../main/core/messaging/group-state';
import { contacts, conversations, expiry, groups, type Vault } from '../../../main/core/vault';
import { keyfileVault, quiet } from '../vault/helpers';

/**
 * What a peer's timestamps and revisions may do on this device: a timer
 * change dated ahead of our clock counts as now (plus a little skew), so a
 * later honest change still wins; a group revision beyond a safe integer or
 * jumping a million ahead, an empty or too long name, or more targets than
 * a group holds, is refused.
 */

const ME = 'mira';
const NOW = 1_800_000_000_000;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

async function withVault(run: (vault: Vault) => Promise<void>): Promise<void> {
  const { vault } = await keyfileVault(quiet);
  try {
    await run(vault);
  } finally {
    await vault.lock();
  }
}

function update(groupId: Uint8Array, revision: bigint, overrides: { name?: string; targets?: string[]; members?: string[] } = {}) {
  return create(GroupUpdateMessageSchema, { groupId, revision, name: overrides.name ?? 'Allotment', members: overrides.members ?? ['olga', ME], action: GroupAction.ADDED, targets: overrides.targets ?? [], timestampMs: BigInt(NOW) });
}

describe('peer timestamps and revisions', () => {
  it('a timer change dated in the future counts as now (plus the skew), so the next change wins', async () => {
    await withVault(async (vault) => {
      await vault.write((tx) => {
        contacts.upsertContact(tx, { id: 'olga', displayName: null, now: NOW });
        conversations.createDirectConversation(tx, { id: 'direct:olga', contactId: 'olga', now: NOW });
      });
      const timer = () => vault.read((db) => expiry.conversationTimer(db, 'direct:olga'));
      expect(await vault.write((tx) => applyPeerTimer(tx, 'direct:olga', 'olga', HOUR, NOW + 365 * DAY, NOW))).not.toBeNull();
      expect(timer()).toEqual({ expireTimerMs: HOUR, setAt: NOW + MAX_PEER_CLOCK_SKEW_MS });
      // An hour later, turned off: taken (with the future date it would have been ignored for a year).
      expect(await vault.write((tx) => applyPeerTimer(tx, 'direct:olga', 'olga', null, NOW + HOUR, NOW + HOUR))).not.toBeNull();
      expect(timer()).toEqual({ expireTimerMs: null, setAt: NOW + HOUR });
    });
  });

  it('refuses group revisions beyond a safe integer or a million ahead, bad names and too many targets', async () => {
    await withVault(async (vault) => {
      const id = newGroupId();
      const apply = (u: ReturnType<typeof update>) => vault.write((tx) => applyGroupUpdate(tx, 'olga', ME, u, NOW));
      const revision = () => vault.read((db) => groups.byGroupId(db, id)?.revision ?? null);
      expect(await apply(update(id, 2n ** 64n - 1n))).toBeNull();
      expect(await apply(update(id, BigInt(Number.MAX_SAFE_INTEGER) + 1n))).toBeNull();
      expect(await apply(update(id, 1_000_001n))).toBeNull();
      expect(revision()).toBeNull();
      expect(await apply(update(id, 5n))).not.toBeNull();
      expect(await apply(update(id, 1_000_006n))).toBeNull();
      expect(await apply(update(id, 1_000_005n, { name: 'Jumped' }))).not.toBeNull();
      expect(revision()).toBe(1_000_005);
      // Names: refused (not cut) when longer than 64 or empty after trimming.
      expect(await apply(update(id, 1_000_006n, { name: 'x'.repeat(65) }))).toBeNull();
      expect(await apply(update(id, 1_000_006n, { name: '   ' }))).toBeNull();
      expect(await apply(update(id, 1_000_006n, { targets: Array.from({ length: MAX_GROUP_MEMBERS + 1 }, (_, i) => `member${i}`) }))).toBeNull();
      expect(revision()).toBe(1_000_005);
      expect(await apply(update(id, 1_000_006n, { name: ` ${'y'.repeat(64)} ` }))).not.toBeNull();
      expect(vault.read((db) => groups.byGroupId(db, id)?.name)).toBe('y'.repeat(64));
    });
  });
});
