import { isAbsolute, resolve } from 'node:path';

/**
 * The profile folder: HEARTH_PROFILE_DIR when set (tests, several profiles
 * side by side), else Electron's userData folder. Set it before
 * requestSingleInstanceLock(), whose lock lives in userData: two profiles may
 * run at once, one profile only once.
 */
export function resolveProfileDir(env: NodeJS.ProcessEnv, defaultDir: string): string {
  const fromEnv = env.HEARTH_PROFILE_DIR;
  if (fromEnv === undefined || fromEnv.trim() === '') return defaultDir;
  return isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
}
