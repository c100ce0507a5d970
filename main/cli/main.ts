import { runCli } from './commands';

/**
 * `hearth` (bin/hearth.js) and `npm run cli -- ...`: the command-line client
 * for testers and scripts, on the same core as the app.
 */
const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  env: process.env,
});
// Flush stdout before leaving; sockets or timers left by a failure must not keep the process alive.
process.stdout.write('', () => process.exit(code));
