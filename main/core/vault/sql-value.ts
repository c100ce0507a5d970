/**
 * The values a vault statement may bind. Booleans are not among them: SQLite
 * has none, and a journal that replays exactly must not guess how one was stored.
 */
export type SqlValue = null | number | string | Uint8Array;
export type SqlParams = readonly SqlValue[];

/** One write statement as the journal records it: SQL text plus its bound values. */
export interface RecordedStatement {
  readonly sql: string;
  readonly params: SqlParams;
}
