import { ErrorCode } from '../shared/proto/gen/hearth/v1/relay_pb';

/**
 * A failure the client is told about: a wire error code plus a message for
 * developers. Anything else thrown inside a handler becomes INTERNAL with a
 * fixed message, so no internal detail leaks to a client.
 */
export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

export function errorCodeName(code: ErrorCode): string {
  return ErrorCode[code] ?? 'UNKNOWN';
}

export const fail = {
  badFrame: (why: string) => new RelayError(ErrorCode.BAD_FRAME, why),
  invalid: (why: string) => new RelayError(ErrorCode.INVALID_ARGUMENT, why),
  unauthenticated: (why = 'This request needs an authenticated connection.') => new RelayError(ErrorCode.UNAUTHENTICATED, why),
  notFound: (what: string) => new RelayError(ErrorCode.NOT_FOUND, `${what} was not found.`),
  rateLimited: (retryAfterMs: number) => new RelayError(ErrorCode.RATE_LIMITED, 'Too many requests; slow down.', retryAfterMs),
  tooLarge: (why: string) => new RelayError(ErrorCode.TOO_LARGE, why),
  unavailable: (why = 'The relay is shutting down; reconnect.') => new RelayError(ErrorCode.UNAVAILABLE, why),
};
