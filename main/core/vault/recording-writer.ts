import type { Row, SqlDatabase, SqlWriter } from './sqlite';
import type { RecordedStatement, SqlParams } from './sql-value';

/**
 * The writer handed to a transaction: it runs each statement at once and
 * remembers it, so the commit can put exactly those statements (with their
 * values) in the journal. Reads are not recorded.
 */
export class RecordingWriter implements SqlWriter {
  readonly statements: RecordedStatement[] = [];

  constructor(private readonly db: SqlDatabase) {}

  run(sql: string, params: SqlParams = []): number {
    const changes = this.db.run(sql, params);
    this.statements.push({ sql, params: params.slice() });
    return changes;
  }

  /**
   * Runs an INSERT and returns the new row's rowid (deterministic, so replay
   * yields the same id). RETURNING saves a second statement per insert.
   */
  insert(sql: string, params: SqlParams = []): number {
    const returning = `${sql} RETURNING rowid AS id`;
    const id = this.db.get(returning, params)?.id as number;
    this.statements.push({ sql: returning, params: params.slice() });
    return id;
  }

  all(sql: string, params?: SqlParams): Row[] {
    return this.db.all(sql, params);
  }

  get(sql: string, params?: SqlParams): Row | undefined {
    return this.db.get(sql, params);
  }
}
