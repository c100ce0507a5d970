import { searchPairs } from './queries/search-pairs';
import type { TextFunction } from './sqljs-function';

/**
 * Functions the schema's triggers and views call (search_pairs() since
 * schema 010). Every database gets them when it opens, before the journal
 * is replayed, since replayed inserts fire those triggers. Each must give
 * the same result for the same arguments, always: the index removes what a
 * call computes now, so it must be what a call computed then.
 */
export const sqlFunctions: ReadonlyArray<{ name: string; argc: number; fn: TextFunction }> = [{ name: 'search_pairs', argc: 2, fn: searchPairs }];
