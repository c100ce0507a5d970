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

  /** Runs an INSERT and returns the new row's rowid (deterministic, so replay yields the same id). */
  insert(sql: string, params: SqlParams = []): number {
    this.run(sql, params);
    return this.db.get('SELECT last_insert_rowid() AS id')?.id as number;
  }

  all(sql: string, params?: SqlParams): Row[] {
    return this.db.all(sql, params);
  }

  get(sql: string, params?: SqlParams): Row | undefined {
    return this.db.get(sql, params);
  }
}
