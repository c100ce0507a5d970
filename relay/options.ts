import type { Limits } from './limits';
import type { LogLevel, LogSink } from './log';

export interface RelayOptions {
  /** Address to listen on. Loopback unless told otherwise. */
  host?: string;
  /** Port to listen on; 0 picks a free one (see Relay.port). */
  port?: number;
  /** Folder for the SQLite file, the trust root and attachment blobs. Required unless `memory`. */
  dataDir?: string;
  /** Keep everything in memory (a fresh trust root each start, attachments in a temp folder). */
  memory?: boolean;
  /** Use Redis for accounts, prekeys, mailboxes and presence, shared with other relay nodes. */
  redisUrl?: string;
  /** Prefix of every Redis key and channel, so several deployments (or tests) can share one Redis. */
  redisPrefix?: string;
  /** PEM certificate and key: serve wss:// and https://. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  limits?: Partial<Limits>;
  logLevel?: LogLevel;
  logSink?: LogSink;
  /** The clock, for tests of expiry. */
  now?: () => number;
  /** How often expired envelopes, submissions and attachments are deleted. */
  sweepIntervalMs?: number;
  /** How often connections are pinged; one that misses a ping is dropped. */
  keepaliveIntervalMs?: number;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7443;
export const DEFAULT_REDIS_PREFIX = 'hearth:';
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 30_000;
