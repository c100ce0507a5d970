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
  WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR m.conversation_id = ?2) AND (?4 IS NULL OR m.expires_at IS NULL OR m.expires_at > ?4)
  ORDER BY messages_fts.docid DESC LIMIT ?3`;

/**
 * When compaction merges the full-text index. Every transaction adds a
 * segment and automerge folds them only level by level, so the index keeps a
 * few dozen, and each query term looks up and merges a doclist from every one.
 * At 200,000 messages, 32 segments merged into one made searches about 1.8x
 * faster (a phrase of common words: 1.6 -> 1.1 ms). FTS4's incremental merge
 * ('merge=X,2': merge any level holding two or more) ends there in one
 * segment and, unlike 'optimize', reuses the pages it frees, so the file does
 * not grow. It rewrites the index (~0.35 s at 200,000 messages), so it runs
 * only past `minSegments`, and stops after `budgetMs` (the next compaction
 * carries on; a half-done merge is still a valid index).
 */
export const searchIndexMerge = { minSegments: 16, budgetMs: 1000 };

/**
 * Merges a fragmented full-text index (see searchIndexMerge). A logical no-op
 * (the same rows match), so it needs no journal record: the compaction that
 * calls it snapshots the result. Returns whether it merged anything.
 */
export function tidySearchIndex(db: SqlReader & Pick<SqlWriter, 'run'>): boolean {
  // A vault held at an older schema (before 002) has no index yet.
  if (!db.get(`SELECT 1 AS x FROM sqlite_master WHERE name = 'messages_fts_segdir'`)) return false;
  if (Number(db.get('SELECT count(*) AS n FROM messages_fts_segdir')?.n) < searchIndexMerge.minSegments) return false;
  const deadline = performance.now() + searchIndexMerge.budgetMs;
  const changes = () => Number(db.get('SELECT total_changes() AS n')?.n);
  for (;;) {
    const before = changes();
    db.run(`INSERT INTO messages_fts(messages_fts) VALUES ('merge=1000,2')`);
    // FTS4's documented signal that no work was left: fewer than two rows changed.
    if (changes() - before < 2 || performance.now() > deadline) return true;
  }
}

/**
 * Merges the whole full-text index into one segment ('optimize'). FTS4
 * deletes by adding delete markers in a new segment: a removed message's
 * words stay readable in the older segments (not searchable) until a merge
 * takes in every segment, which the incremental merge above need not do.
 * Also a logical no-op, run by the compaction after messages were removed.
 */
export function optimizeSearchIndex(db: SqlReader & Pick<SqlWriter, 'run'>): void {
  if (!db.get(`SELECT 1 AS x FROM sqlite_master WHERE name = 'messages_fts_segdir'`)) return;
  db.run(`INSERT INTO messages_fts(messages_fts) VALUES ('optimize')`);
}

/** Statements worth compiling at unlock, so the first search does not pay for it. */
export const searchStatements = [{ sql: SEARCH_SQL }];

/** `now`: leave out messages whose disappearing time is up (the reaper may not have reached them yet). */
export function searchMessages(db: SqlReader, query: string, options: { conversationId?: string; limit?: number; prefixLastWord?: boolean; now?: number } = {}): SearchHit[] {
  const fts = toFtsQuery(query, options);
  if (!fts) return [];
  const rows = db.all(SEARCH_SQL, [fts, options.conversationId ?? null, options.limit ?? 50, options.now ?? null]);
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
