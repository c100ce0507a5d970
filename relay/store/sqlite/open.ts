import Database from 'better-sqlite3';

/**
 * Opens the relay's SQLite file (or memory) the one way every connection
 * needs it: WAL, an fsync per commit (synchronous=FULL: a stored envelope
 * survives power loss), deleted bytes overwritten (secure_delete), and a
 * wait rather than an error when the other connection holds the write lock.
 */
export function openDatabase(file: string | undefined): Database.Database {
  const db = new Database(file ?? ':memory:');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('busy_timeout = 10000');
  return db;
}
