#!/usr/bin/env node
// The `hearth-relay` command: runs relay/main.ts through tsx, so the package needs no build step for the relay.
import { register } from 'tsx/esm/api';

register();
await import('../relay/main.ts');
