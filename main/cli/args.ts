import { parseArgs } from 'node:util';

/**
 * `hearth` command lines: one set of options for every command, so
 * `--profile`, `--passphrase-env` and `--keyfile` mean the same everywhere.
 */
export const usage = `Usage: hearth --profile DIR COMMAND [options]

Commands:
  init --username NAME --relay URL (--passphrase-env VAR | --keyfile FILE) [--display-name NAME]
                         create a profile and register it with the relay
  contacts add NAME      add a contact by relay username
  contacts list [--json]
  group create NAME MEMBER...
                         create a group (its NAME must be new among your groups) with these members
  group rename NAME NEW_NAME | group add NAME MEMBER... | group remove NAME MEMBER | group leave NAME
                         change a group: every member is told; a removed member cannot read what follows
  group list [--json]    your groups and their members
  send NAME TEXT [--reply-to MESSAGE_ID]
                         send a message (optionally quoting one); exits 0 once the relay has acknowledged it
  edit NAME MESSAGE_ID TEXT
                         replace the text of one of your messages, for both sides
  delete NAME MESSAGE_ID [--for-everyone]
                         delete a message here (--for-everyone: your own, within 24 h, for both sides)
  react NAME MESSAGE_ID EMOJI [--json]
                         react to a message (one reaction per person: a new one replaces yours)
  timer NAME DURATION [--json]
                         set the disappearing-messages timer for both sides: off, 30s, 5m, 1h, 1d or 1w
  attach NAME FILE [--caption TEXT] [--json]
                         send a file (up to 100 MB), encrypted; exits 0 once the relay has the message
  save ATTACHMENT_ID FILE [--force]
                         write a received (or sent) attachment, decrypted, to FILE only
                         (refuses to overwrite FILE unless --force)
  sync [--wait-ms N]     receive and store everything pending, send what is due, then exit
                         (--wait-ms: keep receiving N ms longer)
  history NAME [--json] [--limit N]
  search QUERY [--json] [--limit N]
  safety-number NAME [--json]
  verify NAME            mark NAME's safety number as verified (unverify NAME: undo)
  accept-identity NAME   accept NAME's changed safety number and release held messages
  status --json
  salvage [--json]       open a profile whose recent history is damaged (unlock says so) with
                         what is intact; the damaged part is kept aside in the profile folder

NAME is the name of one of your groups (exactly; quote it if it has spaces), else a
contact's username (added as a contact if new). MEMBER is a username.
Every command that opens the profile takes --passphrase-env VAR (the passphrase is in
that environment variable) or --keyfile FILE (a raw key file).
Exit codes: 0 done, 1 failed, 2 wrong passphrase or key.`;

export interface CliArgs {
  readonly command: string[];
  readonly profile: string | undefined;
  readonly passphraseEnv: string | undefined;
  readonly keyfile: string | undefined;
  readonly username: string | undefined;
  readonly relay: string | undefined;
  readonly displayName: string | undefined;
  readonly json: boolean;
  readonly limit: number | undefined;
  readonly waitMs: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly help: boolean;
  readonly replyTo: string | undefined;
  readonly forEveryone: boolean;
  readonly caption: string | undefined;
  readonly force: boolean;
}

export class UsageError extends Error {}

function nonNegative(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number of 0 or more.`);
  return n;
}

export function parseCli(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        profile: { type: 'string' },
        'passphrase-env': { type: 'string' },
        keyfile: { type: 'string' },
        username: { type: 'string' },
        relay: { type: 'string' },
        'display-name': { type: 'string' },
        json: { type: 'boolean' },
        limit: { type: 'string' },
        'wait-ms': { type: 'string' },
        'timeout-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'reply-to': { type: 'string' },
        'for-everyone': { type: 'boolean' },
        caption: { type: 'string' },
        force: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] ?? 'Bad arguments.' : 'Bad arguments.');
  }
  const v = parsed.values;
  if (v['passphrase-env'] !== undefined && v.keyfile !== undefined) throw new UsageError('Give --passphrase-env or --keyfile, not both.');
  return {
    command: parsed.positionals,
    profile: v.profile ?? process.env.HEARTH_PROFILE,
    passphraseEnv: v['passphrase-env'],
    keyfile: v.keyfile,
    username: v.username,
    relay: v.relay,
    displayName: v['display-name'],
    json: v.json ?? false,
    limit: nonNegative(v.limit, '--limit'),
    waitMs: nonNegative(v['wait-ms'], '--wait-ms'),
    timeoutMs: nonNegative(v['timeout-ms'], '--timeout-ms'),
    help: v.help ?? false,
    replyTo: v['reply-to'],
    forEveryone: v['for-everyone'] ?? false,
    caption: v.caption,
    force: v.force ?? false,
  };
}
