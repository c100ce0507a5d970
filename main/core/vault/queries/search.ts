import type { SqlReader, SqlWriter } from '../sqlite';
import { int, text } from './row';
import { buildSnippet, termTokens, type SnippetPart } from './snippet';

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
  snippet: SnippetPart[];
}

/** The person's query as terms: each word, and each "quoted phrase" as one term. */
export function queryTerms(input: string): string[] {
  const terms: string[] = [];
  const pattern = /"([^"]*)"?|([^\s"]+)/g;
  for (const match of input.matchAll(pattern)) {
    const phrase = (match[1] ?? match[2] ?? '').replace(/\p{Cc}/gu, ' ').trim();
    // Keep only what the tokenizer would index; a term of punctuation alone matches nothing.
    if (!/[\p{L}\p{N}]/u.test(phrase)) continue;
    terms.push(phrase);
  }
  return terms;
}

/** Quotes each term, so no FTS syntax typed by the person gets through. */
export function toFtsQuery(input: string, options: { prefixLastWord?: boolean } = {}): string | null {
  const terms = queryTerms(input);
  if (terms.length === 0) return null;
  return terms
    .map((term, i) => `"${term.replace(/"/g, ' ')}${options.prefixLastWord && i === terms.length - 1 && !term.includes(' ') ? '*' : ''}"`)
    .join(' ');
}

// Newest first by arrival (docid order): FTS4 walks its doclist in docid order (order=DESC) and
// stops at the limit. Sorting all matches by sent_at instead cost half a second for a common word
// at 200,000 messages.
const SEARCH_SQL = `SELECT m.id, m.uid, m.conversation_id, m.sent_at, m.body, m.attachment_names
  FROM messages_fts JOIN messages m ON m.id = messages_fts.docid
  WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR m.conversation_id = ?2)
  ORDER BY messages_fts.docid DESC LIMIT ?3`;

/**
 * When compaction merges the full-text index into one segment ('optimize').
 * Every transaction adds a segment and automerge folds them level by level, so
 * a bulk load leaves a few dozen large ones, and each query term reads and
 * merges a doclist from every one. At 200,000 messages a single segment made
 * searches about twice as fast (a phrase of common words: 1.2 -> 0.8 ms). The
 * merge rewrites the whole index (~0.4 s there) and leaves the old segments'
 * pages free in the file until later writes reuse them, so it runs only when
 * much of the index lies outside its largest segment: after a bulk load, not
 * after a few thousand single messages (their segments are small).
 */
export const searchIndexMerge = { minSegments: 8, minOutsideLargest: 0.25 };

// end_block is "block size" (FTS4 with incremental merge); older segments have no size, count their root.
const SEGMENT_SIZES_SQL = `SELECT count(*) AS n, coalesce(sum(size), 0) AS total, coalesce(max(size), 0) AS largest FROM (
  SELECT CASE WHEN instr(end_block, ' ') > 0 THEN CAST(substr(end_block, instr(end_block, ' ') + 1) AS INTEGER) ELSE length(root) END AS size
  FROM messages_fts_segdir)`;

/**
 * Merges the full-text index into one segment when it is fragmented (see
 * searchIndexMerge). A logical no-op (the same rows match), so it needs no
 * journal record: the compaction that calls it snapshots the result. Returns
 * whether it merged.
 */
export function tidySearchIndex(db: SqlReader & Pick<SqlWriter, 'run'>): boolean {
  // A vault held at an older schema (before 002) has no index yet.
  if (!db.get(`SELECT 1 AS x FROM sqlite_master WHERE name = 'messages_fts_segdir'`)) return false;
  const row = db.get(SEGMENT_SIZES_SQL);
  const [n, total, largest] = [row?.n, row?.total, row?.largest].map(Number) as [number, number, number];
  if (n < searchIndexMerge.minSegments || total - largest <= searchIndexMerge.minOutsideLargest * total) return false;
  db.run(`INSERT INTO messages_fts(messages_fts) VALUES ('optimize')`);
  return true;
}

/** Statements worth compiling at unlock, so the first search does not pay for it. */
export const searchStatements = [{ sql: SEARCH_SQL }];

export function searchMessages(db: SqlReader, query: string, options: { conversationId?: string; limit?: number; prefixLastWord?: boolean } = {}): SearchHit[] {
  const fts = toFtsQuery(query, options);
  if (!fts) return [];
  const rows = db.all(SEARCH_SQL, [fts, options.conversationId ?? null, options.limit ?? 50]);
  const terms = queryTerms(query).map(termTokens);
  const prefix = options.prefixLastWord ?? false;
  return rows.map((row) => {
    const body = (row.body as string | null) ?? '';
    const names = (row.attachment_names as string | null) ?? '';
    return {
      messageId: int(row, 'id'),
      uid: text(row, 'uid'),
      conversationId: text(row, 'conversation_id'),
      sentAt: int(row, 'sent_at'),
      // From the body; from the attachment names when only they matched.
      snippet: buildSnippet(body, terms, prefix) ?? buildSnippet(names, terms, prefix) ?? [{ text: body, match: false }],
    };
  });
}
