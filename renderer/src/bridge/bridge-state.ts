/**
 * Where the page's link to the core stands (not the core's link to the relay:
 * that is the contract's ConnectionState). The Electron preload is always `open`.
 */
export type BridgeState =
  | { readonly status: 'connecting' }
  | { readonly status: 'open' }
  | { readonly status: 'reconnecting'; readonly attempt: number }
  /** The host refused us; retrying cannot help until the user opens a fresh link. */
  | { readonly status: 'unauthorized'; readonly reason: 'missing-token' | 'wrong-token' }
  | { readonly status: 'closed' };

/** A link state the UI can watch. */
export interface BridgeStateSource {
  getState(): BridgeState;
  onDidChangeState(listener: (state: BridgeState) => void): () => void;
}

export const alwaysOpen: BridgeStateSource = {
  getState: () => ({ status: 'open' }),
  onDidChangeState: () => () => undefined,
};
