/** One schema step: applied in one transaction, then `PRAGMA user_version` = version. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}
