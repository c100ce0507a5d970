import { open } from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { PresenceStore, RelayStore } from '../types';
import { recipientKey } from '../types';
import { MailboxWatchers } from '../watchers';
import { SqliteAccounts } from './accounts';
import { SqliteAttachments } from './attachments';
import { MailboxWriter } from './mailbox-writer';
import { SqliteMailboxes } from './mailboxes';
import { openDatabase } from './open';
import { SqlitePrekeys } from './prekeys';
import { migrate } from './schema';
import { WalSync } from './wal-sync';

export const SQLITE_FILE = 'relay.sqlite';

/** How soon after envelopes are deleted their old bytes are scrubbed from the write-ahead log. */
const SCRUB_DELAY_MS = 1000;

/**
 * The embedded store: one SQLite file in the data folder (or memory), for a
 * single relay process. Durability: every write is answered only after an
 * fsync of the write-ahead log (WalSync), shared by all writes of the moment.
 * Forgetting: secure_delete overwrites a deleted row's bytes, and a TRUNCATE
 * checkpoint shortly after each deletion empties the write-ahead log, which
 * would otherwise keep old page images.
 */
export class SqliteStore implements RelayStore {
  readonly accounts: SqliteAccounts;
  readonly prekeys: SqlitePrekeys;
  readonly mailboxes: SqliteMailboxes;
  readonly attachments: SqliteAttachments;
  readonly presence: PresenceStore;
  private readonly writer: MailboxWriter;
  private scrubTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly wal: WalSync,
    now: () => number,
  ) {
    const durable = () => wal.sync();
    const watchers = new MailboxWatchers();
    this.writer = new MailboxWriter(db);
    this.mailboxes = new SqliteMailboxes(db, this.writer, durable, watchers, now, () => this.scheduleScrub());
    this.accounts = new SqliteAccounts(db, durable, async (address) => {
      if (this.writer.deleteMailbox(address) > 0) this.scheduleScrub();
      await durable();
      watchers.emit(recipientKey(address), { kind: 'device-removed' });
    });
    this.prekeys = new SqlitePrekeys(db, durable);
    this.attachments = new SqliteAttachments(db, durable, () => this.scheduleScrub());
    this.presence = new LocalPresence();
  }

  static async open(dataDir: string | undefined, now: () => number): Promise<SqliteStore> {
    const file = dataDir ? path.join(dataDir, SQLITE_FILE) : undefined;
    const db = openDatabase(file);
    migrate(db);
    if (dataDir) await syncDirectory(dataDir);
    return new SqliteStore(db, new WalSync(file && `${file}-wal`), now);
  }

  async sweep(now: number): Promise<{ expiredEnvelopes: number }> {
    const expiredEnvelopes = this.writer.sweep(now);
    if (expiredEnvelopes > 0) this.scheduleScrub();
    await this.wal.sync();
    return { expiredEnvelopes };
  }

  async checkHealth(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.mailboxes.settle();
    clearTimeout(this.scrubTimer);
    this.scrub();
    // The last connection to close checkpoints the log and deletes it.
    this.db.close();
    this.wal.close();
  }

  private scheduleScrub(): void {
    this.scrubTimer ??= setTimeout(() => {
      this.scrubTimer = undefined;
      if (!this.scrub()) this.scheduleScrub();
    }, SCRUB_DELAY_MS);
  }

  /** Copies the log into the database file and truncates it; false when a reader kept it from finishing. */
  private scrub(): boolean {
    if (!this.db.open || this.db.memory) return true;
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result?.busy === 0;
  }
}

/** Makes the creation of the database and log files themselves durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
