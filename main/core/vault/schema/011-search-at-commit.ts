import type { Migration } from './migration';

/**
 * New messages enter the full-text index once per transaction, at commit
 * (search.indexNewMessages), instead of one at a time from an INSERT
 * trigger. FTS4 writes its pending terms out as a new index segment at
 * every statement savepoint, and SQLite opens one for each statement that
 * fires a trigger: every message stored was a segment of its own, merged
 * again and again, which cost twice as much as all the rest of storing it.
 *
 * search_state.indexed_through is the newest message id in the index; the
 * commit indexes every message above it. The update and delete triggers
 * touch the index only for messages already in it (a message inserted,
 * then edited or deleted in the same transaction is indexed as it stands
 * at commit, or not at all). Deleting the newest messages lowers the mark,
 * since SQLite may hand their ids out again.
 */
const TRIGGERS = ['messages_fts_insert', 'messages_fts_before_update', 'messages_fts_after_update', 'messages_fts_delete'];
const INDEXED = '(SELECT indexed_through FROM search_state)';
const NEWEST = '(SELECT coalesce(max(id), 0) FROM messages)';

export const searchAtCommitSchema: Migration = {
  version: 11,
  name: 'search-at-commit',
  statements: [
    ...TRIGGERS.map((name) => `DROP TRIGGER ${name}`),
    `CREATE TABLE search_state (indexed_through INTEGER NOT NULL)`,
    `INSERT INTO search_state (indexed_through) VALUES (${NEWEST})`,
    `CREATE TRIGGER messages_fts_before_update BEFORE UPDATE OF body, attachment_names ON messages WHEN old.id <= ${INDEXED} BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
    `CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF body, attachment_names ON messages WHEN new.id <= ${INDEXED} BEGIN
       INSERT INTO messages_fts(docid, body, attachment_names, search_pairs) VALUES (new.id, new.body, new.attachment_names, search_pairs(new.body, new.attachment_names));
     END`,
    `CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages WHEN old.id <= ${INDEXED} BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
    `CREATE TRIGGER messages_indexed_through AFTER DELETE ON messages WHEN old.id <= ${INDEXED} AND ${INDEXED} > ${NEWEST} BEGIN
       UPDATE search_state SET indexed_through = ${NEWEST};
     END`,
  ],
};
