import type { ServerResponse } from 'node:http';
import { ErrorCode } from '../../shared/proto/gen/hearth/v1/relay_pb';

/** HTTP status for each wire error code the HTTP API can return. */
const statusOf: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.BAD_FRAME]: 400,
  [ErrorCode.INVALID_ARGUMENT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL]: 500,
};

/**
 * An HTTP error as JSON, `{"error": "TOO_LARGE", "message": "..."}`, with the
 * same code names as the WebSocket protocol.
 */
export function respondError(res: ServerResponse, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  const body = JSON.stringify({ error: ErrorCode[code], message });
  res.writeHead(statusOf[code] ?? 500, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(body);
}
