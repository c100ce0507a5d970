import type { Migration } from './migration';

/**
 * Full-text search over message bodies and attachment file names. sql.js has
 * FTS4 (not FTS5). unicode61 with remove_diacritics=2 folds case and accents
 * ("arbre" finds "l'Arbre", "elan" finds "élan") and splits on punctuation, so
 * the words inside a URL or a file name ("report" in report-2024.pdf) are
 * words of their own. The index keeps no copy of the text (content=messages):
 * snippets read the body back from the messages table. order=DESC stores
 * doclists newest first, so "newest 50 hits" reads a common word's doclist
 * incrementally and stops, instead of loading every match (20x faster for
 * "the" at 200,000 messages).
 */
export const searchIndex: Migration = {
  version: 2,
  name: 'search',
  statements: [
    `ALTER TABLE messages ADD COLUMN attachment_names TEXT`,
    `UPDATE messages SET attachment_names = (
       SELECT group_concat(a.file_name, ' ') FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id
       WHERE ma.message_id = messages.id ORDER BY ma.position
     ) WHERE id IN (SELECT message_id FROM message_attachments)`,
    `CREATE VIRTUAL TABLE messages_fts USING fts4(content="messages", body, attachment_names, order=DESC, tokenize=unicode61 "remove_diacritics=2")`,
    `INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`,
    // Merge index segments a little on every write instead of in rare large merges: at 200,000
    // messages this halved bulk insert time and made a common word's search 5x faster.
    `INSERT INTO messages_fts(messages_fts) VALUES ('automerge=8')`,
    `CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
       INSERT INTO messages_fts(docid, body, attachment_names) VALUES (new.id, new.body, new.attachment_names);
     END`,
    `CREATE TRIGGER messages_fts_before_update BEFORE UPDATE OF body, attachment_names ON messages BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
    `CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF body, attachment_names ON messages BEGIN
       INSERT INTO messages_fts(docid, body, attachment_names) VALUES (new.id, new.body, new.attachment_names);
     END`,
    `CREATE TRIGGER messages_fts_delete BEFORE DELETE ON messages BEGIN
       DELETE FROM messages_fts WHERE docid = old.id;
     END`,
  ],
};
