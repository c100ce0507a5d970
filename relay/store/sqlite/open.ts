import Database from 'better-sqlite3';

/**
 * Opens the relay's SQLite file (or memory): WAL, synchronous=NORMAL (commits
 * are made durable by WalSync, off the event loop; checkpoints sync as
 * usual), deleted bytes overwritten (secure_delete), no temp files.
 */
export function openDatabase(file: string | undefined): Database.Database {
  const db = new Database(file ?? ':memory:');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  return db;
}
