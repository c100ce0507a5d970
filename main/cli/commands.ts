import path from 'node:path';
import { HearthError, type ConversationSummary, type Message } from '../../shared/api';
import { Client } from '../core/client/client';
import { isWrongKey, toHearthError } from '../core/errors';
import { directConversationId } from '../core/messaging/views';
import { messaging, conversations, writeNewKeyFile, type Protection, type SalvageReport, type Unlock } from '../core/vault';
import { parseCli, usage, UsageError, type CliArgs } from './args';
import fs from 'node:fs';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

export const EXIT = { ok: 0, failed: 1, wrongKey: 2 } as const;

/** Runs one `hearth` command line and returns its exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCli(argv);
  } catch (error) {
    io.err(`hearth: ${error instanceof Error ? error.message : 'bad arguments'} (hearth --help for usage)`);
    return EXIT.failed;
  }
  if (args.help || args.command.length === 0) {
    io.out(usage);
    return args.help ? EXIT.ok : EXIT.failed;
  }
  let client: Client | null = null;
  try {
    const [name, ...rest] = args.command;
    const profile = requireProfile(args);
    if (name === 'init') {
      await init(args, profile, io);
      return EXIT.ok;
    }
    if (name === 'salvage') {
      const salvaged = await Client.salvage(profile, unlockFrom(args, io));
      client = salvaged.client;
      printSalvage(salvaged.report, args, io);
      return EXIT.ok;
    }
    client = await Client.open(profile, unlockFrom(args, io));
    return await run(client, name ?? '', rest, args, io);
  } catch (error) {
    if (isWrongKey(error)) {
      io.err('hearth: wrong passphrase or key file for this profile.');
      return EXIT.wrongKey;
    }
    const problem = toHearthError(error);
    const message =
      error instanceof UsageError ? `${error.message} (hearth --help for usage)` : problem.kind === 'damaged' ? `${problem.message} (hearth salvage opens what is intact)` : problem.message;
    io.err(`hearth: ${message.replace(/\s+/g, ' ')}`);
    return EXIT.failed;
  } finally {
    await client?.close().catch(() => undefined);
  }
}

function printSalvage(report: SalvageReport | null, args: CliArgs, io: CliIo): void {
  if (args.json) io.out(JSON.stringify({ salvaged: report !== null, ...report }));
  else if (!report) io.out('Nothing was damaged; the profile opens as usual.');
  else {
    io.out(`Opened what is intact: the last full save and ${report.keptCommits} change(s) after it.`);
    io.out(`What was wrong: ${report.reason}`);
    for (const name of report.setAside) io.out(`The damaged part is kept, as it was, in ${name}.`);
  }
}

function requireProfile(args: CliArgs): string {
  if (!args.profile) throw new UsageError('Give the profile folder with --profile DIR.');
  return path.resolve(args.profile);
}

function passphraseFrom(args: CliArgs, io: CliIo): string | null {
  if (args.passphraseEnv === undefined) return null;
  const value = io.env[args.passphraseEnv];
  if (!value) throw new UsageError(`The environment variable ${args.passphraseEnv} is not set.`);
  return value;
}

function unlockFrom(args: CliArgs, io: CliIo): Unlock {
  const passphrase = passphraseFrom(args, io);
  if (passphrase !== null) return { kind: 'passphrase', passphrase };
  if (args.keyfile) return { kind: 'keyfile', path: path.resolve(args.keyfile) };
  throw new UsageError('Give --passphrase-env VAR or --keyfile FILE to open the profile.');
}

async function init(args: CliArgs, profile: string, io: CliIo): Promise<void> {
  if (!args.username || !args.relay) throw new UsageError('init needs --username NAME and --relay URL.');
  const passphrase = passphraseFrom(args, io);
  let protection: Protection;
  if (passphrase !== null) protection = { kind: 'passphrase', passphrase };
  else if (args.keyfile) {
    const file = path.resolve(args.keyfile);
    if (!fs.existsSync(file)) writeNewKeyFile(file);
    protection = { kind: 'keyfile', path: file };
  } else throw new UsageError('init needs --passphrase-env VAR or --keyfile FILE.');
  const { client, recoveryKey } = await Client.create({ dir: profile, username: args.username, displayName: args.displayName ?? null, relayUrl: args.relay, protection });
  await client.close();
  if (args.json) io.out(JSON.stringify({ username: args.username, profile, recoveryKey }));
  else {
    io.out(`Created ${args.username} in ${profile}.`);
    io.out(`Recovery key (write it down; it is shown only now): ${recoveryKey}`);
  }
}

function contactName(rest: readonly string[], what: string): string {
  const name = rest[0];
  if (!name) throw new UsageError(`${what} needs a contact NAME.`);
  return name;
}

async function ensureContact(client: Client, name: string): Promise<void> {
  const known = client.listContacts().some((c) => c.id === name);
  if (!known) await client.addContact(name);
}

async function run(client: Client, name: string, rest: string[], args: CliArgs, io: CliIo): Promise<number> {
  const timeoutMs = args.timeoutMs ?? 30_000;
  switch (name) {
    case 'contacts': {
      const [sub, ...more] = rest;
      if (sub === 'add') {
        client.start();
        const contact = await client.addContact(contactName(more, 'contacts add'));
        io.out(args.json ? JSON.stringify(contact) : `Added ${contact.username}.`);
        return EXIT.ok;
      }
      if (sub === 'list') {
        const list = client.listContacts();
        if (args.json) io.out(JSON.stringify(list));
        else for (const c of list) io.out(`${c.username}${c.verified ? ' (verified)' : ''}${c.identityChanged ? ' (safety number changed)' : ''}`);
        return EXIT.ok;
      }
      throw new UsageError('contacts takes add NAME or list.');
    }
    case 'group':
      return runGroup(client, rest, args, io);
    case 'send': {
      const to = contactName(rest, 'send');
      const text = rest.slice(1).join(' ');
      if (!text) throw new UsageError('send needs a TEXT to send.');
      client.start();
      const message = await client.send(await conversationFor(client, to), text, args.replyTo);
      const result = await client.waitUntilSent(message.id, timeoutMs);
      if (result.status === 'failed') throw new HearthError('unavailable', 'The relay refused the message.');
      if (args.json) io.out(JSON.stringify({ id: result.id, status: result.status }));
      return EXIT.ok;
    }
    case 'edit': {
      const who = contactName(rest, 'edit');
      const [, messageId] = rest;
      const text = rest.slice(2).join(' ');
      if (!messageId || !text) throw new UsageError('edit needs NAME MESSAGE_ID TEXT.');
      client.start();
      requireMessageWith(client, who, await conversationFor(client, who), messageId);
      const updated = await client.edit(messageId, text);
      await client.waitUntilOutboxEmpty(timeoutMs);
      if (args.json) io.out(JSON.stringify({ id: updated.id, body: updated.body, edited: updated.edited ?? false }));
      return EXIT.ok;
    }
    case 'delete': {
      const who = contactName(rest, 'delete');
      const [, messageId] = rest;
      if (!messageId) throw new UsageError('delete needs NAME MESSAGE_ID.');
      client.start();
      requireMessageWith(client, who, await conversationFor(client, who), messageId);
      await client.deleteMessage(messageId, args.forEveryone);
      if (args.forEveryone) await client.waitUntilOutboxEmpty(timeoutMs);
      if (args.json) io.out(JSON.stringify({ id: messageId, deleted: true, forEveryone: args.forEveryone }));
      return EXIT.ok;
    }
    case 'react': {
      const who = contactName(rest, 'react');
      const [, messageId, emoji] = rest;
      if (!messageId || !emoji) throw new UsageError('react needs NAME MESSAGE_ID EMOJI.');
      client.start();
      requireMessageWith(client, who, await conversationFor(client, who), messageId);
      const updated = await client.react(messageId, emoji);
      // Exit only once the outbox has handed the reaction to the relay.
      await client.waitUntilOutboxEmpty(timeoutMs);
      if (args.json) io.out(JSON.stringify({ id: updated.id, reactions: jsonReactions(updated, client.username) }));
      return EXIT.ok;
    }
    case 'timer': {
      const who = contactName(rest, 'timer');
      const expireTimerMs = parseTimer(rest[1]);
      client.start();
      const conversation = await client.setExpireTimer(await conversationFor(client, who), expireTimerMs);
      await client.waitUntilOutboxEmpty(timeoutMs);
      if (args.json) io.out(JSON.stringify({ conversationId: conversation.id, expireTimerMs: conversation.expireTimerMs ?? null }));
      else io.out(`Disappearing messages with ${who}: ${describeTimer(conversation.expireTimerMs ?? null)}.`);
      return EXIT.ok;
    }
    case 'attach': {
      const to = contactName(rest, 'attach');
      const file = rest[1];
      if (!file || rest.length > 2) throw new UsageError('attach needs NAME FILE (put a caption in --caption).');
      client.start();
      const message = await client.sendFile(await conversationFor(client, to), path.resolve(file), { caption: args.caption });
      // The upload comes first, so the default wait is longer than for text.
      const result = await client.waitUntilSent(message.id, args.timeoutMs ?? 10 * 60_000);
      const attachment = client.getMessage(message.id).attachments?.[0];
      if (result.status === 'failed') throw new HearthError('unavailable', attachment?.error ?? 'The relay refused the message.');
      if (args.json) io.out(JSON.stringify({ id: result.id, status: result.status, attachments: jsonAttachments(client.getMessage(message.id)) }));
      return EXIT.ok;
    }
    case 'save': {
      const [attachmentId, file] = rest;
      if (!attachmentId || !file || rest.length > 2) throw new UsageError('save needs ATTACHMENT_ID FILE.');
      await saveAttachment(client, attachmentId, path.resolve(file), args.force);
      if (args.json) io.out(JSON.stringify({ id: attachmentId, file: path.resolve(file) }));
      return EXIT.ok;
    }
    case 'sync': {
      const { received } = await client.sync({ timeoutMs, lingerMs: args.waitMs ?? 0 });
      if (args.json) io.out(JSON.stringify({ received }));
      return EXIT.ok;
    }
    case 'history': {
      const who = contactName(rest, 'history');
      const conversationId = client.groupsNamed(who).length > 0 ? await conversationFor(client, who) : directConversationId(who);
      const exists = client.listConversations(true).some((c) => c.id === conversationId);
      const page = exists ? client.messagePage(conversationId, { limit: Math.min(args.limit ?? 500, 500) }) : { messages: [], hasMore: false };
      let list = page.messages;
      // --limit above one page: read further back.
      while (exists && page.hasMore && list.length < (args.limit ?? Number.MAX_SAFE_INTEGER) && list[0]) {
        const older = client.messagePage(conversationId, { before: { sentAt: list[0].sentAt, seq: list[0].seq }, limit: 500 });
        list = [...older.messages, ...list];
        if (!older.hasMore) break;
      }
      if (args.limit !== undefined) list = list.slice(Math.max(0, list.length - args.limit));
      if (args.json) {
        io.out(JSON.stringify(list.map((m) => ({ id: m.id, kind: m.kind, direction: m.direction, author: m.authorId ?? client.username, body: m.body, status: m.status, sentAt: m.sentAt, receivedAt: m.receivedAt, reactions: jsonReactions(m, client.username), edited: m.edited ?? false, deleted: m.deleted ?? false, replyTo: m.replyTo ?? null, attachments: jsonAttachments(m), notice: m.notice ?? null, expireTimerMs: m.expireTimerMs ?? null, expiresAt: m.expiresAt ?? null }))));
      } else {
        for (const m of list) io.out(`${new Date(m.sentAt).toISOString()} ${m.direction === 'outgoing' ? client.username : (m.authorId ?? '')}: ${m.deleted ? '(deleted)' : describe(m)}${attachmentsLine(m)}${m.edited && !m.deleted ? ' (edited)' : ''}${m.direction === 'outgoing' ? ` [${m.status}]` : ''}`);
      }
      return EXIT.ok;
    }
    case 'search': {
      const query = rest.join(' ');
      if (!query) throw new UsageError('search needs a QUERY.');
      const hits = client.search(query, { limit: args.limit ?? 50 });
      if (args.json) io.out(JSON.stringify(hits.map((h) => ({ id: h.messageId, conversationId: h.conversationId, sentAt: h.sentAt, snippet: h.snippet.map((p) => (p.match ? `[${p.text}]` : p.text)).join('') }))));
      else for (const h of hits) io.out(`${new Date(h.sentAt).toISOString()} ${h.conversationId.replace(/^direct:/, '')}: ${h.snippet.map((p) => (p.match ? `[${p.text}]` : p.text)).join('')}`);
      return EXIT.ok;
    }
    case 'safety-number': {
      const number = client.safetyNumber(contactName(rest, 'safety-number'));
      if (args.json) io.out(JSON.stringify(number));
      else {
        for (let i = 0; i < 12; i += 4) io.out(number.groups.slice(i, i + 4).join(' '));
        io.out(number.verified ? 'Verified.' : 'Not verified.');
      }
      return EXIT.ok;
    }
    case 'verify':
    case 'unverify': {
      const contact = await client.setVerified(contactName(rest, name), name === 'verify');
      io.out(args.json ? JSON.stringify(contact) : `${contact.username} is ${contact.verified ? 'verified' : 'not verified'}.`);
      return EXIT.ok;
    }
    case 'accept-identity': {
      const contact = await client.acceptIdentityChange(contactName(rest, 'accept-identity'));
      client.start();
      await client.sync({ timeoutMs }).catch(() => undefined);
      io.out(args.json ? JSON.stringify(contact) : `Accepted the new safety number of ${contact.username}.`);
      return EXIT.ok;
    }
    case 'status': {
      const account = client.account();
      const status = client.vault.read((db) => ({
        ...account,
        vaultState: 'unlocked' as const,
        contacts: client.listContacts().length,
        conversations: conversations.listConversations(db, { includeArchived: true }).length,
        messages: messaging.messageCount(db),
        unread: conversations.totalUnread(db),
        outboxPending: client.outbox.pendingCount(),
      }));
      if (args.json) io.out(JSON.stringify(status));
      else io.out(`${status.username} on ${status.relayUrl}: ${status.messages} messages, ${status.unread} unread, ${status.outboxPending} waiting to send.`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`Unknown command “${name}”.`);
  }
}

/** The message, if it is in the conversation with `who` (so a command cannot reach into another chat by id). */
function requireMessageWith(client: Client, who: string, conversationId: string, messageId: string): Message {
  const message = client.getMessage(messageId);
  if (message.conversationId !== conversationId) throw new HearthError('not-found', `No such message in the conversation with ${who}.`);
  return message;
}

/** Attachments in plain history lines: name, size and state (with the id, for `save`). */
function attachmentsLine(m: Message): string {
  return (m.attachments ?? []).map((a) => ` [${a.fileName ?? 'file'}, ${a.size} bytes, ${a.state}${a.error ? `: ${a.error}` : ''}, id ${a.id}]`).join('');
}

/** Attachments for --json output. */
function jsonAttachments(m: Message): Array<{ id: string; name: string | null; contentType: string; size: number; state: string; error: string | null }> {
  return (m.attachments ?? []).map((a) => ({ id: a.id, name: a.fileName, contentType: a.contentType, size: a.size, state: a.state, error: a.error }));
}

/**
 * Writes the decrypted attachment to `file` and nowhere else: created new
 * (or truncated with --force), private to the user; removed again if the
 * write fails half-way.
 */
async function saveAttachment(client: Client, attachmentId: string, file: string, force: boolean): Promise<void> {
  if (!/^[0-9a-f]{32}$/.test(attachmentId)) throw new UsageError('An ATTACHMENT_ID is 32 hex characters (see history --json).');
  const chunks = client.attachments.chunks(attachmentId);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, force ? 'w' : 'wx', 0o600);
  } catch (error) {
    await chunks.return(undefined);
    const code = error && typeof error === 'object' && 'code' in error ? error.code : '';
    throw new HearthError('conflict', code === 'EEXIST' ? `${file} exists; give --force to overwrite it.` : `Cannot write ${file}.`);
  }
  try {
    for await (const piece of chunks) await handle.write(piece);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.promises.rm(file, { force: true });
    throw error;
  }
  await handle.close();
}

/**
 * The conversation a NAME on the command line means: one of your groups
 * with exactly that name, else the contact with that username (added if new).
 */
async function conversationFor(client: Client, name: string): Promise<string> {
  const named = client.groupsNamed(name);
  if (named.length > 1) throw new UsageError(`Several of your groups are named “${name}”; rename one (group rename).`);
  if (named[0]) return named[0].id;
  await ensureContact(client, name);
  return directConversationId(name);
}

/** The one group of yours with this name. */
function groupNamed(client: Client, name: string | undefined): ConversationSummary {
  if (!name) throw new UsageError('Give the group NAME.');
  const named = client.groupsNamed(name);
  if (named.length > 1) throw new UsageError(`Several of your groups are named “${name}”; rename one (group rename).`);
  if (!named[0]) throw new HearthError('not-found', `You have no group named “${name}”.`);
  return named[0];
}

function groupJson(g: ConversationSummary): object {
  return { conversationId: g.id, name: g.title, members: g.memberIds ?? [], isMember: g.isMember ?? true };
}

/** `group create|rename|add|remove|leave|list`: each change exits once the relay has taken the updates. */
async function runGroup(client: Client, rest: readonly string[], args: CliArgs, io: CliIo): Promise<number> {
  const [sub, name, ...more] = rest;
  const timeoutMs = args.timeoutMs ?? 30_000;
  if (sub === 'list') {
    const list = client.listGroups();
    if (args.json) io.out(JSON.stringify(list.map(groupJson)));
    else for (const g of list) io.out(`${g.title}: ${(g.memberIds ?? []).join(', ')}${g.isMember === false ? ' (you left)' : ''}`);
    return EXIT.ok;
  }
  client.start();
  let result: ConversationSummary;
  switch (sub) {
    case 'create':
      if (!name || more.length === 0) throw new UsageError('group create needs NAME and at least one MEMBER.');
      if (client.groupsNamed(name).length > 0) throw new UsageError(`You already have a group named “${name}”.`);
      result = await client.createGroup(name, more);
      break;
    case 'rename': {
      const [next] = more;
      if (!next) throw new UsageError('group rename needs NAME and NEW_NAME.');
      if (client.groupsNamed(next).length > 0) throw new UsageError(`You already have a group named “${next}”.`);
      result = await client.renameGroup(groupNamed(client, name).id, next);
      break;
    }
    case 'add':
      if (more.length === 0) throw new UsageError('group add needs NAME and at least one MEMBER.');
      result = await client.addGroupMembers(groupNamed(client, name).id, more);
      break;
    case 'remove': {
      const [member] = more;
      if (!member) throw new UsageError('group remove needs NAME and MEMBER.');
      result = await client.removeGroupMember(groupNamed(client, name).id, member);
      break;
    }
    case 'leave':
      result = await client.leaveGroup(groupNamed(client, name).id);
      break;
    default:
      throw new UsageError('group takes create, rename, add, remove, leave or list.');
  }
  await client.waitUntilOutboxEmpty(timeoutMs);
  if (args.json) io.out(JSON.stringify(groupJson(result)));
  else io.out(`${result.title}: ${(result.memberIds ?? []).join(', ')}${result.isMember === false ? ' (you left)' : ''}`);
  return EXIT.ok;
}

/** Reactions for --json output, by username (ours included). */
function jsonReactions(m: Message, me: string): Array<{ by: string; emoji: string }> {
  return (m.reactions ?? []).map((r) => ({ by: r.reactorId ?? me, emoji: r.emoji }));
}

/** `timer` durations: off, 30s, 5m, 1h, 1d, 1w (the contract's timers). */
const TIMER_WORDS: Record<string, number | null> = { off: null, '30s': 30_000, '5m': 5 * 60_000, '1h': 60 * 60_000, '1d': 24 * 60 * 60_000, '1w': 7 * 24 * 60 * 60_000 };

function parseTimer(word: string | undefined): number | null {
  if (word === undefined || !(word in TIMER_WORDS)) throw new UsageError('timer needs NAME and one of off, 30s, 5m, 1h, 1d, 1w.');
  return TIMER_WORDS[word] ?? null;
}

function describeTimer(ms: number | null): string {
  return Object.entries(TIMER_WORDS).find(([, value]) => value === ms)?.[0] ?? `${ms} ms`;
}

function describe(m: Message): string {
  switch (m.kind) {
    case 'timer-changed':
      return m.notice?.type === 'timer' ? `(${m.notice.actorId ?? 'you'} set disappearing messages to ${describeTimer(m.notice.expireTimerMs)})` : '(disappearing messages changed)';
    case 'group-update':
      return m.notice?.type === 'group' ? `(${m.notice.actorId ?? 'you'} ${m.notice.action} ${m.notice.action === 'added' || m.notice.action === 'removed' ? m.notice.targetIds.map((t) => t ?? 'you').join(', ') : `“${m.notice.name}”`})` : '(group changed)';
    case 'identity-changed':
      return '(safety number changed)';
    case 'decrypt-failed':
      return '(a message could not be decrypted)';
    case 'session-reset':
      return '(secure session reset)';
    default:
      return m.body ?? '';
  }
}
