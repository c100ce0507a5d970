import { describe, expect, it } from 'vitest';
import { appOriginFor, APP_ORIGIN, originOf } from '../../../main/app/app-origin';
import { isTrustedSender, type SenderFrame } from '../../../main/app/security/ipc-sender';

const mainFrame = (url: string): SenderFrame => ({ url, parent: null });

describe('isTrustedSender', () => {
  it('accepts the main frame of our own page', () => {
    expect(isTrustedSender(mainFrame('app://hearth/index.html'), APP_ORIGIN)).toBe(true);
    expect(isTrustedSender(mainFrame('app://hearth/'), APP_ORIGIN)).toBe(true);
  });

  it('accepts the dev server page in development', () => {
    const origin = appOriginFor('http://localhost:5173/');
    expect(isTrustedSender(mainFrame('http://localhost:5173/index.html'), origin)).toBe(true);
    expect(isTrustedSender(mainFrame('http://localhost:5174/index.html'), origin)).toBe(false);
  });

  it('rejects a frame from another origin', () => {
    expect(isTrustedSender(mainFrame('https://evil.example/'), APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(mainFrame('app://other/index.html'), APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(mainFrame('file:///app/out/renderer/index.html'), APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(mainFrame('app://user:pw@hearth/'), APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(mainFrame('about:blank'), APP_ORIGIN)).toBe(false);
  });

  it('rejects a subframe, even one with our origin', () => {
    const top = mainFrame('app://hearth/index.html');
    expect(isTrustedSender({ url: 'app://hearth/index.html', parent: top }, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: top }, APP_ORIGIN)).toBe(false);
  });

  it('rejects a missing frame (navigated away or destroyed)', () => {
    expect(isTrustedSender(null, APP_ORIGIN)).toBe(false);
    expect(isTrustedSender(undefined, APP_ORIGIN)).toBe(false);
  });
});

describe('origins', () => {
  it('compares custom schemes, which WHATWG gives an opaque origin', () => {
    expect(new URL('app://hearth/x').origin).toBe('null');
    expect(originOf('app://hearth/x')).toBe('app://hearth');
    expect(originOf('not a url')).toBeNull();
  });

  it('refuses a dev server URL that is not http(s)', () => {
    expect(() => appOriginFor('file:///tmp/index.html')).toThrow();
    expect(appOriginFor(undefined)).toBe(APP_ORIGIN);
  });
});
