/** Where the page stands with the core. The Electron preload is always `open`. */
export type ConnectionState =
  | { readonly status: 'connecting' }
  | { readonly status: 'open' }
  | { readonly status: 'reconnecting'; readonly attempt: number }
  /** The host refused us; retrying cannot help until the user opens a fresh link. */
  | { readonly status: 'unauthorized'; readonly reason: 'missing-token' | 'wrong-token' }
  | { readonly status: 'closed' };

/** A connection the UI can watch. */
export interface ConnectionSource {
  getState(): ConnectionState;
  onDidChangeState(listener: (state: ConnectionState) => void): () => void;
}

export const alwaysOpen: ConnectionSource = {
  getState: () => ({ status: 'open' }),
  onDidChangeState: () => () => undefined,
};
