import type { Migration } from './migration';

/**
 * Sealed sender (issue 7):
 * - contacts.sealed_sender: 1 while the contact is believed to accept sealed
 *   envelopes (the default), 0 once the relay refused one for them, after
 *   which we send to them on the authenticated path;
 * - conversations.sealed_sender: how the last message of ours in the
 *   conversation went out (1 sealed, 0 authenticated, NULL none yet), for the
 *   conversation details.
 */
export const sealedSenderSchema: Migration = {
  version: 4,
  name: 'sealed-sender',
  statements: [
    `ALTER TABLE contacts ADD COLUMN sealed_sender INTEGER NOT NULL DEFAULT 1`,
    `ALTER TABLE conversations ADD COLUMN sealed_sender INTEGER`,
  ],
};
