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

/**
 * Which pairs a version of the function emits. 1 (search_pairs(), schema
 * 010): a common word and the word after it. 2 (search_pairs2(), schema
 * 013): also a word and the common word after it ("way of", "going to"),
 * as "zy", the common word's number, then the word before it. Each version
 * stays as it is: a vault's index removes what a call computes now.
 */
export type PairsVersion = 1 | 2;

/** The pair token for a folded word followed by the folded `next`, or null when neither is a common word. */
export function pairToken(first: string, next: string, version: PairsVersion = 2): string | null {
  return tokenOf(first, NUMBER.get(first), next, NUMBER.get(next), version);
}

/** The token of two adjacent words, given their common-word numbers (undefined for other words). */
function tokenOf(first: string, firstNumber: string | undefined, next: string, nextNumber: string | undefined, version: PairsVersion): string | null {
  if (firstNumber !== undefined) return `zz${firstNumber}${next}`;
  return version === 2 && nextNumber !== undefined ? `zy${nextNumber}${first}` : null;
}

/**
 * The pair tokens of a message's body and attachment names (pairs never
 * span the two), space-separated; null when there are none. SQLite calls it
 * for every message stored (the function of the index's triggers and view),
 * so the common, printable-ASCII case is a plain scan.
 */
export function searchPairs(body: string | null, attachmentNames: string | null, version: PairsVersion = 1): string | null {
  let tokens = '';
  for (const text of [body, attachmentNames]) {
    if (text) tokens = PRINTABLE_ASCII.test(text) ? asciiPairs(text.toLowerCase(), tokens, version) : unicodePairs(text, tokens, version);
  }
  return tokens || null;
}

/** Version 2 of searchPairs (search_pairs2(), schema 013). */
export function searchPairsBothWays(body: string | null, attachmentNames: string | null): string | null {
  return searchPairs(body, attachmentNames, 2);
}

/** ASCII letters and digits; every other ASCII character separates words, as in unicode61. */
const isAsciiWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 122);

function asciiPairs(lower: string, tokens: string, version: PairsVersion): string {
  let previous: string | null = null;
  let previousNumber: string | undefined;
  for (let i = 0; i < lower.length; ) {
    if (!isAsciiWordChar(lower.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < lower.length && isAsciiWordChar(lower.charCodeAt(i))) i++;
    const word = lower.slice(start, i);
    const number = word.length <= LONGEST ? NUMBER.get(word) : undefined;
    if (previous !== null) tokens = addPair(tokens, previous, previousNumber, word, number, version);
    previous = word;
    previousNumber = number;
  }
  return tokens;
}

function unicodePairs(text: string, tokens: string, version: PairsVersion): string {
  let previous: string | null = null;
  let previousNumber: string | undefined;
  for (const match of text.matchAll(WORD)) {
    const word = fold(match[0]);
    const number = NUMBER.get(word);
    if (previous !== null) tokens = addPair(tokens, previous, previousNumber, word, number, version);
    previous = word;
    previousNumber = number;
  }
  return tokens;
}

/** `tokens` with the pair of two adjacent words added, if they make one (see pairToken). */
function addPair(tokens: string, first: string, firstNumber: string | undefined, next: string, nextNumber: string | undefined, version: PairsVersion): string {
  const token = tokenOf(first, firstNumber, next, nextNumber, version);
  return token === null ? tokens : tokens ? `${tokens} ${token}` : token;
}
