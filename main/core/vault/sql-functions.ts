import { searchPairs, searchPairsBothWays } from './queries/search-pairs';
import type { TextFunction } from './sqljs-function';

/**
 * Functions the schema's triggers and views call (search_pairs() since
 * schema 010, search_pairs2() since 013). Every database gets them when it opens, before the journal
 * is replayed, since replayed inserts fire those triggers. Each must give
 * the same result for the same arguments, always: the index removes what a
 * call computes now, so it must be what a call computed then.
 */
export const sqlFunctions: ReadonlyArray<{ name: string; argc: number; fn: TextFunction }> = [
  // Version 1 stays for vaults whose journal predates schema 013 (replay fires their old triggers).
  { name: 'search_pairs', argc: 2, fn: (body, names) => searchPairs(body, names, 1) },
  { name: 'search_pairs2', argc: 2, fn: searchPairsBothWays },
];
