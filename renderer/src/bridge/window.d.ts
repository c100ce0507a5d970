export {};

declare global {
  interface Window {
    /** The Electron preload's HearthBridge; absent in a plain browser tab, so checked at run time before use. */
    readonly hearth?: unknown;
  }
}
