import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultLimits, limitNames, type Limits } from './limits';
import { isLogLevel, logLevels } from './log';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REDIS_PREFIX } from './options';
import { startRelay } from './server';

/**
 * `npm run relay -- [options]` and the `hearth-relay` command. Prints exactly
 * one line on stdout once listening, and shuts down cleanly on SIGTERM/SIGINT.
 */
const DEFAULT_DATA_DIR = 'hearth-relay-data';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const limitFlags = Object.fromEntries(limitNames.map((name) => [kebab(name), { type: 'string' as const }]));

const usage = `Usage: hearth-relay [options]
  --host ADDR          address to listen on (default ${DEFAULT_HOST})
  --port N             port (default ${DEFAULT_PORT}; 0 = any free port)
  --data DIR           data folder: SQLite store, trust root, attachments (default ./${DEFAULT_DATA_DIR})
  --memory             keep everything in memory instead
  --redis URL          keep accounts, mailboxes and presence in Redis, shared by several relay nodes
  --redis-prefix P     prefix for Redis keys and channels (default ${DEFAULT_REDIS_PREFIX})
  --tls-cert FILE      PEM certificate (with --tls-key): serve wss:// and https://
  --tls-key FILE       PEM private key
  --log-level LEVEL    ${logLevels.join(' | ')} (default info)
Limits (see relay/limits.ts for what each guards):
${limitNames.map((name) => `  --${kebab(name)} N`.padEnd(37) + `(default ${defaultLimits[name]})`).join('\n')}`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      memory: { type: 'boolean' },
      redis: { type: 'string' },
      'redis-prefix': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...limitFlags,
    },
    strict: true,
  });
} catch (error) {
  fail((error as Error).message);
}
const flags = parsed.values as Record<string, string | boolean | undefined>;
if (flags.help) {
  console.log(usage);
  process.exit(0);
}

const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
const port = Number(text('port') ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0–65535.');
if (flags.memory && text('data')) fail('Give --data or --memory, not both.');
const logLevel = text('log-level') ?? 'info';
if (!isLogLevel(logLevel)) fail(`--log-level must be one of ${logLevels.join(', ')}.`);
const certFile = text('tls-cert');
const keyFile = text('tls-key');
if (Boolean(certFile) !== Boolean(keyFile)) fail('--tls-cert and --tls-key go together.');
const limits: Partial<Limits> = {};
for (const name of limitNames) {
  const value = text(kebab(name));
  if (value !== undefined) limits[name] = Number(value);
}

try {
  const relay = await startRelay({
    host: text('host') ?? DEFAULT_HOST,
    port,
    ...(flags.memory ? { memory: true } : { dataDir: text('data') ?? DEFAULT_DATA_DIR }),
    ...(text('redis') && { redisUrl: text('redis'), redisPrefix: text('redis-prefix') ?? DEFAULT_REDIS_PREFIX }),
    ...(certFile && keyFile && { tls: { cert: await readFile(certFile), key: await readFile(keyFile) } }),
    limits,
    logLevel,
  });
  console.log(`Hearth relay listening on ${relay.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (error) {
  console.error(`Hearth relay could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
