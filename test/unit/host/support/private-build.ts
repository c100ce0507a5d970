import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

export interface PrivateBuild {
  dir: string;
  rendererDir: string;
  coreWorkerPath: string;
  hostScript: string;
  remove(): Promise<void>;
}

/**
 * Builds the app (electron-vite build) into a directory of its own, so these
 * tests never race another build of out/ in the same tree. It lives under
 * node_modules/.cache because the built main bundles import their
 * dependencies by bare name and must find node_modules above them.
 */
export async function buildPrivately(): Promise<PrivateBuild> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'hearth-test-builds');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, 'build-'));
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', dir, '--logLevel', 'error'], { cwd: ROOT, timeout: 120_000 });
  return {
    dir,
    rendererDir: path.join(dir, 'renderer'),
    coreWorkerPath: path.join(dir, 'main', 'core-worker.js'),
    hostScript: path.join(dir, 'main', 'host.js'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
