import type { Migration } from './migration';

/**
 * Word pairs that start with a common word ("the way") become tokens of
 * their own in the full-text index, in a third column, search_pairs (see
 * queries/search-pairs.ts): a phrase of common words was by far the slowest
 * search. The pairs are computed by the search_pairs() SQL function every
 * database of the vault has (sql-functions.ts), never stored: the index
 * reads its columns from the messages_search view when it removes a
 * message's entries, so what it removes is computed exactly as what it
 * added. FTS4 cannot add a column, so the index is built anew.
 *
 * matchinfo=fts3: the index no longer keeps each message's token counts
 * (the %_docsize table). They serve only ranking functions, which search
 * does not use (hits come newest first), and cost a row write per message.
 */
const TRIGGERS = ['messages_fts_insert', 'messages_fts_before_update', 'messages_fts_after_update', 'messages_fts_delete'];

export const searchPairsSchema: Migration = {
  version: 10,
  name: 'search-pairs',
  statements: [
    ...TRIGGERS.map((name) => `DROP TRIGGER ${name}`),
    `DROP TABLE messages_fts`,
    `CREATE VIEW messages_search (rowid, body, attachment_names, search_pairs) AS
       SELECT id, body, attachment_names, search_pairs(body, attachment_names) FROM messages`,
    `CREATE VIRTUAL TABLE messages_fts USING fts4(content="messages_search", body, attachment_names, search_pairs, order=DESC, matchinfo=fts3, tokenize=unicode61 "remove_diacritics=2")`,
    `INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`,
    `INSERT INTO messages_fts(messages_fts) VALUES ('automerge=8')`,
    `CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
       INSERT INTO messages_fts(docid, body, attachment_names, search_pairs) VALUES (new.id, new.body, new.attachment_names, search_pairs(new.body, new.attachment_names));
     END`,
    `CREATE TRIGGER messages_fts_before_update BEFORE UPDATE OF body, attachment_names ON messages BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
    `CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF body, attachment_names ON messages BEGIN
       INSERT INTO messages_fts(docid, body, attachment_names, search_pairs) VALUES (new.id, new.body, new.attachment_names, search_pairs(new.body, new.attachment_names));
     END`,
    `CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
  ],
};
