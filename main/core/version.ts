/** Bumped with package.json; kept here so the core needs no file access to know it. */
export const CORE_VERSION = '0.1.0';
