import type { Message } from '../../../shared/api';
import { t } from '../i18n';

export interface ReactionChip {
  readonly emoji: string;
  readonly count: number;
  /** You are among the reactors: the chip is highlighted and clicking it takes your reaction back. */
  readonly mine: boolean;
  /** What a screen reader hears: "Reacted 👍 by you and Bob". */
  readonly label: string;
}

/** Names beyond this many are counted ("you, Bob, Carol and 4 others"), so a big group's chip stays readable. */
const NAMED = 3;

/**
 * One chip per emoji under a message, the most used first (ties: the one
 * used earliest), each with its count and who reacted. A message has at
 * most one reaction per person, so counts are people.
 */
export function reactionChips(reactions: Message['reactions'], nameOf: (contactId: string) => string): ReactionChip[] {
  const byEmoji = new Map<string, { reactors: Array<string | null>; first: number }>();
  for (const reaction of reactions ?? []) {
    const entry = byEmoji.get(reaction.emoji) ?? { reactors: [], first: reaction.reactedAt };
    entry.reactors.push(reaction.reactorId);
    entry.first = Math.min(entry.first, reaction.reactedAt);
    byEmoji.set(reaction.emoji, entry);
  }
  return [...byEmoji.entries()]
    .sort(([, a], [, b]) => b.reactors.length - a.reactors.length || a.first - b.first)
    .map(([emoji, { reactors }]) => {
      // You first, as people read their own name fastest.
      const ordered = [...reactors.filter((id) => id === null), ...reactors.filter((id) => id !== null)];
      const names = ordered.map((id) => (id === null ? t('reactions.you') : nameOf(id)));
      return { emoji, count: reactors.length, mine: reactors.includes(null), label: t('reactions.by', { emoji, names: listNames(names) }) };
    });
}

/** "you", "you and Bob", "you, Bob and Carol", "you, Bob, Carol and 2 others". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  const shown = names.length > NAMED + 1 ? [...names.slice(0, NAMED), t('reactions.others', { count: names.length - NAMED })] : names;
  return t('notice.and', { first: shown.slice(0, -1).join(', '), last: shown[shown.length - 1]! });
}
