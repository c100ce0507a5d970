/**
 * Snippets with highlighted matches, built in JavaScript from the message
 * text. FTS4's snippet() re-reads and re-tokenizes every hit inside
 * WebAssembly and cost more than the search itself; this tokenizes the same
 * way as the index (unicode61, remove_diacritics=2: runs of letters and
 * digits, case and accents folded) and marks the query's words and phrases.
 */
export type SnippetPart = { text: string; match: boolean };

const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const WINDOW_TOKENS = 12;
const ELLIPSIS = '…';

const ASCII = /^[ -~]*$/;

export function fold(word: string): string {
  // Most words are ASCII: lowercase is all they need, and normalize() is the costly part.
  return ASCII.test(word) ? word.toLowerCase() : word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A query term as folded tokens: one for a word, several for a "quoted phrase". */
export function termTokens(term: string): string[] {
  return [...term.matchAll(TOKEN)].map((m) => fold(m[0]));
}

/**
 * A text's tokens: where each starts and ends in the text, and where its
 * folded form lies in `folded` (for ASCII text, the lowercased text itself,
 * so no string is cut out per token).
 */
interface Tokens {
  starts: number[];
  ends: number[];
  folded: string;
  foldedStarts: number[];
  foldedEnds: number[];
}

/** ASCII letters and digits; every other ASCII character separates tokens, as in unicode61. */
const isAsciiWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 122);

function tokensOf(text: string): Tokens {
  if (ASCII.test(text)) {
    // Most messages are ASCII: fold the whole text once and find tokens with a plain scan
    // (snippets for 50 hits cost more than the search itself when each token was a regex match).
    const lower = text.toLowerCase();
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < lower.length; ) {
      if (!isAsciiWordChar(lower.charCodeAt(i))) {
        i++;
        continue;
      }
      starts.push(i);
      while (i < lower.length && isAsciiWordChar(lower.charCodeAt(i))) i++;
      ends.push(i);
    }
    return { starts, ends, folded: lower, foldedStarts: starts, foldedEnds: ends };
  }
  const tokens: Tokens = { starts: [], ends: [], folded: '', foldedStarts: [], foldedEnds: [] };
  const pattern = new RegExp(TOKEN.source, 'gu');
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    tokens.starts.push(m.index);
    tokens.ends.push(m.index + m[0].length);
    if (tokens.folded) tokens.folded += ' ';
    tokens.foldedStarts.push(tokens.folded.length);
    tokens.folded += fold(m[0]);
    tokens.foldedEnds.push(tokens.folded.length);
  }
  return tokens;
}

/** Whether `term` (folded tokens) matches the tokens from index `at`; the prefix form lets its one token match a longer word. */
function matchesAt(tokens: Tokens, at: number, term: readonly string[], prefix: boolean): boolean {
  if (at + term.length > tokens.starts.length) return false;
  for (let k = 0; k < term.length; k++) {
    const want = term[k] as string;
    const start = tokens.foldedStarts[at + k] as number;
    const length = (tokens.foldedEnds[at + k] as number) - start;
    if ((prefix ? length < want.length : length !== want.length) || !tokens.folded.startsWith(want, start)) return false;
  }
  return true;
}

/** Whether `term` (folded tokens) occurs in `text` as the index would match it. */
export function containsTerm(text: string, term: readonly string[], prefix = false): boolean {
  const tokens = tokensOf(text);
  for (let i = 0; i < tokens.starts.length; i++) if (matchesAt(tokens, i, term, prefix)) return true;
  return false;
}

/**
 * A window of about a dozen words around the first match (the whole text when
 * short), with ellipses where it was cut. Null when `text` has no match.
 */
export function buildSnippet(text: string, terms: readonly string[][], prefixLast = false): SnippetPart[] | null {
  const prefixTerm = prefixLast && terms[terms.length - 1]?.length === 1 ? terms.length - 1 : -1;
  return ASCII_TEXT.test(text) ? asciiSnippet(text, terms, prefixTerm) : tokenSnippet(text, terms, prefixTerm);
}

/** The general way to build a snippet; buildSnippet takes a faster one for ASCII text, with the same result. */
export function buildSnippetFromTokens(text: string, terms: readonly string[][], prefixLast = false): SnippetPart[] | null {
  return tokenSnippet(text, terms, prefixLast && terms[terms.length - 1]?.length === 1 ? terms.length - 1 : -1);
}

/** Printable ASCII, tabs and line breaks: what the fast path takes (other text takes the general one). */
const ASCII_TEXT = /^[\t\n\r -~]*$/;
const ASCII_TERM_TOKEN = /^[a-z0-9]+$/;

function tokenSnippet(text: string, terms: readonly string[][], prefixTerm: number): SnippetPart[] | null {
  // Plain loops and no closures in here: it runs for every hit shown, and under tsx each closure
  // made per call also costs a name-keeping helper call.
  const tokens = tokensOf(text);
  const { starts, ends } = tokens;
  const count = starts.length;
  // The earliest token where any term matches; every match starts there or later.
  let first = -1;
  for (let t = 0; t < terms.length; t++) {
    const limit = first < 0 ? count : first;
    for (let i = 0; i < limit; i++) {
      if (matchesAt(tokens, i, terms[t] as string[], t === prefixTerm)) {
        first = i;
        break;
      }
    }
  }
  if (first < 0) return null;
  const { from, to } = windowAround(first, count);
  // Marks within the window (no match starts before it, since from <= first).
  const marked = new Array<boolean>(to - from).fill(false);
  const joined = new Array<boolean>(to - from).fill(false);
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t] as string[];
    for (let i = from; i < to; i++) {
      if (!matchesAt(tokens, i, term, t === prefixTerm)) continue;
      for (let k = 0; k < term.length && i + k < to; k++) {
        marked[i + k - from] = true;
        if (k > 0) joined[i + k - from] = true;
      }
    }
  }
  return renderWindow(text, starts, ends, from, to, marked, joined);
}

/**
 * ASCII text (most messages): regular expressions over the lowercased text
 * find the matches and the window's edges, so the work runs as the regex
 * engine's compiled code. A token-by-token loop runs as interpreted code
 * until V8 has seen it run many times, and right after start that was most
 * of a search's time (0.55 ms for 50 snippets, against 0.07 ms optimized).
 */
function asciiSnippet(text: string, terms: readonly string[][], prefixTerm: number): SnippetPart[] | null {
  const lower = text.toLowerCase();
  const patterns = asciiPatterns(terms, prefixTerm);
  let firstAt = -1;
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    const match = pattern.exec(lower);
    if (match && (firstAt < 0 || match.index < firstAt)) firstAt = match.index;
  }
  if (firstAt < 0) return null;
  let start = 0;
  let end = text.length;
  const count = wordCount(lower);
  if (count > WINDOW_TOKENS) {
    // A match starts where a word starts (the patterns' look-behind): the words before it are whole.
    const { from, to } = windowAround(wordCount(lower.slice(0, firstAt)), count);
    if (from > 0) {
      const before = wordsEnd(lower, from);
      start = before + lower.slice(before).search(/[a-z0-9]/);
    }
    if (to < count) end = wordsEnd(lower, to);
  }
  // Each match that starts in the window, as a span of the text (cut at its end); overlapping ones joined.
  const spans: Array<[number, number]> = [];
  for (const pattern of patterns) {
    pattern.lastIndex = start;
    for (let match = pattern.exec(lower); match && match.index < end; match = pattern.exec(lower)) {
      spans.push([match.index, Math.min(end, match.index + match[0].length)]);
      // The next match may overlap this one.
      pattern.lastIndex = match.index + 1;
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  const parts: SnippetPart[] = [];
  if (start > 0) appendPart(parts, ELLIPSIS, false);
  let at = start;
  for (const [from, to] of spans) {
    if (to <= at) continue;
    appendPart(parts, text.slice(at, Math.max(at, from)), false);
    appendPart(parts, text.slice(Math.max(at, from), to), true);
    at = to;
  }
  appendPart(parts, text.slice(at, end), false);
  if (end < text.length) appendPart(parts, ELLIPSIS, false);
  return parts;
}

/** How many words an ASCII (lowercased) text holds. */
function wordCount(lower: string): number {
  return lower.match(ASCII_WORDS)?.length ?? 0;
}

const ASCII_WORDS = /[a-z0-9]+/g;
const wordsPrefixes = new Map<number, RegExp>();

/** Where the first `n` words of an ASCII (lowercased) text end. */
function wordsEnd(lower: string, n: number): number {
  let pattern = wordsPrefixes.get(n);
  if (!pattern) {
    pattern = new RegExp(`^(?:[^a-z0-9]*[a-z0-9]+){${n}}`);
    wordsPrefixes.set(n, pattern);
  }
  return pattern.exec(lower)?.[0].length ?? lower.length;
}

const patternCache = new WeakMap<readonly string[][], { prefixTerm: number; patterns: RegExp[] }>();

/** One global pattern per term that can match ASCII text (a term with a non-ASCII word cannot). */
function asciiPatterns(terms: readonly string[][], prefixTerm: number): RegExp[] {
  const cached = patternCache.get(terms);
  if (cached && cached.prefixTerm === prefixTerm) return cached.patterns;
  const patterns: RegExp[] = [];
  terms.forEach((term, t) => {
    if (!term.every((token) => ASCII_TERM_TOKEN.test(token))) return;
    const end = t === prefixTerm ? '[a-z0-9]*' : '(?![a-z0-9])';
    patterns.push(new RegExp(`(?<![a-z0-9])${term.join('[^a-z0-9]+')}${end}`, 'g'));
  });
  patternCache.set(terms, { prefixTerm, patterns });
  return patterns;
}

/** The tokens shown: about a dozen, starting a few before the first match. */
function windowAround(first: number, count: number): { from: number; to: number } {
  if (count <= WINDOW_TOKENS) return { from: 0, to: count };
  const from = Math.max(0, Math.min(first - 3, count - WINDOW_TOKENS));
  return { from, to: from + WINDOW_TOKENS };
}

function renderWindow(text: string, starts: readonly number[], ends: readonly number[], from: number, to: number, marked: readonly boolean[], joined: readonly boolean[]): SnippetPart[] {
  const count = starts.length;
  const start = from === 0 ? 0 : (starts[from] as number);
  const end = to === count ? text.length : (ends[to - 1] as number);
  const parts: SnippetPart[] = [];
  if (start > 0) appendPart(parts, ELLIPSIS, false);
  let at = start;
  for (let i = from; i < to; i++) {
    appendPart(parts, text.slice(at, starts[i] as number), i > from && (joined[i - from] as boolean));
    appendPart(parts, text.slice(starts[i] as number, ends[i] as number), marked[i - from] as boolean);
    at = ends[i] as number;
  }
  appendPart(parts, text.slice(at, end), false);
  if (end < text.length) appendPart(parts, ELLIPSIS, false);
  return parts;
}

/** Adds a piece, merged into the last part when both are (or are not) matches. */
function appendPart(parts: SnippetPart[], piece: string, match: boolean): void {
  if (!piece) return;
  const last = parts[parts.length - 1];
  if (last && last.match === match) last.text += piece;
  else parts.push({ text: piece, match });
}
