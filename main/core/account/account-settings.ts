import { z } from 'zod';
import { messaging, type SqlReader, type SqlWriter } from '../vault';

/**
 * What the core keeps about its relay account beyond the profile row, in the
 * vault's settings table: the relay's account id and whether the signed and
 * last-resort prekeys made at creation have reached the relay.
 */
const AccountState = z.object({
  accountId: z.string().nullable(),
  /** The newest signed and last-resort prekeys are on the relay. */
  keysPublished: z.boolean(),
  /** When prekeys were last rotated (ms). */
  rotatedAt: z.number(),
  /** Rotate the signed and last-resort prekeys at the next chance, whatever their age (after a salvage). */
  rotateNow: z.boolean().optional(),
});
export type AccountState = z.infer<typeof AccountState>;

const KEY = 'account';

export function readAccountState(db: SqlReader): AccountState {
  const parsed = AccountState.safeParse(messaging.getSetting(db, KEY));
  return parsed.success ? parsed.data : { accountId: null, keysPublished: false, rotatedAt: 0 };
}

export function writeAccountState(tx: SqlWriter, state: AccountState): void {
  messaging.putSetting(tx, KEY, state);
}
