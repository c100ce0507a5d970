// @ts-check
import { Arch } from 'electron-builder';
import { HEARTH_FUSES } from './fuses.mjs';

/**
 * electron-builder afterPack hook: flips the fuses in the packaged Electron
 * binary. It runs before signing, as it must: flipping changes the binary.
 * electron-builder's own packager knows where the executable is for each
 * platform, so we hand it our config rather than guessing the path.
 *
 * @param {import('app-builder-lib').AfterPackContext} context
 */
export default async function afterPack(context) {
  // Apple Silicon refuses to run a binary whose ad-hoc signature no longer matches.
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && context.arch === Arch.arm64;
  await context.packager.addElectronFuses(context, { ...HEARTH_FUSES, resetAdHocDarwinSignature });
}
