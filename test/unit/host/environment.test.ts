import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { HearthError } from '../../../shared/api';
import { DEFAULT_RELAY_URL, readHostEnvironment } from '../../../main/host/environment';
import { defaultProfileDir } from '../../../main/host/profile-dir';
import { accessTokenMatches, createAccessToken } from '../../../main/host/access-token';

describe('readHostEnvironment', () => {
  it('leaves the port to the host when HEARTH_PORT is unset or empty, and takes it literally otherwise', () => {
    expect(readHostEnvironment({}).port).toBeUndefined();
    expect(readHostEnvironment({ HEARTH_PORT: '' }).port).toBeUndefined();
    expect(readHostEnvironment({ HEARTH_PORT: '0' }).port).toBe(0);
    expect(readHostEnvironment({ HEARTH_PORT: '7610' }).port).toBe(7610);
    expect(readHostEnvironment({ HEARTH_PORT: '65535' }).port).toBe(65535);
  });

  it.each(['http', '-1', '65536', '80.5', '0x1f', ' 80', '1e3'])('refuses HEARTH_PORT=%j with a typed error', (value) => {
    expect(() => readHostEnvironment({ HEARTH_PORT: value })).toThrow(HearthError);
  });

  it('uses HEARTH_PROFILE_DIR as an absolute path, or the platform default', () => {
    expect(readHostEnvironment({ HEARTH_PROFILE_DIR: 'relative/dir' }).profileDir).toBe(path.resolve('relative/dir'));
    expect(readHostEnvironment({ HEARTH_PROFILE_DIR: '/tmp/p' }).profileDir).toBe('/tmp/p');
    expect(readHostEnvironment({}).profileDir).toBe(defaultProfileDir({}));
  });

  it('defaults the relay to the embedded one and accepts only ws:// and wss:// addresses', () => {
    expect(readHostEnvironment({}).defaultRelayUrl).toBe(DEFAULT_RELAY_URL);
    expect(readHostEnvironment({ HEARTH_RELAY_URL: 'wss://relay.example:443' }).defaultRelayUrl).toBe('wss://relay.example:443');
    expect(() => readHostEnvironment({ HEARTH_RELAY_URL: 'http://relay.example' })).toThrow(HearthError);
    expect(() => readHostEnvironment({ HEARTH_RELAY_URL: 'not a url' })).toThrow(HearthError);
  });
});

describe('defaultProfileDir', () => {
  it('follows XDG_CONFIG_HOME on Linux, and ~/.config without it or when it is relative', () => {
    expect(defaultProfileDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ada')).toBe('/xdg/Hearth-browser');
    expect(defaultProfileDir({}, 'linux', '/home/ada')).toBe('/home/ada/.config/Hearth-browser');
    expect(defaultProfileDir({ XDG_CONFIG_HOME: 'xdg' }, 'linux', '/home/ada')).toBe('/home/ada/.config/Hearth-browser');
  });

  it('uses Application Support on macOS and APPDATA on Windows', () => {
    expect(defaultProfileDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Hearth-browser');
    expect(defaultProfileDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toContain('Hearth-browser');
  });
});

describe('access tokens', () => {
  it('are 32 random bytes, different every time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => createAccessToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('match only themselves', () => {
    const token = createAccessToken();
    expect(accessTokenMatches(token, token)).toBe(true);
    expect(accessTokenMatches(token, undefined)).toBe(false);
    expect(accessTokenMatches(token, '')).toBe(false);
    expect(accessTokenMatches(token, token.slice(1))).toBe(false);
    expect(accessTokenMatches(token, `${token} `)).toBe(false);
    expect(accessTokenMatches(token, createAccessToken())).toBe(false);
  });
});
