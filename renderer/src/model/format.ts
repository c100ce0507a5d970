/**
 * Names, initials and times as a messenger shows them. Dates follow the
 * person's locale through Intl; nothing here knows about React.
 */

/** Up to two letters for an avatar: the initials of the first two words, or the first letter of one word. */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/u)
    .filter(Boolean);
  const letters = words.length >= 2 ? [firstLetter(words[0]!), firstLetter(words[1]!)] : [firstLetter(words[0] ?? '?')];
  return letters.join('').toLocaleUpperCase();
}

function firstLetter(word: string): string {
  return [...word][0] ?? '';
}

/** One of eight avatar colours, the same for a name everywhere. */
export function avatarHue(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 8;
}

/** Building an Intl formatter costs far more than using one; a chat list formats hundreds of times. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

export function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/** The local calendar day of a time, as a stable key (YYYY-MM-DD). */
export function dayKey(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function formatClock(time: number, locale?: string): string {
  return dateFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(time);
}

/** Date and time in full, for a tooltip: "Thursday, March 12, 2026 at 11:59 AM". */
export function formatFull(time: number, locale?: string): string {
  return dateFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(time);
}

/** "Today", "Yesterday", a weekday within the week, else the date. `labels` carries the translated words. */
export function formatDay(time: number, now: number, labels: { today: string; yesterday: string }, locale?: string): string {
  if (sameDay(time, now)) return labels.today;
  if (sameDay(time, now - 24 * 60 * 60 * 1000)) return labels.yesterday;
  const age = now - time;
  if (age > 0 && age < 6 * 24 * 60 * 60 * 1000) return dateFormat(locale, { weekday: 'long' }).format(time);
  const sameYear = new Date(time).getFullYear() === new Date(now).getFullYear();
  return dateFormat(locale, sameYear ? { weekday: 'short', month: 'long', day: 'numeric' } : { year: 'numeric', month: 'long', day: 'numeric' }).format(time);
}

/** The time beside a chat in the list: the clock today, the weekday this week, else a short date. */
export function formatListTime(time: number, now: number, locale?: string): string {
  if (sameDay(time, now)) return formatClock(time, locale);
  const age = now - time;
  if (age > 0 && age < 6 * 24 * 60 * 60 * 1000) return dateFormat(locale, { weekday: 'short' }).format(time);
  return dateFormat(locale, { month: 'short', day: 'numeric' }).format(time);
}

/** Bytes in the largest unit that keeps the number at least 1 (1 KB = 1,000 bytes, as file managers show). */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
