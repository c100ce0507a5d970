import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, safeStorage, session, shell } from 'electron';
import { events, HearthClient } from '../../shared/api';
import { CoreWorker } from '../core/worker-client';
import { APP_ENTRY_URL, appOriginFor } from './app-origin';
import { createShellEventHandler } from './core-events';
import { DeepLinkInbox, findHearthLinkInArgv, HEARTH_SCHEME, parseHearthLink } from './deep-links';
import { CALL_CHANNEL } from './ipc/channels';
import { createCallHandler, createEventForwarder } from './ipc/contract-ipc';
import { keychainStatus, safeStorageKeychain } from './keychain';
import { createMainWindow } from './main-window';
import { buildMenuTemplate } from './menu';
import { DesktopNotifier } from './notifications';
import { resolveProfileDir } from './profile';
import { APP_SCHEME_PRIVILEGES, createRendererHandler } from './renderer-protocol';
import { contentSecurityPolicy } from './security/csp';
import { guardWebContents, installSessionGuards } from './security/session-guards';
import { createWebPreferences, spellcheckAllowed } from './security/web-preferences';
import { createTray, unreadOverlayImage } from './tray';
import { UnreadIndicator } from './unread-indicator';
import { WINDOW_STATE_FILE } from './window-state';

/*
 * The Electron shell's composition root: it starts the core worker, guards
 * the session, serves the renderer, relays the contract over IPC and owns
 * the window, menu, tray and hearth:// links. Each piece lives in its own
 * module; this file only wires them, in the order Electron requires.
 */

const APP_NAME = 'Hearth';
const APP_ID = 'org.hearth.desktop';

const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const appOrigin = appOriginFor(devServerUrl);
const csp = contentSecurityPolicy(devServerUrl ? { kind: 'development', devServerOrigin: appOrigin } : { kind: 'production' });

// --- Before 'ready' -------------------------------------------------------

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();
app.setName(APP_NAME);
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

const profileDir = resolveProfileDir(process.env, app.getPath('userData'));
mkdirSync(profileDir, { recursive: true, mode: 0o700 });
app.setPath('userData', profileDir);

const deepLinks = new DeepLinkInbox();
// macOS delivers hearth:// links as events, possibly before 'ready'.
app.on('open-url', (event, url) => {
  event.preventDefault();
  const link = parseHearthLink(url);
  if (link) deepLinks.deliver(link);
});

let mainWindow: BrowserWindow | null = null;
/** Set once the core is up; until then there is nothing to show. */
let openWindow: (() => Promise<void>) | null = null;

app.on('web-contents-created', (_event, contents) => {
  guardWebContents(contents, { appOrigin, openExternal: (url) => shell.openExternal(url) });
});

if (!app.requestSingleInstanceLock()) {
  // Another Hearth runs on this profile; it gets our argv (and any link) and shows itself.
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    showMainWindow();
    const link = findHearthLinkInArgv(argv);
    if (link) deepLinks.deliver(link);
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

// --- After 'ready' ----------------------------------------------------------

async function start(): Promise<void> {
  const keychain = keychainStatus(safeStorage, process.platform);
  const core = new CoreWorker(join(__dirname, 'core-worker.js'), {
    profileDir,
    host: 'electron',
    keychainAvailable: keychain.available,
    keychainUnavailableReason: keychain.available ? undefined : keychain.reason,
    defaultRelayUrl: process.env.HEARTH_RELAY_URL ?? 'ws://127.0.0.1:7443',
  }, keychain.available ? safeStorageKeychain(safeStorage, process.platform) : undefined);

  installSessionGuards(session.defaultSession, { contentSecurityPolicy: csp, appOrigin, downloadsDir: app.getPath('downloads') });
  // Off for the session too, or Chromium fetches dictionaries for it regardless of the window's preference.
  if (!spellcheckAllowed(process.platform)) session.defaultSession.setSpellCheckerEnabled(false);
  if (!devServerUrl) {
    session.defaultSession.protocol.handle(APP_SCHEME_PRIVILEGES.scheme, createRendererHandler({ rendererRoot: join(__dirname, '../renderer'), contentSecurityPolicy: csp }));
  }

  ipcMain.handle(CALL_CHANNEL, createCallHandler({ core, appOrigin, isOwnContents: (sender) => liveMainWindow()?.webContents.id === sender.id }));

  await core.ready;

  const webPreferences = createWebPreferences({ preloadPath: join(__dirname, '../preload/index.cjs'), platform: process.platform });
  const stateFile = join(profileDir, WINDOW_STATE_FILE);
  let flushWindowState: () => Promise<void> = () => Promise.resolve();
  let opening: Promise<void> | null = null;
  const open = async () => {
    const { window, flushState } = await createMainWindow({ title: APP_NAME, stateFile, webPreferences });
    mainWindow = window;
    flushWindowState = flushState;
    window.on('closed', () => {
      mainWindow = null;
    });
    await window.loadURL(devServerUrl ?? APP_ENTRY_URL);
  };
  // One window at a time, even if activate and second-instance race.
  openWindow = () => (opening ??= open().finally(() => (opening = null)));

  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, appName: APP_NAME, isDevelopment: !app.isPackaged, onShowWindow: showMainWindow })));
  const tray = createTray({ appName: APP_NAME, platform: process.platform, onShow: showMainWindow, onQuit: () => app.quit() });

  const unread = new UnreadIndicator(
    {
      setBadgeCount: (count) => app.setBadgeCount(count),
      setOverlay: (description) => {
        if (process.platform === 'win32') liveMainWindow()?.setOverlayIcon(description ? unreadOverlayImage() : null, description ?? '');
      },
      setTrayToolTip: (text) => tray.setToolTip(text),
    },
    APP_NAME,
  );
  core.subscribeAll(
    createShellEventHandler({
      forwardToWindow: createEventForwarder({ appOrigin, target: () => liveMainWindow()?.webContents ?? null }),
      onUnreadCount: (total) => unread.update(total),
    }),
  );
  new HearthClient(core).call('app.getUnreadCount', {}).then(
    (count) => unread.update(count.total),
    () => undefined,
  );

  // New messages while the window is in the background, saying no more than the person's setting allows.
  const notifier = new DesktopNotifier({ isSupported: () => Notification.isSupported(), create: (content) => new Notification(content) }, showMainWindow);
  const client = new HearthClient(core);
  core.subscribeAll((event, payload) => {
    const added = event === 'messages.onDidAdd' ? events['messages.onDidAdd'].safeParse(payload) : null;
    const message = added?.success ? added.data.message : null;
    if (!message || message.direction !== 'incoming' || message.kind !== 'text' || liveMainWindow()?.isFocused()) return;
    void Promise.all([client.call('settings.get', {}), client.call('conversations.get', { conversationId: message.conversationId })]).then(([settings, conversation]) => {
      const content = settings.notificationContent;
      notifier.notify({ title: content === 'none' ? APP_NAME : conversation.title, body: content === 'name-and-message' && message.body ? message.body : 'New message' });
    }, () => undefined);
  });

  app.on('activate', showMainWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void Promise.allSettled([flushWindowState(), core.terminate()]).then(() => {
      stopped = true;
      app.quit();
    });
  });

  await openWindow();

  // The contract has no deep-link method yet: a link brings the window forward.
  deepLinks.attach(showMainWindow);
  const launchLink = findHearthLinkInArgv(process.argv);
  if (launchLink) deepLinks.deliver(launchLink);
  // Registering the development build would hijack links from an installed Hearth.
  if (app.isPackaged) app.setAsDefaultProtocolClient(HEARTH_SCHEME);
}

/** The main window, unless it is closed or closing (a destroyed window throws on every call). */
function liveMainWindow(): BrowserWindow | null {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
}

/** Brings the window forward, opening it again if it was closed (macOS keeps running without one). */
function showMainWindow(): void {
  const window = liveMainWindow();
  if (!window) {
    if (openWindow) openWindow().catch(fail);
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function fail(error: unknown): void {
  // The name only: a message could carry a path or other private detail.
  console.error('[app] start-up failed:', error instanceof Error ? error.name : typeof error);
  dialog.showErrorBox(`${APP_NAME} could not start`, 'Something went wrong while starting. Please try again; if it keeps happening, report it with your Hearth version.');
  app.exit(1);
}
