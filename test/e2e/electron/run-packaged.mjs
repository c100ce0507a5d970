// @ts-check
/**
 * `npm run test:packaged -- PATH_TO_APP_BINARY`: runs the Electron end-to-end
 * suite against a packaged Hearth (e.g. release/linux-unpacked/hearth, or
 * Hearth.app/Contents/MacOS/Hearth) instead of the development build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const [binary, ...rest] = process.argv.slice(2);
if (!binary || !existsSync(binary)) {
  console.error('Usage: npm run test:packaged -- PATH_TO_APP_BINARY [playwright options]');
  process.exit(2);
}

const result = spawnSync('npx', ['playwright', 'test', '--project', 'electron', ...rest], {
  cwd: resolve(import.meta.dirname, '../../..'),
  stdio: 'inherit',
  env: { ...process.env, HEARTH_APP_BINARY: resolve(binary) },
  shell: process.platform === 'win32',
});
process.exit(result.status ?? 1);
