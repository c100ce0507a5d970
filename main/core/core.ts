import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { HearthError, methodNames, type EventName, type EventPayload, type Handlers, type MethodName, type NewProtection, type UnlockWith, type VaultState } from '../../shared/api';
import { Client, type ClientOptions } from './client/client';
import { checkPassphrase, protectionOf } from './client/vault-protection';
import { toHearthError } from './errors';
import { conversations, Vault, writeNewKeyFile, type KeyProtector, type PassphraseKdfParams, type Protection, type Unlock } from './vault';
import { CORE_VERSION } from './version';

/** What the shell tells the core about where it runs. */
export interface CoreOptions {
  profileDir: string;
  host: 'electron' | 'browser';
  /** Whether the shell can offer an OS-keychain key protector (only Electron can). */
  keychainAvailable: boolean;
  keychainUnavailableReason?: string;
  defaultRelayUrl: string;
  /** The OS keychain, handed in by main/app (the core never imports electron). */
  keyProtector?: KeyProtector;
  /** Passphrase KDF for new profiles; tests lower it. Default: the vault's Argon2id. */
  passphraseKdf?: PassphraseKdfParams;
  client?: ClientOptions;
}

export interface Core {
  readonly handlers: Handlers;
  onEvent<E extends EventName>(listener: (event: E, payload: EventPayload<E>) => void): () => void;
  close(): Promise<void>;
}

const requireFromCore = createRequire(import.meta.url);

function libsignalVersion(): string {
  const pkg: unknown = requireFromCore('@signalapp/libsignal-client/package.json');
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/**
 * The composition root of the client engine. It owns at most one open
 * profile (a Client: vault → protocol → transport → messaging), created on
 * unlock or profile creation and closed on lock, and answers every contract
 * method from it.
 */
export function createCore(options: CoreOptions): Core {
  const emitter = new EventEmitter();
  let client: Client | null = null;
  let unsubscribe: (() => void) | null = null;
  let opening: Promise<unknown> | null = null;
  let autoLockTimer: NodeJS.Timeout | null = null;

  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => emitter.emit('event', event, payload);

  const vaultState = (): VaultState => (client ? 'unlocked' : Vault.exists(options.profileDir) ? 'locked' : 'uninitialized');

  function requireClient(): Client {
    if (!client) throw new HearthError('locked', Vault.exists(options.profileDir) ? 'Hearth is locked. Unlock it first.' : 'Create a profile first.');
    return client;
  }

  function adopt(next: Client): void {
    client = next;
    unsubscribe = next.events.on((event, payload) => emitter.emit('event', event, payload));
    next.start();
    emit('app.onDidChangeVaultState', { state: 'unlocked' });
    emit('connection.onDidChangeState', next.connectionState());
  }

  async function lock(): Promise<void> {
    const current = client;
    if (!current) return;
    client = null;
    unsubscribe?.();
    unsubscribe = null;
    if (autoLockTimer) clearTimeout(autoLockTimer);
    await current.close();
    emit('app.onDidChangeVaultState', { state: vaultState() });
  }

  /** The app lock: after the chosen idle time without a call, the vault key leaves memory. */
  function touch(): void {
    if (autoLockTimer) clearTimeout(autoLockTimer);
    autoLockTimer = null;
    const minutes = client?.settings().autoLockMinutes;
    if (!minutes) return;
    autoLockTimer = setTimeout(() => void lock(), minutes * 60_000);
    autoLockTimer.unref();
  }

  /** One open/create at a time: a second concurrent unlock waits for the first. */
  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (opening) await opening.catch(() => undefined);
    const run = work();
    opening = run;
    try {
      return await run;
    } finally {
      opening = null;
    }
  }

  function protectionFor(p: NewProtection): Protection {
    switch (p.kind) {
      case 'passphrase':
        return { kind: 'passphrase', passphrase: p.passphrase, kdf: options.passphraseKdf };
      case 'keychain':
        if (!options.keyProtector) throw new HearthError('unavailable', options.keychainUnavailableReason ?? 'No OS keychain is reachable from this host.');
        return { kind: 'keychain', protector: options.keyProtector };
      case 'keyfile':
        if (!fs.existsSync(p.path)) writeNewKeyFile(p.path);
        return { kind: 'keyfile', path: p.path };
    }
  }

  function unlockFor(u: UnlockWith): Unlock {
    if (u.kind === 'keychain') {
      if (!options.keyProtector) throw new HearthError('unavailable', options.keychainUnavailableReason ?? 'No OS keychain is reachable from this host.');
      return { kind: 'keychain', protector: options.keyProtector };
    }
    return u;
  }

  const handlers: Handlers = {
    'app.getInfo': () => ({
      name: 'Hearth',
      version: CORE_VERSION,
      host: options.host,
      platform: process.platform,
      profileDir: options.profileDir,
      vaultState: vaultState(),
    }),
    'app.getFirstRun': () => ({
      profileDir: options.profileDir,
      defaultRelayUrl: options.defaultRelayUrl,
      protections: [
        options.keychainAvailable
          ? { kind: 'keychain', available: true }
          : { kind: 'keychain', available: false, reason: options.keychainUnavailableReason ?? 'No OS keychain is reachable from this host.' },
        { kind: 'passphrase', available: true },
      ],
      versions: { core: CORE_VERSION, libsignal: libsignalVersion(), node: process.versions.node },
    }),
    'app.getUnreadCount': () => ({ total: client ? client.vault.read((db) => conversations.totalUnread(db)) : 0 }),

    'vault.getState': () => ({ state: vaultState() }),
    'account.create': (args) =>
      exclusive(async () => {
        if (vaultState() !== 'uninitialized') throw new HearthError('conflict', 'This folder already holds a profile.');
        const { client: created, recoveryKey } = await Client.create(
          { dir: options.profileDir, username: args.username, displayName: args.displayName ?? null, relayUrl: args.relayUrl, protection: protectionFor(args.protection) },
          options.client,
        );
        adopt(created);
        return { account: created.account(), recoveryKey };
      }),
    'vault.unlock': (args) =>
      exclusive(async () => {
        if (client) return { state: 'unlocked' as const };
        if (!Vault.exists(options.profileDir)) throw new HearthError('not-found', 'There is no profile here yet. Create one first.');
        adopt(await Client.open(options.profileDir, unlockFor(args.with), options.client));
        return { state: 'unlocked' as const };
      }),
    'vault.salvage': (args) =>
      exclusive(async () => {
        if (client) return { state: 'unlocked' as const, report: null };
        if (!Vault.exists(options.profileDir)) throw new HearthError('not-found', 'There is no profile here yet. Create one first.');
        const { client: opened, report } = await Client.salvage(options.profileDir, unlockFor(args.with), options.client);
        adopt(opened);
        return { state: 'unlocked' as const, report };
      }),
    'vault.lock': async () => {
      await lock();
      return { state: vaultState() };
    },
    'account.get': () => requireClient().account(),
    'vault.getProtection': () => ({ kind: protectionOf(options.profileDir) }),
    'vault.changePassphrase': async ({ current, next }) => {
      await requireClient().vault.changePassphrase(current, next, options.passphraseKdf);
      return { ok: true as const };
    },
    'vault.setProtection': async ({ to, passphrase, current }) => {
      const open = requireClient();
      if (protectionOf(options.profileDir) === 'passphrase') await checkPassphrase(options.profileDir, current);
      if (to === 'passphrase' && !passphrase) throw new HearthError('invalid-arguments', 'Choose a passphrase.');
      await open.vault.switchProtection(protectionFor(to === 'passphrase' ? { kind: 'passphrase', passphrase: passphrase ?? '' } : { kind: 'keychain' }));
      return { ok: true as const };
    },
    // The recovery key is never stored, so it cannot be shown again: a new one is made (a full rekey) and the old one stops working.
    'vault.revealRecoveryKey': async ({ passphrase }) => {
      const open = requireClient();
      const kind = protectionOf(options.profileDir);
      if (kind === 'passphrase') await checkPassphrase(options.profileDir, passphrase);
      if (kind === 'keyfile') throw new HearthError('unavailable', 'A profile protected by a key file has no recovery key to show.');
      const protection: Protection = kind === 'passphrase' ? { kind: 'passphrase', passphrase: passphrase ?? '', kdf: options.passphraseKdf } : protectionFor({ kind: 'keychain' });
      return open.vault.rekey(protection);
    },
    'connection.getState': () => client?.connectionState() ?? { state: 'offline', retryAt: null, lastError: null },

    'contacts.add': ({ username }) => requireClient().addContact(username),
    'contacts.list': () => ({ contacts: requireClient().listContacts() }),
    'contacts.get': ({ contactId }) => requireClient().getContact(contactId),
    'contacts.getSafetyNumber': ({ contactId }) => requireClient().safetyNumber(contactId),
    'contacts.compareSafetyNumber': ({ contactId, scanned }) => ({ match: requireClient().compareSafetyNumber(contactId, scanned) }),
    'contacts.setVerified': ({ contactId, verified }) => requireClient().setVerified(contactId, verified),
    'contacts.acceptIdentityChange': ({ contactId }) => requireClient().acceptIdentityChange(contactId),

    'conversations.list': ({ includeArchived }) => ({ conversations: requireClient().listConversations(includeArchived ?? false) }),
    'conversations.get': ({ conversationId }) => requireClient().getConversation(conversationId),
    'conversations.setExpireTimer': ({ conversationId, expireTimerMs }) => requireClient().setExpireTimer(conversationId, expireTimerMs),
    'conversations.markRead': async ({ conversationId, upTo }) => ({ unreadCount: await requireClient().markRead(conversationId, upTo) }),

    'messages.page': ({ conversationId, before, after, limit }) => requireClient().messagePage(conversationId, { before, after, limit }),
    'messages.get': ({ messageId }) => requireClient().getMessage(messageId),
    'messages.send': ({ conversationId, body, replyTo, attachments }) => requireClient().send(conversationId, body, replyTo, attachments),
    'messages.edit': ({ messageId, body }) => requireClient().edit(messageId, body),
    'messages.getEditHistory': ({ messageId }) => requireClient().editHistory(messageId),
    'messages.delete': async ({ messageId, forEveryone }) => {
      await requireClient().deleteMessage(messageId, forEveryone);
      return { ok: true as const };
    },
    'messages.retry': ({ messageId }) => requireClient().retry(messageId),
    'messages.react': ({ messageId, emoji }) => requireClient().react(messageId, emoji),
    'messages.setTyping': async ({ conversationId, typing }) => {
      await requireClient().setTyping(conversationId, typing);
      return { ok: true as const };
    },

    // Groups and attachments (issue 7).
    'groups.create': ({ name, memberIds }) => requireClient().createGroup(name, memberIds),
    'groups.rename': ({ conversationId, name }) => requireClient().renameGroup(conversationId, name),
    'groups.addMembers': ({ conversationId, memberIds }) => requireClient().addGroupMembers(conversationId, memberIds),
    'groups.removeMember': ({ conversationId, memberId }) => requireClient().removeGroupMember(conversationId, memberId),
    'groups.leave': ({ conversationId }) => requireClient().leaveGroup(conversationId),
    'attachments.createDraft': (draft) => ({ draftId: requireClient().attachments.createDraft(draft) }),
    'attachments.appendDraft': ({ draftId, data }) => ({ received: requireClient().attachments.appendDraft(draftId, Buffer.from(data, 'base64')) }),
    'attachments.discardDraft': ({ draftId }) => {
      requireClient().attachments.discardDraft(draftId);
      return { ok: true } as const;
    },
    'attachments.read': ({ attachmentId, offset, length }) => {
      const { data, size } = requireClient().attachments.read(attachmentId, offset, length);
      return { data: data.toString('base64'), size };
    },
    'attachments.retry': ({ attachmentId }) => requireClient().attachments.retry(attachmentId),

    'search.messages': ({ query, conversationId, limit }) => ({ hits: requireClient().search(query, { conversationId, limit }) }),
    'settings.get': () => requireClient().settings(),
    'settings.update': (change) => requireClient().updateSettings(change),
    'storage.getUsage': () => requireClient().storageUsage(),
  };

  // Every handler's failures leave as contract errors; every call counts as activity for the app lock.
  const guarded = Object.fromEntries(
    methodNames.map((method: MethodName) => {
      const handler = handlers[method] as (args: unknown) => unknown;
      return [
        method,
        async (args: unknown) => {
          try {
            return await handler(args);
          } catch (error) {
            throw toHearthError(error);
          } finally {
            if (client) touch();
          }
        },
      ];
    }),
  ) as unknown as Handlers;

  return {
    handlers: guarded,
    onEvent(listener) {
      const wrapped = (event: EventName, payload: unknown) => listener(event as never, payload as never);
      emitter.on('event', wrapped);
      return () => emitter.off('event', wrapped);
    },
    async close() {
      await lock();
      emitter.removeAllListeners();
    },
  };
}
