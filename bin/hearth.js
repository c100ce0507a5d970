#!/usr/bin/env node
// The `hearth` command-line client: runs main/cli/main.ts through tsx, so the package needs no build step for it.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
