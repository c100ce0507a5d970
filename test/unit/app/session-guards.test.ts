import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../main/app/app-origin';
import { guardWebContents, installSessionGuards, isOwnBlobDownload, type GuardedContents, type GuardedDownload, type GuardedSession, type NavigationEvent } from '../../../main/app/security/session-guards';
import { ACTIVATION_LIFESPAN_MS } from '../../../main/app/security/user-activation';

/** A Session that records the handlers the guards install, so a test can call them as Electron would. */
class FakeSession implements GuardedSession {
  permissionRequest: Parameters<GuardedSession['setPermissionRequestHandler']>[0] | null = null;
  permissionCheck: Parameters<GuardedSession['setPermissionCheckHandler']>[0] | null = null;
  devicePermission: Parameters<GuardedSession['setDevicePermissionHandler']>[0] | null = null;
  headersReceived: Parameters<GuardedSession['webRequest']['onHeadersReceived']>[0] | null = null;
  willDownload: ((event: { preventDefault(): void }, item: GuardedDownload) => void) | null = null;

  setPermissionRequestHandler(handler: NonNullable<FakeSession['permissionRequest']>) {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: NonNullable<FakeSession['permissionCheck']>) {
    this.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler: NonNullable<FakeSession['devicePermission']>) {
    this.devicePermission = handler;
  }
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersReceived']>) => {
      this.headersReceived = listener;
    },
  };
  on(_event: 'will-download', listener: NonNullable<FakeSession['willDownload']>) {
    this.willDownload = listener;
    return this;
  }
}

class FakeContents implements GuardedContents {
  readonly listeners = new Map<string, ((...args: never[]) => void)[]>();
  windowOpen: ((details: { url: string }) => { action: 'deny' }) | null = null;

  on(event: string, listener: (...args: never[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.windowOpen = handler;
  }
  /** Fires a navigation event; returns whether some guard prevented it. */
  navigate(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    const details: NavigationEvent = { url, preventDefault: () => (prevented = true) };
    for (const listener of this.listeners.get(event) ?? []) (listener as (e: NavigationEvent) => void)(details);
    return prevented;
  }
  input(type: string): void {
    for (const listener of this.listeners.get('input-event') ?? []) (listener as (e: unknown, i: { type: string }) => void)({}, { type });
  }
  attachWebview(): boolean {
    let prevented = false;
    for (const listener of this.listeners.get('will-attach-webview') ?? []) (listener as (e: { preventDefault(): void }) => void)({ preventDefault: () => (prevented = true) });
    return prevented;
  }
}

function guardedSession() {
  const session = new FakeSession();
  installSessionGuards(session, { contentSecurityPolicy: "default-src 'none'", appOrigin: APP_ORIGIN, downloadsDir: path.join('/home', 'ada', 'Downloads') });
  return { session };
}

function guardedContents() {
  const contents = new FakeContents();
  const opened: string[] = [];
  let now = 1_000_000;
  const clock = { advance: (ms: number) => (now += ms) };
  guardWebContents(contents, { appOrigin: APP_ORIGIN, openExternal: async (url) => void opened.push(url), now: () => now });
  return { contents, opened, clock };
}

describe('installSessionGuards', () => {
  it('denies every permission request and check but the microphone', () => {
    const { session } = guardedSession();
    const ours = { requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true };
    for (const permission of ['notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'display-capture', 'unknown']) {
      const callback = vi.fn();
      session.permissionRequest?.({}, permission, callback, ours);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(session.permissionCheck?.({}, permission, APP_ORIGIN, { isMainFrame: true })).toBe(false);
    }
    expect(session.devicePermission?.({ deviceType: 'usb' })).toBe(false);
  });

  it('grants the microphone, audio only, to our own page for voice notes', () => {
    const { session } = guardedSession();
    const request = (details: { requestingUrl?: string; isMainFrame?: boolean; mediaTypes?: string[] }) => {
      const callback = vi.fn();
      session.permissionRequest?.({}, 'media', callback, details);
      return callback.mock.calls[0]?.[0] as boolean;
    };
    expect(request({ requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true, mediaTypes: ['audio'] })).toBe(true);
    // Not the camera, not with the camera, not nothing in particular.
    expect(request({ requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(request({ requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(request({ requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true, mediaTypes: [] })).toBe(false);
    expect(request({ requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true })).toBe(false);
    // Not a subframe, not another origin.
    expect(request({ requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: false, mediaTypes: ['audio'] })).toBe(false);
    expect(request({ requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(request({ isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);

    expect(session.permissionCheck?.({}, 'media', APP_ORIGIN, { isMainFrame: true, mediaType: 'audio' })).toBe(true);
    expect(session.permissionCheck?.({}, 'media', APP_ORIGIN, { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(session.permissionCheck?.({}, 'media', APP_ORIGIN, { isMainFrame: true, mediaType: 'unknown' })).toBe(false);
    expect(session.permissionCheck?.({}, 'media', 'https://evil.example', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
  });

  it('puts the CSP on every response, replacing one the server sent', () => {
    const { session } = guardedSession();
    const callback = vi.fn();
    session.headersReceived?.({ responseHeaders: { 'content-security-policy': ['default-src *'], Server: ['vite'] } }, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith({ responseHeaders: { Server: ['vite'], 'Content-Security-Policy': ["default-src 'none'"] } });
  });

  it("lets only the renderer's own blob: downloads through, each with the save dialog", () => {
    const { session } = guardedSession();
    const download = (url: string, name = 'photo.jpg') => {
      const event = { preventDefault: vi.fn() };
      const dialogs: Array<{ title?: string; defaultPath?: string }> = [];
      session.willDownload?.(event, { getURL: () => url, getFilename: () => name, setSaveDialogOptions: (options) => dialogs.push(options) });
      return { allowed: event.preventDefault.mock.calls.length === 0, dialogs };
    };
    for (const url of ['https://evil.example/payload.exe', 'data:application/octet-stream;base64,AAAA', 'blob:https://evil.example/5e1d', 'blob:app://other/5e1d', 'blob:null/5e1d', 'file:///etc/passwd', 'blob:']) {
      expect(download(url)).toEqual({ allowed: false, dialogs: [] });
    }
    // Saving an attachment: the person is asked where it goes, under the attachment's name.
    const blobUrl = 'blob:app://hearth/6f0c2a8e-2b1d-4a39-9d55-0b8f1f5c7e21';
    expect(download(blobUrl)).toEqual({ allowed: true, dialogs: [{ title: 'Save attachment', defaultPath: path.join('/home', 'ada', 'Downloads', 'photo.jpg') }] });
    // The dialog starts in Downloads whatever the name says.
    expect(download(blobUrl, '../../.bashrc').dialogs).toEqual([{ title: 'Save attachment', defaultPath: path.join('/home', 'ada', 'Downloads', '.bashrc') }]);
  });

  it('recognises blob: URLs of the app origin only', () => {
    expect(isOwnBlobDownload('blob:app://hearth/x', APP_ORIGIN)).toBe(true);
    expect(isOwnBlobDownload('blob:http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isOwnBlobDownload('blob:http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
    expect(isOwnBlobDownload('app://hearth/x', APP_ORIGIN)).toBe(false);
    expect(isOwnBlobDownload('blob:app://user:pw@hearth/x', APP_ORIGIN)).toBe(false);
  });
});

describe('guardWebContents', () => {
  it('prevents navigation and redirects to any other origin', () => {
    const { contents } = guardedContents();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
      expect(contents.navigate(event, 'https://evil.example/')).toBe(true);
      expect(contents.navigate(event, 'file:///etc/passwd')).toBe(true);
      expect(contents.navigate(event, 'app://other/index.html')).toBe(true);
      expect(contents.navigate(event, 'javascript:alert(1)')).toBe(true);
      expect(contents.navigate(event, 'app://hearth/index.html')).toBe(false);
    }
  });

  it('denies every new window', () => {
    const { contents, opened } = guardedContents();
    expect(contents.windowOpen?.({ url: 'app://hearth/index.html' })).toEqual({ action: 'deny' });
    contents.input('mouseUp');
    expect(contents.windowOpen?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.org/']);
  });

  it('opens http(s) links in the browser only right after a user click or key press', () => {
    const { contents, opened, clock } = guardedContents();
    contents.windowOpen?.({ url: 'https://example.org/unasked' });
    contents.input('mouseMove');
    contents.windowOpen?.({ url: 'https://example.org/after-mouse-move' });
    contents.input('mouseDown');
    contents.windowOpen?.({ url: 'https://example.org/clicked' });
    // One click opens one link.
    contents.windowOpen?.({ url: 'https://example.org/second' });
    contents.input('keyDown');
    clock.advance(ACTIVATION_LIFESPAN_MS + 1);
    contents.windowOpen?.({ url: 'https://example.org/too-late' });
    expect(opened).toEqual(['https://example.org/clicked']);
  });

  it('never opens other schemes, even when the user clicked', () => {
    const { contents, opened } = guardedContents();
    for (const url of ['file:///etc/passwd', 'smb://server/share', 'javascript:alert(1)', 'hearth://x', 'ms-settings:', 'https://user:pw@example.org/']) {
      contents.input('mouseUp');
      expect(contents.windowOpen?.({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual([]);
  });

  it('refuses to attach a webview', () => {
    const { contents } = guardedContents();
    expect(contents.attachWebview()).toBe(true);
  });
});
