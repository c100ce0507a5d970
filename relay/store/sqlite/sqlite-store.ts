import path from 'node:path';
import type Database from 'better-sqlite3';
import type { PresenceStore, RelayStore } from '../types';
import { recipientKey } from '../types';
import { MailboxWatchers } from '../watchers';
import { SqliteAccounts } from './accounts';
import { SqliteAttachments } from './attachments';
import { SqliteMailboxes } from './mailboxes';
import { openDatabase } from './open';
import { SqlitePrekeys } from './prekeys';
import { migrate } from './schema';
import { InlineWriter, WorkerWriter, type WriterPort } from './writer-port';

export const SQLITE_FILE = 'relay.sqlite';

/**
 * The embedded store: one SQLite file in the data folder (or memory), for a
 * single relay process. Durability: WAL with synchronous=FULL, so a commit is
 * on disk before the relay answers. Forgetting: secure_delete overwrites a
 * deleted row's bytes, and a TRUNCATE checkpoint shortly after each deletion
 * empties the WAL, which would otherwise keep old page images. Envelope
 * writes run on a worker thread (see mailbox-writer.ts); everything else,
 * being rare, runs here.
 */
export class SqliteStore implements RelayStore {
  readonly accounts: SqliteAccounts;
  readonly prekeys: SqlitePrekeys;
  readonly mailboxes: SqliteMailboxes;
  readonly attachments: SqliteAttachments;
  readonly presence: PresenceStore;

  private constructor(
    private readonly db: Database.Database,
    private readonly writer: WriterPort,
    now: () => number,
  ) {
    const watchers = new MailboxWatchers();
    this.mailboxes = new SqliteMailboxes(db, writer, watchers, now);
    this.accounts = new SqliteAccounts(db, async (address) => {
      await writer.deleteMailbox(address);
      watchers.emit(recipientKey(address), { kind: 'device-removed' });
    });
    this.prekeys = new SqlitePrekeys(db);
    this.attachments = new SqliteAttachments(db);
    this.presence = new LocalPresence();
  }

  static async open(dataDir: string | undefined, now: () => number): Promise<SqliteStore> {
    const file = dataDir ? path.join(dataDir, SQLITE_FILE) : undefined;
    const db = openDatabase(file);
    migrate(db);
    const writer = file ? await WorkerWriter.start(file) : new InlineWriter(db);
    return new SqliteStore(db, writer, now);
  }

  async sweep(now: number): Promise<{ expiredEnvelopes: number }> {
    return { expiredEnvelopes: await this.writer.sweep(now) };
  }

  async checkHealth(): Promise<void> {
    if (!this.writer.alive) throw new Error('The mailbox writer stopped.');
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.mailboxes.settle();
    await this.writer.close();
    // The last connection to close checkpoints the WAL and deletes it.
    this.db.close();
  }
}

/** Connections per account on a single node. */
class LocalPresence implements PresenceStore {
  private readonly byAccount = new Map<string, Set<string>>();

  async tryAdd(accountId: string, connectionId: string, max: number): Promise<boolean> {
    const set = this.byAccount.get(accountId) ?? new Set<string>();
    if (set.size >= max) return false;
    set.add(connectionId);
    this.byAccount.set(accountId, set);
    return true;
  }

  async remove(accountId: string, connectionId: string): Promise<void> {
    const set = this.byAccount.get(accountId);
    set?.delete(connectionId);
    if (set?.size === 0) this.byAccount.delete(accountId);
  }
}
