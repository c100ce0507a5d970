import { readFileSync, mkdirSync, mkdtempSync, rmSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Database as SqlCipher } from '@signalapp/sqlcipher';
import { Vault, conversations, messages, search, contacts, type SqlReader, type SqlWriter } from '../main/core/vault';
import { migrations } from '../main/core/vault/schema';

/**
 * `npm run bench -- vault --out FILE [--messages N] [--dir DIR]`
 *
 * The same workload on the vault (sql.js + sealed snapshot/journal) and on
 * @signalapp/sqlcipher as Signal Desktop configures it (WAL,
 * synchronous=FULL, raw key, FTS5 with Signal's tokenizer):
 *   bulk      N messages in transactions of 1,000
 *   commit    1,000 messages, one durable transaction each
 *   compact   fold the journal into a snapshot (SQLCipher: a WAL checkpoint)
 *   open      unlock with a raw key until the conversation list is answered
 *   page      the 50 newest messages of the largest conversation
 *   search    20 fixed queries (words and phrases), newest 50 hits with snippets
 * Writes run in this process, the two engines taking turns; reads run in a
 * fresh process (as at app start), the two engines taking turns.
 */

interface Figures {
  messages: number;
  commit_ms: { p50: number; p99: number };
  bulk_msgs_per_s: number;
  open_ms: number;
  first_page_ms: number;
  first_page_warm_ms: number;
  search_ms: { p50: number; p95: number };
  bytes_written_per_message: number;
  bulk_bytes_written_per_message: number;
  compaction_ms: number;
  rss_mb: number;
  disk_mb: number;
}

const BULK_BATCH = 1000;
const COMMITS = 1000;
const CONVERSATIONS = 200;

// ---- workload -------------------------------------------------------------

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = 'the and you that was for are with his they this have from one had word but not what all were when your can said there use each which she how their will other about out many then them these some her would make like him into time has look two more write see number way could people than first water been call who oil its now find long down day did get come made may part'.split(' ');
const SPICE = ["l'Arbre", 'élan', 'café', 'naïve', 'Zürich', 'crème brûlée', 'garçon', 'smörgåsbord', 'piñata', 'résumé'];

function makeWorkload() {
  const random = prng(42);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 've', 'da', 'zu', 'ghe', 'bra', 'tor', 'lin'];
  const vocabulary: string[] = [...COMMON];
  while (vocabulary.length < 5000) {
    let word = '';
    const n = 2 + Math.floor(random() * 3);
    for (let i = 0; i < n; i++) word += syllables[Math.floor(random() * syllables.length)];
    vocabulary.push(word);
  }
  // Zipf-like: common words often, the long tail rarely.
  const pick = () => vocabulary[Math.floor(vocabulary.length * Math.pow(random(), 3))] as string;
  // One conversation holds about a fifth of the history; the rest are spread out.
  const conversationOf = () => (random() < 0.2 ? 0 : Math.floor(random() * CONVERSATIONS));
  const body = (i: number) => {
    const words: string[] = [];
    const length = 3 + Math.floor(random() * 25);
    for (let w = 0; w < length; w++) words.push(pick());
    if (i % 17 === 0) words.push(`https://example.org/${pick()}-${pick()}/index.html?q=${pick()}`);
    if (i % 23 === 0) words.splice(1, 0, SPICE[i % SPICE.length] as string);
    return words.join(' ');
  };
  const message = (i: number) => {
    const conversation = conversationOf();
    const incoming = random() < 0.5;
    return {
      uid: `m${i}`,
      conversationId: `c${conversation}`,
      authorId: incoming ? `u${conversation}` : null,
      direction: incoming ? ('incoming' as const) : ('outgoing' as const),
      body: body(i),
      status: incoming ? ('received' as const) : ('delivered' as const),
      sentAt: 1_600_000_000_000 + i * 1000,
      receivedAt: 1_600_000_000_000 + i * 1000 + 50,
    };
  };
  const queries = [
    'the', 'water', 'people', 'write number', 'arbre', 'elan', 'cafe', 'zurich', '"long time"', '"the way"',
    pick(), pick(), vocabulary[4000] as string, vocabulary[2500] as string, 'example', 'index', '"make like"', 'naive resume', 'brulee', 'oil',
  ];
  return { message, queries };
}

type Workload = ReturnType<typeof makeWorkload>;
type BenchMessage = ReturnType<Workload['message']>;

// ---- measurement helpers -------------------------------------------------------

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
};
const round = (x: number): number => Math.round(x * 1000) / 1000;
const median = (values: number[]): number => percentile(values, 0.5);

/** Bytes this process handed to write(2) and friends: journal, snapshot, WAL and database writes alike. */
function bytesWritten(): number {
  const match = /wchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : 0;
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
const rssMb = (): number => {
  collectGarbage();
  const m = process.memoryUsage();
  if (process.env.BENCH_VERBOSE) console.error('memory MiB', Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1048576)])));
  return round(m.rss / (1024 * 1024));
};

function diskMb(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else total += s.size;
    }
  };
  walk(dir);
  return round(total / (1024 * 1024));
}

// ---- the two engines ------------------------------------------------------------

/** What the write phase does to an engine; both run the same calls, interleaved, so machine noise hits both alike. */
interface Engine {
  readonly dir: string;
  bulk(batch: readonly BenchMessage[]): Promise<void>;
  commit(message: BenchMessage): Promise<void>;
  compact(): Promise<void>;
  close(): Promise<void>;
}

function setUp(tx: SqlWriter): void {
  for (let c = 0; c < CONVERSATIONS; c++) {
    contacts.upsertContact(tx, { id: `u${c}`, displayName: `Person ${c}`, now: 1 });
    conversations.createDirectConversation(tx, { id: `c${c}`, contactId: `u${c}`, now: 1 });
  }
}

interface VaultPlace {
  profile: string;
  keyFile: string;
}

async function vaultEngine(dir: string): Promise<Engine & VaultPlace> {
  const keyFile = path.join(dir, 'raw.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  const profile = path.join(dir, 'profile');
  const { vault } = await Vault.create(profile, { kind: 'keyfile', path: keyFile }, { idleCompactMs: null });
  await vault.write(setUp);
  return {
    dir: profile,
    profile,
    keyFile,
    bulk: (batch) => vault.write((tx) => batch.forEach((m) => messages.insertMessage(tx, m))),
    commit: (m) => vault.write((tx) => void messages.insertMessage(tx, m)),
    compact: () => vault.compact(),
    close: () => vault.close(),
  };
}

/**
 * Our schema with Signal's FTS5 (its own tokenizer, its own copy of the text)
 * in place of FTS4, and the reaction and attachment flags a page reads (014).
 */
function sqlcipherSchema(db: SqlCipher): void {
  const [initial] = migrations;
  for (const statement of initial?.statements ?? []) db.exec(statement);
  for (const statement of migrations.find((m) => m.name === 'page-flags')?.statements ?? []) db.exec(statement);
  db.exec('ALTER TABLE messages ADD COLUMN attachment_names TEXT');
  db.exec(`CREATE VIRTUAL TABLE messages_fts USING fts5(body, tokenize = 'signal_tokenizer')`);
  db.exec(`CREATE TRIGGER messages_on_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body); END`);
  db.exec(`CREATE TRIGGER messages_on_delete AFTER DELETE ON messages BEGIN DELETE FROM messages_fts WHERE rowid = old.id; END`);
  db.exec(`CREATE TRIGGER messages_on_update AFTER UPDATE OF body ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id; INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body); END`);
}

function openSqlCipher(file: string, keyHex: string): SqlCipher {
  const db = new SqlCipher(file, { cacheStatements: true });
  db.pragma(`key = "x'${keyHex}'"`);
  db.initTokenizer();
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

const INSERT_SQL = `INSERT INTO messages (uid, conversation_id, author_id, direction, body, status, sent_at, received_at, expires_in_ms, expires_at, reply_to_uid)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)`;
const insertParams = (m: BenchMessage) => [m.uid, m.conversationId, m.authorId, m.direction, m.body, m.status, m.sentAt, m.receivedAt];

function sqlcipherEngine(dir: string): Engine & { file: string; keyHex: string } {
  const keyHex = randomBytes(32).toString('hex');
  const file = path.join(dir, 'signal.db');
  const db = openSqlCipher(file, keyHex);
  sqlcipherSchema(db);
  db.transaction(() => {
    for (let c = 0; c < CONVERSATIONS; c++) {
      db.prepare('INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (?, ?, 1, 1)').run([`u${c}`, `Person ${c}`]);
      db.prepare(`INSERT INTO conversations (id, type, contact_id, created_at, updated_at) VALUES (?, 'direct', ?, 1, 1)`).run([`c${c}`, `u${c}`]);
    }
  })();
  const insert = db.prepare(INSERT_SQL);
  return {
    dir,
    file,
    keyHex,
    bulk: async (batch) => db.transaction(() => batch.forEach((m) => insert.run(insertParams(m))))(),
    commit: async (m) => void insert.run(insertParams(m)),
    compact: async () => void db.pragma('wal_checkpoint(TRUNCATE)'),
    close: async () => db.close(),
  };
}

// ---- write phase (this process): bulk, commits, compaction -------------------------------

interface WriteFigures {
  bulk_msgs_per_s: number;
  commit_ms: { p50: number; p99: number };
  bytes_written_per_message: number;
  bulk_bytes_written_per_message: number;
  compaction_ms: number;
}

class Meter {
  millis = 0;
  bytes = 0;
  readonly samples: number[] = [];
  async time(fn: () => Promise<void>, sample = false): Promise<void> {
    const bytes = bytesWritten();
    const start = performance.now();
    await fn();
    const elapsed = performance.now() - start;
    this.bytes += bytesWritten() - bytes;
    this.millis += elapsed;
    if (sample) this.samples.push(elapsed);
  }
}

async function writePhase(engines: readonly Engine[], count: number, workload: Workload): Promise<WriteFigures[]> {
  const bulk = engines.map(() => new Meter());
  const commit = engines.map(() => new Meter());
  const compaction = engines.map(() => new Meter());
  const inTurn = async (meters: Meter[], step: (engine: Engine) => Promise<void>, turn: number, sample = false) => {
    // Alternate who goes first, so neither always runs on a warmer (or busier) machine.
    const order = turn % 2 === 0 ? engines.map((_, i) => i) : engines.map((_, i) => engines.length - 1 - i);
    for (const i of order) await (meters[i] as Meter).time(() => step(engines[i] as Engine), sample);
  };
  for (let i = 0, turn = 0; i < count; i += BULK_BATCH, turn++) {
    const batch = Array.from({ length: Math.min(BULK_BATCH, count - i) }, (_, j) => workload.message(i + j));
    await inTurn(bulk, (e) => e.bulk(batch), turn);
  }
  for (let i = 0; i < engines.length; i++) await (engines[i] as Engine).compact();
  for (let i = 0; i < COMMITS; i++) {
    const message = workload.message(count + i);
    await inTurn(commit, (e) => e.commit(message), i, true);
  }
  await inTurn(compaction, (e) => e.compact(), 0);
  for (const engine of engines) await engine.close();
  return engines.map((_, i) => ({
    bulk_msgs_per_s: Math.round(count / ((bulk[i] as Meter).millis / 1000)),
    commit_ms: { p50: percentile((commit[i] as Meter).samples, 0.5), p99: percentile((commit[i] as Meter).samples, 0.99) },
    bytes_written_per_message: Math.round((commit[i] as Meter).bytes / COMMITS),
    bulk_bytes_written_per_message: Math.round((bulk[i] as Meter).bytes / count),
    compaction_ms: round((compaction[i] as Meter).millis),
  }));
}

// ---- read phase (a fresh process, as at app start): open, first page, search, memory ----------

interface ReadFigures {
  open_ms: number;
  first_page_ms: number;
  first_page_warm_ms: number;
  search_ms: { p50: number; p95: number };
  /** Each query's time, to see which ones cost. */
  search_ms_by_query: Record<string, number>;
  rss_mb: number;
}

interface ReadPlan {
  vault: VaultPlace;
  sqlcipher: { file: string; keyHex: string };
  queries: string[];
}

const OPEN_CYCLES = 15;
const LIST_SQL = `SELECT c.*,
  (SELECT count(*) FROM messages u WHERE u.conversation_id = c.id AND u.direction = 'incoming' AND u.read_at IS NULL) AS unread_count,
  m.id AS m_id, m.uid AS m_uid, m.body AS m_body, m.sent_at AS m_sent_at, m.direction AS m_direction, m.status AS m_status
  FROM conversations c LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id ORDER BY sent_at DESC, id DESC LIMIT 1)
  WHERE c.archived = 0 ORDER BY coalesce(m.sent_at, c.updated_at) DESC, c.id LIMIT 50`;
/** The vault's search, with FTS5's snippet() argument order and rowid for docid. */
const SEARCH_SQL = `SELECT m.id, m.uid, m.conversation_id, m.sent_at, snippet(messages_fts, -1, '\u0002', '\u0003', '…', 12) AS snippet
  FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
  WHERE messages_fts MATCH ? ORDER BY messages_fts.rowid DESC LIMIT 50`;

interface Reader {
  page(): unknown;
  search(query: string): unknown;
  close(): Promise<void>;
}

type Open = () => Promise<Reader>;

/**
 * Both engines measured in turns (cold opens alternate, then each query runs
 * on one engine and then the other), so a burst of load from elsewhere on
 * the machine hits both alike instead of whichever happened to run then.
 * Memory is read with only that engine open.
 */
async function readPhase(engines: readonly [Open, Open], queries: readonly string[]): Promise<[ReadFigures, ReadFigures]> {
  const opens: [number[], number[]] = [[], []];
  const firstPages: [number[], number[]] = [[], []];
  for (let cycle = 0; cycle < OPEN_CYCLES; cycle++) {
    // Alternate who goes first, as in the write phase.
    const order = cycle % 2 === 0 ? [0, 1] : [1, 0];
    for (const e of order) {
      const start = performance.now();
      const reader = await (engines[e] as Open)();
      (opens[e] as number[]).push(performance.now() - start);
      (firstPages[e] as number[]).push(timed(() => reader.page()));
      await reader.close();
      await settle();
    }
  }
  const readers = [await engines[0](), await engines[1]()] as const;
  const warm = readers.map((reader) => repeat(20, () => reader.page()));
  const searches: [number[], number[]] = [[], []];
  for (const q of queries) {
    const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    for (let round = 0; round < 5; round++) {
      for (const e of round % 2 === 0 ? [0, 1] : [1, 0]) best[e] = Math.min(best[e] as number, timed(() => (readers[e] as Reader).search(q)));
    }
    best.forEach((b, e) => (searches[e] as number[]).push(b));
  }
  await readers[1].close();
  await settle();
  const rss0 = rssMb();
  await readers[0].close();
  await settle();
  // SQLCipher again, with the same reads done, so its memory is measured in the same state.
  const again = await engines[1]();
  for (let i = 0; i < 20; i++) again.page();
  for (const q of queries) again.search(q);
  const rss1 = rssMb();
  await again.close();
  await settle();
  const figures = (e: 0 | 1, rss: number): ReadFigures => ({
    open_ms: median(opens[e]),
    first_page_ms: median(firstPages[e]),
    first_page_warm_ms: median(warm[e] as number[]),
    search_ms: { p50: percentile(searches[e], 0.5), p95: percentile(searches[e], 0.95) },
    search_ms_by_query: Object.fromEntries(queries.map((q, i) => [q, round(searches[e][i] as number)])),
    rss_mb: rss,
  });
  return [figures(0, rss0), figures(1, rss1)];
}

/** Lets closed engines' memory go before the next measurement. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function openVaultReader(place: VaultPlace): Promise<Reader> {
  const vault = await Vault.open(place.profile, { kind: 'keyfile', path: place.keyFile }, { idleCompactMs: null });
  vault.read((db) => conversations.listConversations(db, { limit: 50 }));
  return {
    page: () => vault.read((db) => messages.messagePage(db, 'c0', { limit: 50 })),
    search: (q) => vault.read((db) => search.searchMessages(db, q, { limit: 50 })),
    close: () => vault.close(),
  };
}

/** Bound values as @signalapp/sqlcipher types them. */
type CipherParams = ReadonlyArray<string | number | null | Uint8Array<ArrayBuffer>>;

/**
 * SQLCipher behind the vault's read interface, so a page is the very same
 * typed query on both engines: messages.messagePage, its SQL (engine-neutral:
 * one JSON value per page) and the JavaScript that turns it into messages.
 */
function sqlCipherAsReader(db: SqlCipher): SqlReader {
  return {
    all: (sql, params = []) => db.prepare(sql).all(params as CipherParams),
    get: (sql, params = []) => db.prepare(sql).get(params as CipherParams),
  };
}

async function openSqlCipherReader(place: { file: string; keyHex: string }): Promise<Reader> {
  const db = openSqlCipher(place.file, place.keyHex);
  // As Vault.open does (SqlDatabase.warm): compile what the first reads use, and run the page statements once on
  // keys that match nothing, so neither engine's first page pays for compiling its SQL.
  for (const { sql, params } of messages.pageStatements) db.prepare(sql).get(params as CipherParams);
  db.prepare(SEARCH_SQL);
  db.prepare(LIST_SQL).all();
  const reader = sqlCipherAsReader(db);
  return {
    page: () => messages.messagePage(reader, 'c0', { limit: 50 }),
    search: (q) => db.prepare(SEARCH_SQL).all([search.toFtsQuery(q) as string]),
    close: async () => db.close(),
  };
}

async function readBoth(plan: ReadPlan): Promise<{ vault: ReadFigures; sqlcipher: ReadFigures }> {
  const [vault, sqlcipher] = await readPhase([() => openVaultReader(plan.vault), () => openSqlCipherReader(plan.sqlcipher)], plan.queries);
  return { vault, sqlcipher };
}

/** Runs the read phase in a new Node process and returns its figures. */
function readInChild(plan: ReadPlan): { vault: ReadFigures; sqlcipher: ReadFigures } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), READ_PHASE_FLAG, JSON.stringify(plan)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`read phase failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { vault: ReadFigures; sqlcipher: ReadFigures };
}

const READ_PHASE_FLAG = '--vault-bench-read-phase';
if (process.argv[2] === READ_PHASE_FLAG) {
  const result = await readBoth(JSON.parse(process.argv[3] as string) as ReadPlan);
  process.stdout.write(JSON.stringify(result));
}

// ---- run ------------------------------------------------------------------------------

export async function run(options: Record<string, string>): Promise<object> {
  return measure(Number(options.messages ?? 200_000), options.dir);
}

async function measure(count: number, dirOption: string | undefined): Promise<object> {
  if (!Number.isInteger(count) || count < BULK_BATCH) throw new Error('--messages must be an integer ≥ 1000');
  const base = mkdtempSync(path.join(dirOption ?? tmpdir(), 'hearth-bench-vault-'));
  const workload = makeWorkload();
  try {
    const vaultDir = path.join(base, 'vault');
    const peerDir = path.join(base, 'sqlcipher');
    for (const d of [vaultDir, peerDir]) mkdirSync(d);
    const vault = await vaultEngine(vaultDir);
    const peer = sqlcipherEngine(peerDir);
    const [vaultWrites, peerWrites] = (await writePhase([vault, peer], count, workload)) as [WriteFigures, WriteFigures];
    const reads = readInChild({ vault, sqlcipher: peer, queries: workload.queries });
    const figures = (writes: WriteFigures, read: ReadFigures, dir: string): Figures => ({ messages: count, ...writes, ...read, disk_mb: diskMb(dir) });
    const ours = figures(vaultWrites, reads.vault, vault.profile);
    const theirs = figures(peerWrites, reads.sqlcipher, peerDir);
    const ratio = (a: number, b: number) => round(a / b);
    return {
      ...ours,
      peer_sqlcipher: theirs,
      targets: {
        commit_p50_vs_sqlcipher: { ratio: ratio(ours.commit_ms.p50, theirs.commit_ms.p50), max: 1.0 },
        first_page_vs_sqlcipher: { ratio: ratio(ours.first_page_ms, theirs.first_page_ms), max: 1.0 },
        search_p95_vs_sqlcipher: { ratio: ratio(ours.search_ms.p95, theirs.search_ms.p95), max: 1.5 },
        bulk_vs_sqlcipher: { ratio: ratio(ours.bulk_msgs_per_s, theirs.bulk_msgs_per_s), min: 0.7 },
        open_ms: { value: ours.open_ms, max: count <= 200_000 ? 300 : 1500 },
        rss_mb: { value: ours.rss_mb, max: round(1.5 * ours.disk_mb + 200) },
      },
      notes: [
        'Writes (bulk, commits, compaction) run in this process with the two engines taking turns, so machine noise hits both alike.',
        'Reads (open, first page, search) run in a fresh process, as at app start, the two engines taking turns; rss_mb is read with only that engine open.',
        'open_ms and first_page_ms are medians of 15 cold opens (a new database connection each; the page is messages.messagePage on both engines); search_ms is over the 20 queries, each the best of 5 runs (machine noise only ever adds).',
      ],
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

function timed(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function repeat(times: number, fn: () => unknown): number[] {
  return Array.from({ length: times }, () => timed(fn));
}
