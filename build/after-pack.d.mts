import type { AfterPackContext } from 'app-builder-lib';

/** Types for build/after-pack.mjs, so TypeScript tests can import it. */
export default function afterPack(context: Pick<AfterPackContext, 'appOutDir' | 'electronPlatformName' | 'arch'> & { packager: Pick<AfterPackContext['packager'], 'addElectronFuses'> }): Promise<void>;
