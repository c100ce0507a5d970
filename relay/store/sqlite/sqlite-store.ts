import path from 'node:path';
import Database from 'better-sqlite3';
import type { PresenceStore, RelayStore } from '../types';
import { recipientKey } from '../types';
import { MailboxWatchers } from '../watchers';
import { SqliteAccounts } from './accounts';
import { SqliteAttachments } from './attachments';
import { SqliteMailboxes } from './mailboxes';
import { SqlitePrekeys } from './prekeys';
import { migrate } from './schema';

export const SQLITE_FILE = 'relay.sqlite';

/** How soon after envelopes are deleted their old bytes are scrubbed from the write-ahead log. */
const SCRUB_DELAY_MS = 1000;

/**
 * The embedded store: one SQLite file in the data folder (or memory), for a
 * single relay process. Durability: WAL with synchronous=FULL, so a commit is
 * on disk before the relay answers. Forgetting: secure_delete overwrites a
 * deleted row's bytes, and a TRUNCATE checkpoint shortly after each deletion
 * empties the WAL, which would otherwise keep old page images.
 */
export class SqliteStore implements RelayStore {
  readonly accounts: SqliteAccounts;
  readonly prekeys: SqlitePrekeys;
  readonly mailboxes: SqliteMailboxes;
  readonly attachments: SqliteAttachments;
  readonly presence: PresenceStore;
  private readonly db: Database.Database;
  private scrubTimer: NodeJS.Timeout | undefined;
  private readonly deleteExpired;

  constructor(dataDir: string | undefined, now: () => number) {
    this.db = new Database(dataDir ? path.join(dataDir, SQLITE_FILE) : ':memory:');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('temp_store = MEMORY');
    migrate(this.db);
    const watchers = new MailboxWatchers();
    this.accounts = new SqliteAccounts(this.db, (address) => watchers.emit(recipientKey(address), { kind: 'device-removed' }));
    this.prekeys = new SqlitePrekeys(this.db);
    this.mailboxes = new SqliteMailboxes(this.db, watchers, now);
    this.mailboxes.onDeleted = () => this.scheduleScrub();
    this.attachments = new SqliteAttachments(this.db);
    this.presence = new LocalPresence();
    this.deleteExpired = this.db.transaction((at: number) => {
      const envelopes = this.db.prepare('DELETE FROM envelopes WHERE expires_at <= ?').run(at).changes;
      this.db.prepare('DELETE FROM submissions WHERE expires_at <= ?').run(at);
      return envelopes;
    });
  }

  async sweep(now: number): Promise<{ expiredEnvelopes: number }> {
    const expiredEnvelopes = this.deleteExpired(now);
    if (expiredEnvelopes > 0) this.scheduleScrub();
    return { expiredEnvelopes };
  }

  async checkHealth(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.mailboxes.flush();
    clearTimeout(this.scrubTimer);
    this.scrub();
    this.db.close();
  }

  private scheduleScrub(): void {
    this.scrubTimer ??= setTimeout(() => {
      this.scrubTimer = undefined;
      this.scrub();
    }, SCRUB_DELAY_MS);
  }

  /** Copies the WAL into the database file and truncates it to zero bytes. */
  private scrub(): void {
    if (this.db.open && !this.db.memory) this.db.pragma('wal_checkpoint(TRUNCATE)');
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
