import type { SqlReader } from '../sqlite';
import { int, text } from './row';

/**
 * Full-text search over message bodies and attachment file names, most
 * recently received first, with snippets. The person's query is turned into a safe FTS4 query:
 * every word and every "quoted phrase" must match; FTS operators typed by the
 * person are treated as plain words.
 */
export interface SearchHit {
  messageId: number;
  uid: string;
  conversationId: string;
  sentAt: number;
  /** The snippet in pieces; `match` pieces are the words that matched (render them highlighted). */
  snippet: Array<{ text: string; match: boolean }>;
}

const OPEN = '\u0002';
const CLOSE = '\u0003';
const ELLIPSIS = '…';

/** Splits the query into words and quoted phrases and quotes each, so no FTS syntax gets through. */
export function toFtsQuery(input: string, options: { prefixLastWord?: boolean } = {}): string | null {
  const terms: string[] = [];
  const pattern = /"([^"]*)"?|([^\s"]+)/g;
  for (const match of input.matchAll(pattern)) {
    const phrase = (match[1] ?? match[2] ?? '').replace(/\p{Cc}/gu, ' ').trim();
    // Keep only what the tokenizer would index; a term of punctuation alone matches nothing.
    if (!/[\p{L}\p{N}]/u.test(phrase)) continue;
    terms.push(phrase);
  }
  if (terms.length === 0) return null;
  return terms
    .map((term, i) => `"${term}${options.prefixLastWord && i === terms.length - 1 && !term.includes(' ') ? '*' : ''}"`)
    .join(' ');
}

function splitSnippet(raw: string): SearchHit['snippet'] {
  const parts: SearchHit['snippet'] = [];
  for (const piece of raw.split(OPEN)) {
    const close = piece.indexOf(CLOSE);
    if (close < 0) {
      if (piece) parts.push({ text: piece, match: false });
      continue;
    }
    parts.push({ text: piece.slice(0, close), match: true });
    const rest = piece.slice(close + 1);
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

const SEARCH_SQL = `SELECT m.id, m.uid, m.conversation_id, m.sent_at, snippet(messages_fts, '${OPEN}', '${CLOSE}', '${ELLIPSIS}', -1, 12) AS snippet
  FROM messages_fts JOIN messages m ON m.id = messages_fts.docid
  WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR m.conversation_id = ?2)
  ORDER BY messages_fts.docid DESC LIMIT ?3`;

/** Statements worth compiling at unlock, so the first search does not pay for it. */
export const searchStatements = [{ sql: SEARCH_SQL }];

export function searchMessages(db: SqlReader, query: string, options: { conversationId?: string; limit?: number; prefixLastWord?: boolean } = {}): SearchHit[] {
  const fts = toFtsQuery(query, options);
  if (!fts) return [];
  // Newest first by arrival (docid order): FTS4 walks its doclist in docid order and stops at the
  // limit, and builds snippets for those rows only. Sorting all matches by sent_at instead cost
  // half a second for a common word at 200,000 messages.
  const rows = db.all(SEARCH_SQL, [fts, options.conversationId ?? null, options.limit ?? 50]);
  return rows.map((row) => ({
    messageId: int(row, 'id'),
    uid: text(row, 'uid'),
    conversationId: text(row, 'conversation_id'),
    sentAt: int(row, 'sent_at'),
    snippet: splitSnippet(text(row, 'snippet')),
  }));
}
