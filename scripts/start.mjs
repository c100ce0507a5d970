#!/usr/bin/env node
/**
 * `npm start`. With Electron's binary installed: `electron-vite dev` (the
 * desktop app, with hot reload). Without it (some machines cannot download
 * it): one try of Electron's own installer, then one sentence saying why, a
 * quiet build, and the browser host, which prints the `Hearth UI: <url>` line.
 * HEARTH_HOST=browser picks the browser host even where Electron is installed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureEmbeddedRelay } from './start/embedded-relay.mjs';
import { findElectronBinary, tryInstallElectron } from './start/electron-binary.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const ELECTRON_VITE = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');

/** The one child running right now, so signals reach it. */
let current = null;
/** Set by SIGINT/SIGTERM: finish what runs, start nothing new. */
let stopping = false;

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    if (current && current.exitCode === null) current.kill(signal);
    else process.exit(130);
  });
}

function run(args, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: process.env });
    current = child;
    let output = '';
    if (quiet) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

async function main() {
  const forceBrowser = process.env.HEARTH_HOST === 'browser';
  let electron = forceBrowser ? null : findElectronBinary();
  let reason = forceBrowser ? 'HEARTH_HOST=browser is set, so Hearth starts in your browser.' : null;
  if (!forceBrowser && !electron) {
    const failure = await tryInstallElectron(ROOT);
    if (stopping) return 130;
    electron = findElectronBinary();
    if (!electron) reason = `Electron's binary is not installed and could not be downloaded (${failure ?? 'the installer did not fetch it'}), so Hearth starts in your browser instead.`;
  }

  const stopRelay = await ensureEmbeddedRelay();
  try {
    if (electron) return (await run([ELECTRON_VITE, 'dev'])).code;

    console.log(reason);
    const build = await run([ELECTRON_VITE, 'build'], { quiet: true });
    if (stopping) return 130;
    if (build.code !== 0) {
      process.stderr.write(build.output);
      console.error('Hearth could not be built (see above).');
      return build.code;
    }
    return (await run([path.join(ROOT, 'out', 'main', 'host.js')])).code;
  } finally {
    await stopRelay();
  }
}

process.exitCode = await main();
