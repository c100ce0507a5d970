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

/**
 * A window of about a dozen words around the first match (the whole text when
 * short), with ellipses where it was cut. Null when `text` has no match.
 */
export function buildSnippet(text: string, terms: readonly string[][], prefixLast = false): SnippetPart[] | null {
  // Plain loops and no closures in here: it runs for every hit shown, and under tsx each closure
  // made per call also costs a name-keeping helper call.
  const tokens = tokensOf(text);
  const { starts, ends } = tokens;
  const count = starts.length;
  const prefixTerm = prefixLast && terms[terms.length - 1]?.length === 1 ? terms.length - 1 : -1;
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
  let from = 0;
  let to = count;
  if (count > WINDOW_TOKENS) {
    from = Math.max(0, Math.min(first - 3, count - WINDOW_TOKENS));
    to = from + WINDOW_TOKENS;
  }
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
