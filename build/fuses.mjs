// @ts-check
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * The Electron fuses flipped in the packaged binary (build/after-pack.mjs).
 * Fuses are compile-time switches baked into the executable: once off, no
 * environment variable or command-line flag can turn a feature back on.
 * See https://www.electronjs.org/docs/latest/tutorial/fuses.
 * Every fuse is set explicitly (strictlyRequireAllFuses), so a new fuse in an
 * Electron upgrade fails the build until someone decides on it.
 */
export const HEARTH_FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node interpreter for any script.
  [FuseV1Options.RunAsNode]: false,
  // Chromium's cookie store is encrypted with the OS keychain (we keep no cookies, but nothing lands in plaintext).
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS (e.g. --require evil.js) and NODE_EXTRA_CA_CERTS would be honoured by the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and SIGUSR1 would attach a debugger to the main process, which holds the keys.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash recorded at build time (macOS and Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only app.asar is loaded: no side-loaded app/ folder next to it can replace our code.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The renderer is served from app://, so file:// needs no extra powers.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};
