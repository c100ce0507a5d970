import { parentPort, workerData } from 'node:worker_threads';
import { CallFrame, type EventFrame, type ResultFrame } from '../../shared/api';
import { answerCall } from '../../shared/api/dispatcher';
import { createCore } from './core';
import { KeychainProxy } from './keychain-proxy';
import { CoreWorkerData } from './worker-protocol';

/**
 * Entry point of the core's worker thread. The shell (main/app or main/host)
 * starts it with CoreWorkerData and talks to it in contract frames, so the
 * window never waits on crypto or disk.
 */
const port = parentPort;
if (!port) throw new Error('main/core/worker.ts must run in a worker thread.');

const data = CoreWorkerData.parse(workerData);
const keychain = data.keychainAvailable && data.keychainBackend ? new KeychainProxy(port, data.keychainBackend) : undefined;
const core = createCore({ ...data, keyProtector: keychain });

core.onEvent((event, payload) => {
  const frame: EventFrame = { type: 'event', event, payload };
  port.postMessage(frame);
});

port.on('message', (message: unknown) => {
  if (keychain?.handleMessage(message)) return;
  const parsed = CallFrame.safeParse(message);
  if (!parsed.success) {
    // The shell is our own code; a malformed frame is a bug, so say so loudly without echoing it.
    console.error('[core] dropped a malformed frame from the shell');
    return;
  }
  const { id, method, args } = parsed.data;
  void answerCall(core.handlers, id, method, args).then((frame: ResultFrame) => port.postMessage(frame));
});

port.on('close', () => void core.close());
port.postMessage({ type: 'ready' });
