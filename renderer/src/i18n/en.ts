/**
 * Every piece of English UI text. Other languages get a sibling file with the
 * same keys; `{name}` marks a value filled in at run time.
 */
export const en = {
  'app.name': 'Hearth',
  'app.skipToContent': 'Skip to content',
  'app.loading': 'Starting Hearth…',

  'connection.connecting': 'Connecting to Hearth…',
  'connection.reconnecting': 'Lost the connection to Hearth. Reconnecting…',
  'connection.missingToken.title': 'Open Hearth from its link',
  'connection.missingToken.body': 'This page needs the one-time link Hearth printed when it started (the line beginning with "Hearth UI:"). Open that link to continue.',
  'connection.wrongToken.title': 'This link has expired',
  'connection.wrongToken.body': 'Hearth was restarted, so this page\'s link no longer works. Open the new link Hearth printed in its terminal (the line beginning with "Hearth UI:").',
  'connection.lost': 'The connection to Hearth was lost before it answered. Try again.',
  'connection.closed': 'This window is no longer connected to Hearth.',

  'error.title': 'Hearth could not load',
  'error.retry': 'Try again',

  'firstRun.title': 'Welcome to Hearth',
  'firstRun.lead': 'A private messenger whose history stays on your devices. Messages are end-to-end encrypted, and the relay forgets each one once it is delivered.',
  'firstRun.profileDir.label': 'Your history is stored in',
  'firstRun.profileDir.hint': 'Everything in this folder is encrypted before it touches the disk.',
  'firstRun.relay.label': 'Messages travel through',
  'firstRun.relay.hint': 'The relay only ever sees encrypted envelopes. You can choose another relay later.',
  'firstRun.protections.title': 'Ways to protect your vault key',
  'firstRun.protection.keychain': 'Operating system keychain',
  'firstRun.protection.passphrase': 'Passphrase',
  'firstRun.protection.available': 'Available',
  'firstRun.protection.unavailable': 'Unavailable',
  'firstRun.versions': 'Hearth {core} · libsignal {libsignal} · Node {node}',
  'firstRun.continue': 'Continue',

  'nav.label': 'Main',
  'nav.chats': 'Chats',
  'nav.settings': 'Settings',

  'chats.title': 'Chats',
  'chats.compose': 'New chat',
  'chats.search.label': 'Search chats',
  'chats.search.placeholder': 'Search',
  'chats.list.label': 'Chats',
  'chats.empty.title': 'No chats yet',
  'chats.empty.body': 'When you start a chat or someone messages you, it shows up here.',
  'chats.noResults': 'No chats match "{query}".',
  'chats.unread': '{count} unread',

  'conversation.none.title': 'Your messages stay yours',
  'conversation.none.body': 'Pick a chat on the left, or start a new one. Everything you send is end-to-end encrypted.',

  'settings.title': 'Settings',
  'settings.sections.label': 'Settings sections',
  'settings.appearance': 'Appearance',
  'settings.privacy': 'Privacy and storage',
  'settings.about': 'About',
  'settings.theme.legend': 'Theme',
  'settings.theme.system': 'Match the system',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.theme.hint': 'Choose how Hearth looks on this device.',
  'settings.privacy.profileDir': 'Profile folder',
  'settings.privacy.relay': 'Default relay',
  'settings.privacy.protections': 'Vault key protection',
  'settings.about.version': 'Version',
  'settings.about.host': 'Running in',
  'settings.about.host.electron': 'the Hearth desktop app',
  'settings.about.host.browser': 'your browser (browser host)',
  'settings.about.platform': 'Platform',
  'settings.about.libsignal': 'libsignal',
  'settings.about.node': 'Node',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Readonly<Record<MessageKey, string>>;
