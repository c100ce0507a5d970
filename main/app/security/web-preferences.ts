import type { WebPreferences } from 'electron';

/**
 * Whether spellchecking may run: Chromium's Hunspell dictionaries are
 * downloaded from Google's CDN on Windows and Linux, which would tell a third
 * party that Hearth is running. macOS uses the system spellchecker, which
 * stays on the machine.
 */
export function spellcheckAllowed(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

/**
 * The main window's webPreferences, per Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security). Every value is
 * spelled out, even where it equals Electron's default, so a future default
 * change or a careless edit shows up in review and in the unit test.
 */
export function createWebPreferences(options: { preloadPath: string; platform: NodeJS.Platform }): WebPreferences {
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: spellcheckAllowed(options.platform),
  };
}
