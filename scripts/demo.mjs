#!/usr/bin/env node
/**
 * `npm run demo [-- --fresh]`: a local relay and two Hearth instances, "alice"
 * and "bob", each with its own profile, so a newcomer can chat with
 * themselves at once. Electron windows where its binary is installed, the
 * browser host otherwise (HEARTH_HOST=browser forces it); either way it
 * prints how to open each one. Ctrl+C stops everything.
 *
 * The relay keeps its accounts in the demo folder beside the profiles, on a
 * fixed port, so a second run finds both profiles as they were. `--fresh`
 * starts over. Folder: HEARTH_DEMO_DIR, else <tmp>/hearth-demo.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { findElectronBinary } from './start/electron-binary.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const DEMO_DIR = path.resolve(process.env.HEARTH_DEMO_DIR ?? path.join(tmpdir(), 'hearth-demo'));
const RELAY_PORT = Number(process.env.HEARTH_DEMO_RELAY_PORT ?? 7543);
const RELAY_URL = `ws://127.0.0.1:${RELAY_PORT}`;
const PEOPLE = ['alice', 'bob'];

const children = [];
let stopping = false;

function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children.reverse()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
  Promise.all(children.map((child) => (child.exitCode !== null || child.signalCode !== null ? null : new Promise((resolve) => child.once('exit', resolve))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

/** Starts a child and resolves with the first stdout line matching `ready` (its match), failing if it exits first. */
function start(name, args, env, ready) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr.on('data', (chunk) => process.stderr.write(`[${name}] ${chunk}`));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = ready?.exec(line);
      if (match) resolve(match);
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${name} stopped (exit ${code}).`);
        reject(new Error(`${name} exited`));
      }
    });
    if (!ready) resolve(null);
  });
}

function build() {
  return new Promise((resolve, reject) => {
    console.log('Building Hearth once (out/ is missing)…');
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error('The build failed.'))));
  });
}

async function main() {
  if (process.argv.includes('--fresh')) rmSync(DEMO_DIR, { recursive: true, force: true });
  mkdirSync(DEMO_DIR, { recursive: true });
  const electron = process.env.HEARTH_HOST === 'browser' ? null : findElectronBinary();
  if (!existsSync(path.join(ROOT, 'out', 'main', 'host.js')) || !existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) await build();

  await start('relay', ['--import', 'tsx', path.join(ROOT, 'relay', 'main.ts'), '--port', String(RELAY_PORT), '--data', path.join(DEMO_DIR, 'relay'), '--log-level', 'warn'], {}, /^Hearth relay listening on /);
  console.log(`Relay: ${RELAY_URL} (data in ${path.join(DEMO_DIR, 'relay')})`);

  for (const person of PEOPLE) {
    const env = { HEARTH_PROFILE_DIR: path.join(DEMO_DIR, person), HEARTH_RELAY_URL: RELAY_URL };
    if (electron) {
      // The built renderer (app://), never a dev server a stray ELECTRON_RENDERER_URL would point at.
      const electronEnv = { ...process.env, ...env };
      delete electronEnv.ELECTRON_RENDERER_URL;
      const child = spawn(electron, [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT], { cwd: ROOT, env: electronEnv, stdio: 'ignore' });
      children.push(child);
      console.log(`${person}: a Hearth window (Electron), profile ${env.HEARTH_PROFILE_DIR}`);
    } else {
      const [, url] = await start(person, [path.join(ROOT, 'out', 'main', 'host.js')], { ...env, HEARTH_PORT: '0' }, /^Hearth UI: (\S+)$/);
      console.log(`${person}: open ${url}`);
    }
  }
  console.log('');
  console.log(electron ? 'Two windows opened.' : 'Open each link in its own browser tab.');
  console.log(`On first run, pick the usernames ${PEOPLE.join(' and ')}; then in one of them press Ctrl+N and type the other's name. Ctrl+C here stops everything.`);
}

main().catch((error) => {
  console.error(`The demo could not start: ${error.message}`);
  stopAll(1);
});
