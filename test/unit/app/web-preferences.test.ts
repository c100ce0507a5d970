import { describe, expect, it } from 'vitest';
import { createWebPreferences } from '../../../main/app/security/web-preferences';

describe('createWebPreferences', () => {
  const preferences = createWebPreferences({ preloadPath: '/app/out/preload/index.cjs', platform: 'linux' });

  it('isolates and sandboxes the renderer and gives it no Node.js', () => {
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and experimental surface off', () => {
    expect(preferences).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(preferences).not.toHaveProperty('enableBlinkFeatures');
    expect(preferences).not.toHaveProperty('additionalArguments');
  });

  it('loads the given preload', () => {
    expect(preferences.preload).toBe('/app/out/preload/index.cjs');
  });

  it('spellchecks only where the dictionary stays on the machine', () => {
    expect(createWebPreferences({ preloadPath: 'p', platform: 'darwin' }).spellcheck).toBe(true);
    expect(createWebPreferences({ preloadPath: 'p', platform: 'linux' }).spellcheck).toBe(false);
    expect(createWebPreferences({ preloadPath: 'p', platform: 'win32' }).spellcheck).toBe(false);
  });
});
