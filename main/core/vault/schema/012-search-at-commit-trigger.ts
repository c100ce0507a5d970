import type { Migration } from './migration';

/**
 * The commit's index step (schema 011) in one statement instead of three:
 * raising search_state.indexed_through to the newest message id fires a
 * trigger that indexes the messages in between. A commit that stored no
 * message changes no row and fires nothing. Fewer statements per commit:
 * each one costs its own trip into SQLite and its own journal entry.
 */
export const searchAtCommitTriggerSchema: Migration = {
  version: 12,
  name: 'search-at-commit-trigger',
  statements: [
    `CREATE TRIGGER search_state_index_new AFTER UPDATE OF indexed_through ON search_state WHEN new.indexed_through > old.indexed_through BEGIN
       INSERT INTO messages_fts (docid, body, attachment_names, search_pairs)
         SELECT id, body, attachment_names, search_pairs(body, attachment_names) FROM messages
         WHERE id > old.indexed_through AND id <= new.indexed_through ORDER BY id;
     END`,
  ],
};
