import type { Migration } from './migration';

/**
 * Word pairs both ways (queries/search-pairs.ts, version 2): besides a
 * common word and the word after it ("the way"), a word and the common word
 * after it ("way of", "going to"). A phrase ending in a common word walked
 * that word's doclist like any phrase did before schema 010 (1.5 ms at
 * 100,000 messages). The index is built anew from search_pairs2(); the
 * statements that computed pairs with search_pairs() are replaced.
 */
const INDEXED = '(SELECT indexed_through FROM search_state)';
const NEWEST = '(SELECT coalesce(max(id), 0) FROM messages)';

export const searchPairsBothWaysSchema: Migration = {
  version: 13,
  name: 'search-pairs-both-ways',
  statements: [
    `DROP TRIGGER messages_fts_before_update`,
    `DROP TRIGGER messages_fts_after_update`,
    `DROP TRIGGER messages_fts_delete`,
    `DROP TRIGGER search_state_index_new`,
    `DROP TABLE messages_fts`,
    `DROP VIEW messages_search`,
    `CREATE VIEW messages_search (rowid, body, attachment_names, search_pairs) AS
       SELECT id, body, attachment_names, search_pairs2(body, attachment_names) FROM messages`,
    `CREATE VIRTUAL TABLE messages_fts USING fts4(content="messages_search", body, attachment_names, search_pairs, order=DESC, matchinfo=fts3, tokenize=unicode61 "remove_diacritics=2")`,
    // Every message the commit had indexed, and the mark with them (no trigger fires on it yet).
    `INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`,
    `UPDATE search_state SET indexed_through = ${NEWEST}`,
    `INSERT INTO messages_fts(messages_fts) VALUES ('automerge=8')`,
    `CREATE TRIGGER messages_fts_before_update BEFORE UPDATE OF body, attachment_names ON messages WHEN old.id <= ${INDEXED} BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
    `CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF body, attachment_names ON messages WHEN new.id <= ${INDEXED} BEGIN
       INSERT INTO messages_fts(docid, body, attachment_names, search_pairs) VALUES (new.id, new.body, new.attachment_names, search_pairs2(new.body, new.attachment_names));
     END`,
    `CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages WHEN old.id <= ${INDEXED} BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
    `CREATE TRIGGER search_state_index_new AFTER UPDATE OF indexed_through ON search_state WHEN new.indexed_through > old.indexed_through BEGIN
       INSERT INTO messages_fts (docid, body, attachment_names, search_pairs)
         SELECT id, body, attachment_names, search_pairs2(body, attachment_names) FROM messages
         WHERE id > old.indexed_through AND id <= new.indexed_through ORDER BY id;
     END`,
  ],
};
