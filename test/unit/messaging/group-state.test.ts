import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { applyGroupUpdate, routeGroupContent, groupConversationId, newGroupId } from '../../../main/core/messaging/group-state';
import { actionName, GroupAction, type GroupActionName } from '../../../main/core/messaging/group-content';
import { groups, type Vault } from '../../../main/core/vault';
import { GroupUpdateMessageSchema } from '../../../shared/proto/gen/hearth/v1/content_pb';
import { keyfileVault, quiet } from '../vault/helpers';

/**
 * Group updates on the receiving side (group-state.ts), against a real vault:
 * only a higher revision is applied, only from a current member; a group we
 * do not know is taken only when it lists both its sender and us; someone
 * leaving rotates our sender key; group messages from non-members are dropped,
 * and those naming a newer revision are held back.
 */

const ME = 'mira';
const NOW = 1_800_000_000_000;

function update(groupId: Uint8Array, revision: number, members: string[], action: GroupActionName = 'created', name = 'Allotment') {
  const value = { created: GroupAction.CREATED, renamed: GroupAction.RENAMED, added: GroupAction.ADDED, removed: GroupAction.REMOVED, left: GroupAction.LEFT }[action];
  return create(GroupUpdateMessageSchema, { groupId, revision: BigInt(revision), name, members, action: value, timestampMs: BigInt(NOW) });
}

async function withVault(run: (vault: Vault) => Promise<void>): Promise<void> {
  const { vault } = await keyfileVault(quiet);
  try {
    await run(vault);
  } finally {
    await vault.lock();
  }
}

const apply = (vault: Vault, from: string, u: ReturnType<typeof update>) => vault.write((tx) => applyGroupUpdate(tx, from, ME, u, NOW));
const state = (vault: Vault, groupId: Uint8Array) =>
  vault.read((db) => {
    const g = groups.byGroupId(db, groupId);
    return g && { name: g.name, revision: g.revision, isMember: g.isMember, distributionId: g.distributionId, members: groups.members(db, g.conversationId) };
  });

describe('group updates', () => {
  it('creates a group we are listed in, from a sender who is listed', async () => {
    await withVault(async (vault) => {
      const id = newGroupId();
      expect(await apply(vault, 'olga', update(id, 1, ['olga', ME, 'pete']))).toMatchObject({ conversationId: groupConversationId(id) });
      expect(state(vault, id)).toMatchObject({ name: 'Allotment', revision: 1, isMember: true, members: ['olga', 'pete'] });
      // Not for us, or from someone the group does not list: ignored.
      const other = newGroupId();
      expect(await apply(vault, 'olga', update(other, 1, ['olga', 'pete']))).toBeNull();
      expect(await apply(vault, 'zed', update(other, 1, ['olga', ME]))).toBeNull();
      expect(state(vault, other)).toBeNull();
    });
  });

  it('applies only a higher revision, and only from a current member', async () => {
    await withVault(async (vault) => {
      const id = newGroupId();
      await apply(vault, 'olga', update(id, 3, ['olga', ME, 'pete']));
      // Same or older revision: ignored, whoever sends it.
      expect(await apply(vault, 'pete', update(id, 3, ['olga', ME, 'pete'], 'renamed', 'Same revision'))).toBeNull();
      expect(await apply(vault, 'pete', update(id, 2, ['olga', ME, 'pete'], 'renamed', 'Older'))).toBeNull();
      // A non-member cannot change the group, even with a higher revision.
      expect(await apply(vault, 'zed', update(id, 9, ['zed', ME], 'added', 'Taken over'))).toBeNull();
      expect(state(vault, id)).toMatchObject({ name: 'Allotment', revision: 3, members: ['olga', 'pete'] });
      // A member can, and a jump in revisions is fine (we missed some).
      expect(await apply(vault, 'pete', update(id, 5, ['olga', ME, 'pete', 'quin'], 'added'))).not.toBeNull();
      expect(state(vault, id)).toMatchObject({ revision: 5, members: ['olga', 'pete', 'quin'] });
    });
  });

  it('rotates our sender key when someone is added, leaves or is removed, not on a rename', async () => {
    await withVault(async (vault) => {
      const id = newGroupId();
      await apply(vault, 'olga', update(id, 1, ['olga', ME, 'pete']));
      const first = state(vault, id)?.distributionId;
      await apply(vault, 'olga', update(id, 2, ['olga', ME, 'pete'], 'renamed', 'Renamed'));
      expect(state(vault, id)?.distributionId).toBe(first);
      await apply(vault, 'olga', update(id, 3, ['olga', ME, 'pete', 'quin'], 'added'));
      const added = state(vault, id)?.distributionId;
      expect(added).not.toBe(first);
      await apply(vault, 'olga', update(id, 4, ['olga', ME, 'quin'], 'removed'));
      const second = state(vault, id)?.distributionId;
      expect(second).not.toBe(added);
      // The removed member can no longer change anything.
      expect(await apply(vault, 'pete', update(id, 5, ['olga', ME, 'pete', 'quin'], 'added'))).toBeNull();
      // We are removed: no longer a member; later updates are not followed.
      await apply(vault, 'quin', update(id, 5, ['olga', 'quin'], 'removed'));
      expect(state(vault, id)).toMatchObject({ isMember: false, revision: 5 });
      expect(await apply(vault, 'olga', update(id, 6, ['olga', 'quin'], 'renamed', 'Without us'))).toBeNull();
    });
  });

  it('takes us back in when someone we last knew as a member adds us again, with a new sender key', async () => {
    await withVault(async (vault) => {
      const id = newGroupId();
      await apply(vault, 'olga', update(id, 1, ['olga', ME, 'pete']));
      await apply(vault, 'olga', update(id, 2, ['olga', 'pete'], 'removed'));
      const whileOut = state(vault, id);
      expect(whileOut).toMatchObject({ isMember: false, revision: 2 });
      // Not from a stranger, not at an old revision.
      expect(await apply(vault, 'zed', update(id, 3, ['olga', 'pete', 'zed', ME], 'added'))).toBeNull();
      expect(await apply(vault, 'pete', update(id, 1, ['olga', 'pete', ME], 'added'))).toBeNull();
      expect(state(vault, id)).toMatchObject({ isMember: false });
      expect(await apply(vault, 'pete', update(id, 4, ['olga', 'pete', ME], 'added'))).not.toBeNull();
      const back = state(vault, id);
      expect(back).toMatchObject({ isMember: true, revision: 4, members: ['olga', 'pete'] });
      expect(back?.distributionId).not.toBe(whileOut?.distributionId);
      expect(vault.read((db) => routeGroupContent(db, 'olga', id, 4))).toEqual({ conversationId: groupConversationId(id) });
    });
  });

  it('two changes at the same revision end the same on every device, whichever arrives first', async () => {
    const { vault: other } = await keyfileVault(quiet);
    try {
      await withVault(async (vault) => {
        const winners = new Set<string>();
        for (let i = 0; i < 64 && winners.size < 2; i++) {
          const id = newGroupId();
          // Olga removes Pete while Pete renames the group: both at revision 2.
          const removal = update(id, 2, ['olga', ME], 'removed');
          const rename = update(id, 2, ['olga', ME, 'pete'], 'renamed', 'Renamed');
          for (const v of [vault, other]) await v.write((tx) => applyGroupUpdate(tx, 'olga', ME, update(id, 1, ['olga', ME, 'pete']), NOW));
          await apply(vault, 'olga', removal);
          await apply(vault, 'pete', rename);
          await apply(other, 'pete', rename);
          await apply(other, 'olga', removal);
          const here = state(vault, id);
          const there = state(other, id);
          expect({ ...here, distributionId: null }).toEqual({ ...there, distributionId: null });
          expect(here).toMatchObject({ revision: 2, isMember: true });
          winners.add(here?.name === 'Renamed' ? 'rename' : 'removal');
          expect(here?.members).toEqual(here?.name === 'Renamed' ? ['olga', 'pete'] : ['olga']);
        }
        // Each of the two has won at least once (the winner depends on the bytes, here on the group id).
        expect(winners).toEqual(new Set(['rename', 'removal']));
      });
    } finally {
      await other.lock();
    }
  });

  it('places group messages from members, drops those from non-members, holds those naming a newer revision', async () => {
    await withVault(async (vault) => {
      const id = newGroupId();
      await apply(vault, 'olga', update(id, 2, ['olga', ME, 'pete']));
      const route = (from: string, revision: number | null) => vault.read((db) => routeGroupContent(db, from, id, revision));
      expect(route('olga', 2)).toEqual({ conversationId: groupConversationId(id) });
      expect(route('zed', 2)).toBe('drop');
      expect(route('zed', null)).toBe('drop');
      expect(route('quin', 3)).toBe('hold');
      expect(vault.read((db) => routeGroupContent(db, 'olga', newGroupId(), 1))).toBe('hold');
    });
  });

  it('reads every action of the wire format', () => {
    for (const name of ['created', 'renamed', 'added', 'removed', 'left'] as const) expect(actionName(update(newGroupId(), 1, [], name).action)).toBe(name);
    expect(actionName(GroupAction.UNSPECIFIED)).toBeNull();
  });
});
