import path from 'node:path';
import { HearthError } from '../../shared/api';
import { defaultProfileDir } from './profile-dir';

/** Where the embedded relay listens when nothing else is configured (see scripts/start.mjs). */
export const DEFAULT_RELAY_URL = 'ws://127.0.0.1:7443';

export interface HostEnvironment {
  port: number | undefined;
  profileDir: string;
  defaultRelayUrl: string;
}

/** HEARTH_PORT, HEARTH_PROFILE_DIR and HEARTH_RELAY_URL, checked, with their defaults. */
export function readHostEnvironment(env: NodeJS.ProcessEnv): HostEnvironment {
  return {
    port: parsePort(env.HEARTH_PORT),
    profileDir: env.HEARTH_PROFILE_DIR ? path.resolve(env.HEARTH_PROFILE_DIR) : defaultProfileDir(env),
    defaultRelayUrl: parseRelayUrl(env.HEARTH_RELAY_URL ?? DEFAULT_RELAY_URL),
  };
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new HearthError('invalid-arguments', `HEARTH_PORT must be a port number from 0 to 65535, not "${value.slice(0, 20)}".`);
  return port;
}

function parseRelayUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) throw new HearthError('invalid-arguments', 'HEARTH_RELAY_URL must be a ws:// or wss:// address.');
  return value;
}
