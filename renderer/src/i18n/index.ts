import { en, type MessageKey, type Messages } from './en';

export type { MessageKey } from './en';

const catalogs: Readonly<Record<string, Messages>> = { en };
let current: Messages = en;

/** Picks the catalog for a BCP 47 language tag, falling back to English. */
export function selectLanguage(tag: string): void {
  const base = tag.toLowerCase().split('-')[0] ?? 'en';
  current = catalogs[base] ?? en;
}

/** The text for `key`, with each `{name}` replaced by `params[name]`. */
export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
  const text = current[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}
