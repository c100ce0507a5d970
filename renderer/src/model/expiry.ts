import { EXPIRE_TIMERS_MS } from '../../../shared/api';
import { t, type MessageKey } from '../i18n';

/** The timers offered, in order, with their words; null is off. */
export const TIMER_CHOICES: ReadonlyArray<{ readonly ms: number | null; readonly label: MessageKey }> = [
  { ms: null, label: 'timer.off' },
  ...EXPIRE_TIMERS_MS.map((ms, i) => ({ ms, label: (['timer.30s', 'timer.5m', 'timer.1h', 'timer.1d', 'timer.1w'] as const)[i]! })),
];

/** "30 seconds", "1 week"; an unexpected value (an older or newer peer) as the nearest short duration. */
export function timerLabel(ms: number | null): string {
  const known = TIMER_CHOICES.find((choice) => choice.ms === ms);
  return known ? t(known.label) : shortDuration(ms ?? 0);
}

/** A countdown's words, rounded up so it never shows 0 before the end: "25 s", "4 min", "23 h", "6 d". */
export function shortDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return t('timer.seconds', { count: seconds });
  if (seconds < 60 * 60) return t('timer.minutes', { count: Math.ceil(seconds / 60) });
  if (seconds < 24 * 60 * 60) return t('timer.hours', { count: Math.ceil(seconds / 3600) });
  return t('timer.days', { count: Math.ceil(seconds / 86_400) });
}
