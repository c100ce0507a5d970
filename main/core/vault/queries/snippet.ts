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

interface Token {
  start: number;
  end: number;
  folded: string;
}

const ASCII_TOKEN = /[A-Za-z0-9]+/g;

function tokensOf(text: string): Token[] {
  const tokens: Token[] = [];
  if (ASCII.test(text)) {
    // Most messages are ASCII: fold the whole text once and cut tokens from it (a third of the time).
    const lower = text.toLowerCase();
    const pattern = new RegExp(ASCII_TOKEN.source, 'g');
    for (let m = pattern.exec(lower); m; m = pattern.exec(lower)) tokens.push({ start: m.index, end: m.index + m[0].length, folded: m[0] });
    return tokens;
  }
  const pattern = new RegExp(TOKEN.source, 'gu');
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) tokens.push({ start: m.index, end: m.index + m[0].length, folded: fold(m[0]) });
  return tokens;
}

/**
 * Marks the tokens of `text` that belong to a match of any term, and which of
 * them continue a phrase (so the gap before them is highlighted too); null
 * when nothing matches.
 */
function matches(tokens: Token[], terms: readonly string[][], prefixLast: boolean): { marked: boolean[]; joined: boolean[] } | null {
  const marked = new Array<boolean>(tokens.length).fill(false);
  const joined = new Array<boolean>(tokens.length).fill(false);
  let any = false;
  terms.forEach((term, t) => {
    const prefix = prefixLast && t === terms.length - 1 && term.length === 1;
    for (let i = 0; i + term.length <= tokens.length; i++) {
      let ok = true;
      for (let k = 0; k < term.length && ok; k++) {
        const token = (tokens[i + k] as Token).folded;
        const want = term[k] as string;
        ok = prefix ? token.startsWith(want) : token === want;
      }
      if (ok) {
        for (let k = 0; k < term.length; k++) {
          marked[i + k] = true;
          if (k > 0) joined[i + k] = true;
        }
        any = true;
      }
    }
  });
  return any ? { marked, joined } : null;
}

/**
 * A window of about a dozen words around the first match (the whole text when
 * short), with ellipses where it was cut. Null when `text` has no match.
 */
export function buildSnippet(text: string, terms: readonly string[][], prefixLast = false): SnippetPart[] | null {
  const tokens = tokensOf(text);
  const found = matches(tokens, terms, prefixLast);
  if (!found) return null;
  const { marked, joined } = found;
  const first = marked.indexOf(true);
  let from = 0;
  let to = tokens.length;
  if (tokens.length > WINDOW_TOKENS) {
    from = Math.max(0, Math.min(first - 3, tokens.length - WINDOW_TOKENS));
    to = from + WINDOW_TOKENS;
  }
  const start = from === 0 ? 0 : (tokens[from] as Token).start;
  const end = to === tokens.length ? text.length : (tokens[to - 1] as Token).end;
  const parts: SnippetPart[] = [];
  const push = (piece: string, match: boolean) => {
    if (!piece) return;
    const last = parts[parts.length - 1];
    if (last && last.match === match) last.text += piece;
    else parts.push({ text: piece, match });
  };
  if (start > 0) push(ELLIPSIS, false);
  let at = start;
  for (let i = from; i < to; i++) {
    const token = tokens[i] as Token;
    push(text.slice(at, token.start), i > from && (joined[i] as boolean));
    push(text.slice(token.start, token.end), marked[i] as boolean);
    at = token.end;
  }
  push(text.slice(at, end), false);
  if (end < text.length) push(ELLIPSIS, false);
  return parts;
}
