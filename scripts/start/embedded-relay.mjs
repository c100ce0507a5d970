/**
 * The relay `npm start` runs beside the app, so a newcomer can chat at once.
 * Started only when HEARTH_RELAY_URL is unset and nothing listens on
 * 127.0.0.1:7443 yet (a relay you run yourself wins). Its data folder is kept
 * between runs, because accounts registered there must survive a restart.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HOST = '127.0.0.1';
const PORT = 7443;
const READY_TIMEOUT_MS = 30_000;

function relayDataDir() {
  if (process.env.HEARTH_RELAY_DATA_DIR) return process.env.HEARTH_RELAY_DATA_DIR;
  const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'hearth', 'relay');
}

function isListening(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts the relay if needed; resolves to a function that stops it (or does nothing). */
export async function ensureEmbeddedRelay() {
  const nothing = async () => {};
  if (process.env.HEARTH_RELAY_URL) return nothing;
  if (await isListening(HOST, PORT)) {
    console.log(`Using the relay already listening on ws://${HOST}:${PORT}.`);
    return nothing;
  }

  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hearth-relay.js'), '--host', HOST, '--port', String(PORT), '--data', relayDataDir()], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise((resolve) => {
    let buffered = '';
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.startsWith('Hearth relay listening on '));
      if (line) {
        clearTimeout(timer);
        console.log(line);
        resolve(true);
      }
    });
    child.once('exit', () => (clearTimeout(timer), resolve(false)));
  });
  if (!ready) {
    child.kill('SIGKILL');
    console.error(`The embedded relay did not start; set HEARTH_RELAY_URL to use another relay.`);
    return nothing;
  }
  child.stdout.resume();
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}
