import type { FuseV1Config } from '@electron/fuses';

/** Types for build/fuses.mjs, so TypeScript tests can import it. */
export declare const HEARTH_FUSES: FuseV1Config<boolean>;
