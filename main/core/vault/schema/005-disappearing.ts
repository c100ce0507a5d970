import type { Migration } from './migration';

/**
 * Disappearing messages and notices (issue 7):
 * - messages.notice: what a 'timer-changed' or 'group-update' notice says
 *   (the contract's Notice as JSON); not in the search index;
 * - conversations.expire_timer_at: when (the changer's clock) the current
 *   disappearing timer was set, so a late message carrying an older timer
 *   does not turn it back. The timer itself is conversations.expire_timer_ms
 *   (schema 001); each message's own timer and expiry are
 *   messages.expires_in_ms / expires_at (schema 001, index messages_expiring).
 */
export const disappearingSchema: Migration = {
  version: 5,
  name: 'disappearing-messages',
  statements: [`ALTER TABLE messages ADD COLUMN notice TEXT`, `ALTER TABLE conversations ADD COLUMN expire_timer_at INTEGER`],
};
