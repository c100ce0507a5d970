#!/usr/bin/env node
// The `hearth` command-line client: runs main/cli/main.ts through tsx, so the package needs no build step for it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { CLI_NODE_FLAGS } from './cli-node-flags.js';

if (CLI_NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  register();
  await import('../main/cli/main.ts');
} else {
  const child = spawnSync(process.execPath, [...CLI_NODE_FLAGS, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (child.error) throw child.error;
  process.exitCode = child.status ?? 1;
}
