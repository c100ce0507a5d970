import { create, toBinary } from '@bufbuild/protobuf';
import { createHash } from 'node:crypto';
import { ContentSchema, GroupContextSchema, GroupUpdateMessage_Action, GroupUpdateMessageSchema, type Content, type GroupUpdateMessage } from '../../../shared/proto/gen/hearth/v1/content_pb';
import type { Notice } from '../../../shared/api';
import { decodeContent } from './content';

/** Group payloads (content.proto: GroupUpdateMessage, SenderKeyDistribution, GroupContext). */

export { GroupUpdateMessage_Action as GroupAction, type GroupUpdateMessage };

/** A group's id: 32 random bytes chosen by its creator. */
export const GROUP_ID_BYTES = 32;

export type GroupActionName = 'created' | 'renamed' | 'added' | 'removed' | 'left';

const ACTIONS: Record<GroupActionName, GroupUpdateMessage_Action> = {
  created: GroupUpdateMessage_Action.CREATED,
  renamed: GroupUpdateMessage_Action.RENAMED,
  added: GroupUpdateMessage_Action.ADDED,
  removed: GroupUpdateMessage_Action.REMOVED,
  left: GroupUpdateMessage_Action.LEFT,
};

export function actionName(action: GroupUpdateMessage_Action): GroupActionName | null {
  const found = (Object.entries(ACTIONS) as Array<[GroupActionName, GroupUpdateMessage_Action]>).find(([, value]) => value === action);
  return found ? found[0] : null;
}

export interface GroupState {
  readonly groupId: Uint8Array;
  readonly revision: number;
  readonly name: string;
  /** Every member's username, the sender included unless they left. */
  readonly members: readonly string[];
  readonly expireTimerMs: number | null;
}

export function encodeGroupUpdate(state: GroupState, action: GroupActionName, targets: readonly string[], timestampMs: number): Uint8Array {
  return toBinary(
    ContentSchema,
    create(ContentSchema, {
      body: {
        case: 'groupUpdate',
        value: {
          groupId: state.groupId,
          revision: BigInt(state.revision),
          name: state.name,
          members: [...state.members],
          action: ACTIONS[action],
          targets: [...targets],
          timestampMs: BigInt(timestampMs),
          expireTimerS: Math.round((state.expireTimerMs ?? 0) / 1000),
        },
      },
    }),
  );
}

export function encodeSenderKeyDistribution(groupId: Uint8Array, distributionMessage: Uint8Array): Uint8Array {
  return toBinary(ContentSchema, create(ContentSchema, { body: { case: 'senderKeyDistribution', value: { groupId, distributionMessage } } }));
}

/**
 * The payload with the group named in it (DataMessage.group, TypingMessage.group_id),
 * so a member that gets it over a one-to-one session (no sealed sender) still
 * knows where it belongs. Other contents are found by the message they target.
 */
export function withGroupContext(payload: Uint8Array, groupId: Uint8Array, revision: number): Uint8Array {
  const content = decodeContent(payload);
  if (!content) return payload;
  if (content.body.case === 'data') content.body.value.group = create(GroupContextSchema, { id: groupId, revision: BigInt(revision) });
  else if (content.body.case === 'typing') content.body.value.groupId = groupId;
  else return payload;
  return toBinary(ContentSchema, content);
}

/** The group a content names itself, if any. */
export function namedGroup(content: Content): { id: Uint8Array; revision: number | null } | null {
  const body = content.body;
  if (body.case === 'data' && body.value.group && body.value.group.id.length === GROUP_ID_BYTES) return { id: body.value.group.id, revision: Number(body.value.group.revision) };
  if (body.case === 'typing' && body.value.groupId.length === GROUP_ID_BYTES) return { id: body.value.groupId, revision: null };
  if (body.case === 'timerUpdate' && body.value.groupId.length === GROUP_ID_BYTES) return { id: body.value.groupId, revision: null };
  return null;
}

/** A notice as stored in messages.notice (JSON of the contract's Notice). */
export function groupNotice(action: GroupActionName, actorId: string | null, name: string, targetIds: ReadonlyArray<string | null>): Notice {
  return { type: 'group', action, actorId, name, targetIds: [...targetIds] };
}

/**
 * What decides a tie between two updates at the same revision: SHA-256 of the
 * update as encoded (the sender sends the same bytes to every member, and
 * every device encodes a decoded update the same way), lower wins.
 */
export function groupUpdateHash(update: GroupUpdateMessage): Uint8Array {
  return createHash('sha256').update(toBinary(GroupUpdateMessageSchema, update)).digest();
}

/** The same, for an update we encoded ourselves (encodeGroupUpdate's Content). */
export function encodedGroupUpdateHash(content: Uint8Array): Uint8Array | null {
  const decoded = decodeContent(content);
  return decoded?.body.case === 'groupUpdate' ? groupUpdateHash(decoded.body.value) : null;
}
