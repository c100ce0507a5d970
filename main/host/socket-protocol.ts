/**
 * How the renderer reaches the host. Mirrored in
 * renderer/src/bridge/socket-protocol.ts (the renderer may not import main/);
 * test/unit/renderer/socket-bridge.test.ts runs one against the other.
 */

/** The contract's WebSocket endpoint. */
export const API_PATH = '/api';
/** Answers 204 for a valid token and 401 otherwise, so a page can tell "wrong token" from "host down". */
export const SESSION_PATH = '/api/session';
/** The subprotocol the host speaks: JSON contract frames. */
export const API_SUBPROTOCOL = 'hearth.v1';
/**
 * Browsers cannot set headers on a WebSocket, so the token travels as a
 * second offered subprotocol (never in a URL, so never in a log). The host
 * only ever selects API_SUBPROTOCOL, so the token is not echoed back.
 */
export const TOKEN_SUBPROTOCOL_PREFIX = 'hearth.token.';
/** Result frames that answer no particular call (input too broken to find its id) carry this id; clients count from 1. */
export const UNSOLICITED_ID = 0;
