import { homedir } from 'node:os';
import path from 'node:path';

/** Its own folder, apart from the Electron app's "Hearth", so the two hosts never open one vault at once. */
const PROFILE_FOLDER = 'Hearth-browser';

/** Where the browser host keeps its profile when HEARTH_PROFILE_DIR is not set: the platform's config folder. */
export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PROFILE_FOLDER);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PROFILE_FOLDER);
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), PROFILE_FOLDER);
}
