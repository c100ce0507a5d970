// Worker threads do not inherit a TypeScript loader everywhere the relay runs
// (vitest, plain node), so the mailbox writer's worker registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./commit-worker.ts');
