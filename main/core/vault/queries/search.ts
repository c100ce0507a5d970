import type { Row, SqlReader, SqlWriter } from '../sqlite';
import { int, text } from './row';
import { pairToken } from './search-pairs';
import { buildSnippet, containsTerm, termTokens, type SnippetPart } from './snippet';

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
  return terms.map((term, i) => quoted(term, options.prefixLastWord === true && i === terms.length - 1)).join(' ');
}

/** One term in quotes (a prefix search when asked and it is one word). */
function quoted(term: string, prefix: boolean): string {
  return `"${term.replace(/"/g, ' ')}${prefix && !term.includes(' ') ? '*' : ''}"`;
}

// Newest first by arrival (docid order): FTS4 walks its doclist in docid order (order=DESC) and
// stops at the limit. Sorting all matches by sent_at instead cost half a second for a common word
// at 200,000 messages.
const SEARCH_COLUMNS = `SELECT m.id, m.uid, m.conversation_id, m.sent_at, m.body, m.attachment_names
  FROM messages_fts JOIN messages m ON m.id = messages_fts.docid
  WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR m.conversation_id = ?2) AND (?4 IS NULL OR m.expires_at IS NULL OR m.expires_at > ?4)`;
const SEARCH_SQL = `${SEARCH_COLUMNS} ORDER BY messages_fts.docid DESC LIMIT ?3`;
/** The next candidates, older than the last one checked (a plain docid constraint, which FTS4 takes as a range). */
const SEARCH_OLDER_SQL = `${SEARCH_COLUMNS} AND messages_fts.docid < ?5 ORDER BY messages_fts.docid DESC LIMIT ?3`;

/**
 * The person's query as the index is asked it: a phrase holding a common
 * word followed by another ("the way") asks for the pair tokens of
 * search_pairs (see search-pairs.ts) instead, with its other words as plain
 * words. That finds the messages holding each pair and word somewhere, so
 * those hits are then checked for the whole phrase (`check`), unless the
 * phrase is one pair, which matches exactly where the phrase does.
 */
export interface IndexQuery {
  match: string;
  /** The terms every hit must be checked for, as folded tokens; null when the index's answer is exact. */
  check: string[][] | null;
}

export function toIndexQuery(input: string, options: { prefixLastWord?: boolean } = {}): IndexQuery | null {
  const terms = queryTerms(input);
  if (terms.length === 0) return null;
  let inexact = false;
  const parts = terms.map((term, i) => {
    const tokens = termTokens(term);
    // A typed word shaped like a pair token could match one (search_pairs is searched for plain words too).
    if (tokens.some((token) => /^z[zy]\d\d/.test(token))) inexact = true;
    const pairs: string[] = [];
    const covered = new Set<number>();
    for (let k = 0; k + 1 < tokens.length; k++) {
      const pair = pairToken(tokens[k] as string, tokens[k + 1] as string);
      if (pair === null) continue;
      pairs.push(`search_pairs:${pair}`);
      covered.add(k).add(k + 1);
    }
    if (pairs.length === 0) return quoted(term, options.prefixLastWord === true && i === terms.length - 1);
    if (tokens.length > 2) inexact = true;
    return [...pairs, ...tokens.filter((_, k) => !covered.has(k)).map((token) => quoted(token, false))].join(' ');
  });
  return { match: parts.join(' '), check: inexact ? terms.map(termTokens) : null };
}

/** The schema version from which the commit indexes new messages in one statement (schemas 011, 012). */
export const INDEX_AT_COMMIT_SCHEMA = 12;

/**
 * Puts the messages stored since the last commit into the full-text index,
 * in one statement (see schema 011: one statement is one index segment):
 * raising the mark fires the trigger of schema 012, which indexes the
 * messages in between. The vault runs it in every transaction, just before
 * COMMIT, so reads never see a message that is not searchable; it is
 * journaled like any statement, so replay indexes the same messages. A
 * transaction that stored no message changes nothing here, and a commit
 * that changes nothing else journals nothing.
 */
export function indexNewMessages(tx: SqlWriter): void {
  // Most transactions store no message: ask before writing, so they journal nothing.
  if (!tx.get(HAS_NEW_SQL)) return;
  tx.run(INDEX_NEW_SQL);
}

const NEWEST = '(SELECT coalesce(max(id), 0) FROM messages)';
const HAS_NEW_SQL = `SELECT 1 AS yes FROM search_state WHERE indexed_through < ${NEWEST}`;
const INDEX_NEW_SQL = `UPDATE search_state SET indexed_through = ${NEWEST}`;

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
export const searchStatements = [{ sql: SEARCH_SQL }, { sql: SEARCH_OLDER_SQL }];

/** `now`: leave out messages whose disappearing time is up (the reaper may not have reached them yet). */
export function searchMessages(db: SqlReader, query: string, options: { conversationId?: string; limit?: number; prefixLastWord?: boolean; now?: number } = {}): SearchHit[] {
  const indexQuery = toIndexQuery(query, options);
  if (!indexQuery) return [];
  const limit = options.limit ?? 50;
  const prefix = options.prefixLastWord ?? false;
  const params = [indexQuery.match, options.conversationId ?? null, limit, options.now ?? null];
  let rows = db.all(SEARCH_SQL, params);
  const check = indexQuery.check;
  if (check) {
    const hits: Row[] = [];
    for (;;) {
      for (const row of rows) if (hits.length < limit && matchesEveryTerm(row, check, prefix)) hits.push(row);
      if (hits.length >= limit || rows.length < limit) break;
      rows = db.all(SEARCH_OLDER_SQL, [...params, int(rows[rows.length - 1] as Row, 'id')]);
    }
    rows = hits;
  }
  const terms = queryTerms(query).map(termTokens);
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

/** Whether every term occurs in the message's body or in its attachment names (as FTS4 matches: a phrase within one column). */
function matchesEveryTerm(row: Row, terms: readonly string[][], prefix: boolean): boolean {
  const body = (row.body as string | null) ?? '';
  const names = (row.attachment_names as string | null) ?? '';
  return terms.every((term, i) => {
    const asPrefix = prefix && i === terms.length - 1 && term.length === 1;
    return containsTerm(body, term, asPrefix) || containsTerm(names, term, asPrefix);
  });
}
