import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Electron's installer gives up quickly offline; this only bounds a slow download. */
const INSTALL_TIMEOUT_MS = 60_000;

/** The Electron binary's path, or null when its download never happened. */
export function findElectronBinary() {
  try {
    // The electron package exports the binary's path and throws when it was never installed.
    const resolved = require.resolve('electron');
    delete require.cache[resolved];
    const binary = require(resolved);
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/**
 * Runs Electron's own installer once (dependency install scripts are off in
 * this project). Resolves with null when it succeeded, or a short reason.
 */
export function tryInstallElectron(root) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return Promise.resolve('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return Promise.resolve('the electron package is not installed');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(`the download took longer than ${INSTALL_TIMEOUT_MS / 1000} s`);
      else resolve(code === 0 ? null : shortReason(stderr));
    });
  });
}

/** "RequestError: getaddrinfo ENOTFOUND github.com\n    at …" → "getaddrinfo ENOTFOUND github.com". */
export function shortReason(stderr) {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0 && !l.startsWith('at '));
  if (!line) return 'the installer failed';
  const message = line.replace(/^[A-Za-z]*Error:\s*/, '');
  return message.length > 120 ? `${message.slice(0, 117)}…` : message;
}
