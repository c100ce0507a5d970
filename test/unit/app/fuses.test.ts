import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { Arch } from 'electron-builder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import afterPack from '../../../build/after-pack.mjs';
import { HEARTH_FUSES } from '../../../build/fuses.mjs';

/*
 * The fuse configuration, and the afterPack hook applying it to a stand-in
 * Electron binary: a file with the fuse sentinel and a wire laid out as
 * Electron's is (version, length, one ASCII '0'/'1' per fuse). @electron/fuses
 * reads and writes it exactly as it does the real executable.
 */

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's shipped defaults for the eight V1 fuses, in wire order. */
const ELECTRON_DEFAULTS = '10011001';
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

function fakeElectron(path: string, wire = ELECTRON_DEFAULTS): void {
  writeFileSync(path, Buffer.concat([Buffer.from('ELF…code…'), Buffer.from(SENTINEL), Buffer.from([1, wire.length]), Buffer.from(wire), Buffer.from('…more code')]));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-fuses-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('HEARTH_FUSES', () => {
  it('turns off every way to run other code in the app, and on the integrity checks', () => {
    expect(HEARTH_FUSES).toMatchObject({
      version: FuseVersion.V1,
      strictlyRequireAllFuses: true,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });

  it('decides every fuse @electron/fuses knows', () => {
    const known = Object.values(FuseV1Options).filter((value): value is number => typeof value === 'number');
    for (const fuse of known) expect(typeof (HEARTH_FUSES as Record<number, unknown>)[fuse], FuseV1Options[fuse]).toBe('boolean');
  });

  it('writes the intended wire into an Electron binary', async () => {
    const binary = join(dir, 'electron');
    fakeElectron(binary);
    await flipFuses(binary, HEARTH_FUSES);
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
    expect(readFileSync(binary).includes(Buffer.from('…more code'))).toBe(true);
  });

  it('fails the build when Electron grows a fuse nobody decided on', async () => {
    const binary = join(dir, 'electron');
    fakeElectron(binary, `${ELECTRON_DEFAULTS}1`);
    await expect(flipFuses(binary, HEARTH_FUSES)).rejects.toThrow(/strictlyRequireAllFuses/);
  });
});

describe('build/after-pack.mjs', () => {
  /** electron-builder's packager, reduced to what the hook calls; it finds the executable as electron-builder's Linux packager does. */
  const packager = { addElectronFuses: (context: { appOutDir: string }, fuses: Parameters<typeof flipFuses>[1]) => flipFuses(join(context.appOutDir, 'hearth'), fuses) };

  it('flips the fuses in the packed app', async () => {
    fakeElectron(join(dir, 'hearth'));
    await afterPack({ appOutDir: dir, electronPlatformName: 'linux', arch: Arch.x64, packager: packager as never });
    const wire = await getCurrentFuseWire(join(dir, 'hearth'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
  });

  it('asks for an ad-hoc re-signature only for Apple Silicon', async () => {
    const seen: unknown[] = [];
    const recording = { addElectronFuses: async (_context: unknown, fuses: { resetAdHocDarwinSignature?: boolean }) => void seen.push(fuses.resetAdHocDarwinSignature) };
    for (const [platform, arch] of [['darwin', Arch.arm64], ['darwin', Arch.x64], ['linux', Arch.arm64]] as const) {
      await afterPack({ appOutDir: dir, electronPlatformName: platform, arch, packager: recording as never });
    }
    expect(seen).toEqual([true, false, false]);
  });
});
