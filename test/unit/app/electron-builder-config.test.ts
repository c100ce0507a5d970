import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * electron-builder.yml, loaded and schema-checked by electron-builder's own
 * code (the step `electron-builder` runs first), so a misspelt option fails
 * here instead of on a release machine. Packaging itself needs the Electron
 * binary, which test machines do not have.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const builderConfig = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<Configuration>;
  validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

let config: Configuration;
beforeAll(async () => {
  config = await builderConfig.getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
});

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema', async () => {
    await expect(builderConfig.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is the only packaging config (no "build" field in package.json)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).not.toHaveProperty('build');
  });

  it('names the app and registers hearth:// links', () => {
    expect(config.appId).toBe('org.hearth.desktop');
    expect(config.productName).toBe('Hearth');
    expect(config.protocols).toEqual([{ name: 'Hearth link', schemes: ['hearth'] }]);
    expect(config.publish).toBeNull();
  });

  it('packs only the build output, in an asar, with native code unpacked', () => {
    expect(config.asar).toBe(true);
    // electron-builder normalizes `files` into file sets; the patterns are their filters.
    const patterns = [config.files ?? []].flat().flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry.filter ?? []].flat()));
    expect(patterns).toEqual(expect.arrayContaining(['out/**', 'package.json', '!node_modules/better-sqlite3{,/**}']));
    expect(patterns.filter((pattern) => !pattern.startsWith('!') && !pattern.startsWith('out/'))).toEqual(['package.json']);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/@signalapp/libsignal-client/prebuilds/**', '**/*.node']));
    expect(config.npmRebuild).toBe(false);
  });

  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Network;InstantMessaging');
    expect(config.linux?.maintainer).toMatch(/.+ <.+@.+>/);
    expect(config.mac?.target).toBe('dmg');
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.win?.target).toBe('nsis');
  });

  it('points at hook, icon and entitlement files that exist', () => {
    for (const file of [config.afterPack, config.linux?.icon, config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      expect(typeof file).toBe('string');
      expect(existsSync(resolve(ROOT, file as string)), String(file)).toBe(true);
    }
  });
});
