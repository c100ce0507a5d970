import { fold } from './snippet';

/**
 * Word pairs that start with a very common word ("the way", "of course"),
 * indexed as one token each, so a phrase holding such a word reads one short
 * doclist instead of walking the common word's: FTS4 cannot skip ahead in a
 * doclist, and at 200,000 messages "the" is in 112,000 of them ("the way"
 * took 1 ms as a phrase, 0.03 ms as a pair). The same idea as Lucene's
 * CommonGrams. The common words are Lucene's English stop words; pairs
 * starting with any other word are not indexed (each costs index space and
 * insert time), and a phrase without a common word runs as a plain phrase.
 *
 * A pair token is "zz", the common word's two-digit number, then the next
 * word folded as the index folds it (case and accents): letters and digits
 * only, so unicode61 keeps it one token, and it decodes one way only. Pairs
 * are indexed in their own column (search_pairs), so they never match a
 * plain word of a query.
 */
export const COMMON_WORDS: readonly string[] = 'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' ');

const NUMBER = new Map(COMMON_WORDS.map((word, i) => [word, String(i).padStart(2, '0')]));

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const PRINTABLE_ASCII = /^[ -~]*$/;
/** The longest common word: longer words need no lookup. */
const LONGEST = Math.max(...COMMON_WORDS.map((word) => word.length));

/** The pair token for a folded word followed by the folded `next`, or null when `first` is not a common word. */
export function pairToken(first: string, next: string): string | null {
  const number = NUMBER.get(first);
  return number === undefined ? null : `zz${number}${next}`;
}

/**
 * The pair tokens of a message's body and attachment names (pairs never
 * span the two), space-separated; null when there are none. SQLite calls it
 * for every message stored (the search_pairs() function of the index's
 * trigger and view), so the common, printable-ASCII case is a plain scan.
 */
export function searchPairs(body: string | null, attachmentNames: string | null): string | null {
  let tokens = '';
  if (body) tokens = PRINTABLE_ASCII.test(body) ? asciiPairs(body.toLowerCase(), tokens) : unicodePairs(body, tokens);
  if (attachmentNames) tokens = PRINTABLE_ASCII.test(attachmentNames) ? asciiPairs(attachmentNames.toLowerCase(), tokens) : unicodePairs(attachmentNames, tokens);
  return tokens || null;
}

/** ASCII letters and digits; every other ASCII character separates words, as in unicode61. */
const isAsciiWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 122);

function asciiPairs(lower: string, tokens: string): string {
  let previous: string | undefined;
  for (let i = 0; i < lower.length; ) {
    if (!isAsciiWordChar(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < lower.length && isAsciiWordChar(lower.charCodeAt(i))) i++;
    if (previous !== undefined) tokens += `${tokens ? ' ' : ''}zz${previous}${lower.slice(start, i)}`;
    previous = i - start <= LONGEST ? NUMBER.get(lower.slice(start, i)) : undefined;
  }
  return tokens;
}

function unicodePairs(text: string, tokens: string): string {
  let previous: string | undefined;
  for (const match of text.matchAll(WORD)) {
    const word = fold(match[0]);
    if (previous !== undefined) tokens += `${tokens ? ' ' : ''}zz${previous}${word}`;
    previous = NUMBER.get(word);
  }
  return tokens;
}
