import path from 'node:path';
import { originOf } from '../app-origin';
import { withCspHeader } from './csp';
import { openExternalLink, type OpenExternal } from './external-links';
import { UserActivation } from './user-activation';

/*
 * The session and web-contents halves of Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security): deny every
 * permission but the microphone for voice notes, put our CSP on every response, refuse navigation, new windows,
 * <webview> and any download but the renderer's own "save as". The Electron objects are described by the few
 * members we use, so the guards are tested against recording fakes.
 */

/** The parts of Electron's Session the guards install handlers on. */
export interface GuardedSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionDetails) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string, details: PermissionCheckDetails) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void,
    ): void;
  };
  on(event: 'will-download', listener: (event: { preventDefault(): void }, item: GuardedDownload) => void): unknown;
}

/** What Electron says about a permission request (PermissionRequest / MediaAccessPermissionRequest). */
export interface PermissionDetails {
  readonly requestingUrl?: string;
  readonly isMainFrame?: boolean;
  readonly mediaTypes?: readonly string[];
}

/** What Electron says about a permission check (PermissionCheckHandlerHandlerDetails). */
export interface PermissionCheckDetails {
  readonly isMainFrame?: boolean;
  readonly mediaType?: string;
}

/**
 * The one permission Hearth's page may have: the microphone, audio only, for
 * recording a voice note, asked by our own page's main frame (getUserMedia).
 * Camera, screen capture, and everything else stay denied.
 */
export function allowsMicrophone(permission: string, origin: string | undefined, isMainFrame: boolean | undefined, mediaTypes: readonly string[] | undefined, appOrigin: string): boolean {
  return permission === 'media' && isMainFrame === true && originOf(origin ?? '') === appOrigin && mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
}

/** The parts of Electron's DownloadItem the guard looks at. */
export interface GuardedDownload {
  getURL(): string;
  getFilename(): string;
  setSaveDialogOptions(options: { title?: string; defaultPath?: string }): void;
}

/**
 * Whether a download is the renderer saving an attachment: a blob: URL our
 * own page made of the decrypted file (blob:app://hearth/<uuid>). Anything
 * else (a remote URL, a data: URL, another origin's blob) is refused.
 */
export function isOwnBlobDownload(url: string, appOrigin: string): boolean {
  return url.startsWith('blob:') && originOf(url.slice('blob:'.length)) === appOrigin;
}

/**
 * `downloadsDir`: where the save dialog opens (the OS's Downloads folder);
 * the person may pick any other place.
 */
export function installSessionGuards(session: GuardedSession, options: { contentSecurityPolicy: string; appOrigin: string; downloadsDir: string }): void {
  // Notifications come from the main process, and there is no camera,
  // location or device access; only voice notes need the microphone.
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => callback(allowsMicrophone(permission, details.requestingUrl, details.isMainFrame, details.mediaTypes, options.appOrigin)));
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => allowsMicrophone(permission, requestingOrigin, details.isMainFrame, details.mediaType ? [details.mediaType] : undefined, options.appOrigin));
  session.setDevicePermissionHandler(() => false);

  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, options.contentSecurityPolicy) });
  });

  session.on('will-download', (event, item) => {
    if (!isOwnBlobDownload(item.getURL(), options.appOrigin)) {
      event.preventDefault();
      return;
    }
    // No save path is set, so Electron asks where the file goes: it is written
    // only where the person chooses, even if a compromised page started it.
    item.setSaveDialogOptions({ title: 'Save attachment', defaultPath: path.join(options.downloadsDir, path.basename(item.getFilename())) });
  });
}

/** A navigation event as Electron passes it (the details object is the event). */
export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

/** The parts of Electron's WebContents the guards install handlers on. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'input-event', listener: (event: unknown, input: { type: string }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Installed on every WebContents the app creates ('web-contents-created'):
 * the window may only navigate within our own origin, may not open windows or
 * attach webviews, and an http(s) link the user opens in a new window goes to
 * their browser instead, only if they just clicked or pressed a key.
 * Returns the contents' activation tracker for other user-initiated actions.
 */
export function guardWebContents(
  contents: GuardedContents,
  options: { appOrigin: string; openExternal: OpenExternal; now?: () => number },
): UserActivation {
  const activation = new UserActivation(options.now);
  contents.on('input-event', (_event, input) => activation.record(input.type));

  const stayInApp = (event: NavigationEvent) => {
    if (originOf(event.url) !== options.appOrigin) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);

  contents.setWindowOpenHandler((details) => {
    if (activation.consume()) openExternalLink(details.url, options.openExternal);
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => event.preventDefault());
  return activation;
}
