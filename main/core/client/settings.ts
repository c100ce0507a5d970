import { Settings } from '../../../shared/api';
import { messaging, profile, type SqlReader, type SqlWriter } from '../vault';

/** The person's settings, in the vault (so they are as private as the history); the relay URL lives on the profile row. */
const KEY = 'settings';
const Stored = Settings.omit({ relayUrl: true });

const DEFAULTS = { autoLockMinutes: null, notificationContent: 'name-and-message', theme: 'system', sendReadReceipts: true, sendTypingIndicators: true } as const satisfies Omit<Settings, 'relayUrl'>;

export function readSettings(db: SqlReader): Settings {
  const parsed = Stored.partial().safeParse(messaging.getSetting(db, KEY) ?? {});
  const stored = parsed.success ? parsed.data : {};
  return { ...DEFAULTS, ...stored, relayUrl: profile.getProfile(db)?.relayUrl ?? '' };
}

export function writeSettings(tx: SqlWriter, next: Settings, now: number): void {
  const { relayUrl, ...rest } = next;
  messaging.putSetting(tx, KEY, rest);
  const current = profile.getProfile(tx);
  if (current && current.relayUrl !== relayUrl) profile.saveProfile(tx, { ...current, relayUrl, updatedAt: now });
}
