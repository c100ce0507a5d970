import { initialSchema } from './001-initial';
import { searchIndex } from './002-search';
import { messagingSchema } from './003-messaging';
import { sealedSenderSchema } from './004-sealed-sender';
import { disappearingSchema } from './005-disappearing';
import { attachmentsSchema } from './006-attachments';
import { groupsSchema } from './007-groups';
import { attachmentFetchTokensSchema } from './008-attachment-fetch-tokens';
import { groupTieBreakSchema } from './009-group-tie-break';
import { searchPairsSchema } from './010-search-pairs';
import { searchAtCommitSchema } from './011-search-at-commit';
import { searchAtCommitTriggerSchema } from './012-search-at-commit-trigger';
import { searchPairsBothWaysSchema } from './013-search-pairs-both-ways';
import { pageFlagsSchema } from './014-page-flags';
import { VaultError } from '../errors';
import type { SqlReader } from '../sqlite';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** In order; a new step is a new file appended here, never an edit of an old one. */
export const migrations: readonly Migration[] = [initialSchema, searchIndex, messagingSchema, sealedSenderSchema, disappearingSchema, attachmentsSchema, groupsSchema, attachmentFetchTokensSchema, groupTieBreakSchema, searchPairsSchema, searchAtCommitSchema, searchAtCommitTriggerSchema, searchPairsBothWaysSchema, pageFlagsSchema];

export const SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0;

/** The schema version a database is at (SQLite's user_version). */
export function schemaVersionOf(db: SqlReader): number {
  return Number(db.get('PRAGMA user_version')?.user_version ?? 0);
}

/** The refusal for a database a newer Hearth wrote: not damage, and nothing to salvage. */
export function newerSchemaError(version: number): VaultError {
  return new VaultError('newer-schema', `This vault was written by a newer Hearth (schema ${version}; this one knows up to ${SCHEMA_VERSION}). Update Hearth to open it.`);
}
