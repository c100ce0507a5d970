import { fileURLToPath } from 'node:url';
import { HearthError } from '../../shared/api';
import { readHostEnvironment } from './environment';
import { startHost } from './host';

/**
 * `node out/main/host.js`: the browser host as a command. Prints exactly one
 * line, `Hearth UI: <url>`, and runs until SIGINT or SIGTERM.
 */
async function main(): Promise<void> {
  const env = readHostEnvironment(process.env);
  const host = await startHost({
    ...env,
    rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
    coreWorkerPath: fileURLToPath(new URL('./core-worker.js', import.meta.url)),
  });
  console.log(`Hearth UI: ${host.url}`);

  // `on`, not `once`: a second signal (npm start forwards one, the terminal sends another) must not kill a clean shutdown.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof HearthError ? error.message : HearthError.from(error).message;
  console.error(`Hearth could not start: ${message}`);
  process.exit(1);
});
