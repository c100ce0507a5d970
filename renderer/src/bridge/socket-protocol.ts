/**
 * How the page reaches the browser host. Mirrors main/host/socket-protocol.ts
 * (the renderer may not import main/); test/unit/renderer/socket-bridge.test.ts
 * runs this side against the real host, so a drift fails a test.
 */
export const API_PATH = '/api';
export const SESSION_PATH = '/api/session';
export const API_SUBPROTOCOL = 'hearth.v1';
/** The token rides as a second offered subprotocol: browsers cannot set headers on a WebSocket. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'hearth.token.';
