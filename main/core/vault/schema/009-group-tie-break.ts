import type { Migration } from './migration';

/**
 * Concurrent group changes at the same revision (docs/messaging.md, "Groups"):
 * every device must pick the same winner, so each group keeps
 * - update_hash: SHA-256 of the GroupUpdateMessage applied at its revision
 *   (the lower hash wins a tie);
 * - previous_members: JSON list of the members (us included if we were one)
 *   before that update, against which a competing update's sender is judged.
 * NULL for groups whose revision was applied before this step: a tie there
 * keeps what is held, as before.
 */
export const groupTieBreakSchema: Migration = {
  version: 9,
  name: 'group-tie-break',
  statements: [`ALTER TABLE groups ADD COLUMN update_hash BLOB`, `ALTER TABLE groups ADD COLUMN previous_members TEXT`],
};
