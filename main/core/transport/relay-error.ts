import { ErrorCode } from '../../../shared/proto/gen/hearth/v1/relay_pb';

/**
 * Every way a relay request can fail, as a kind the rest of the core can act
 * on: one per relay ErrorCode, plus the transport's own ('disconnected',
 * 'timeout'). `retryable` says whether the same request may succeed later.
 */
export const relayErrorKinds = [
  'bad-frame',
  'invalid-argument',
  'unauthenticated',
  'already-authenticated',
  'username-taken',
  'invalid-username',
  'not-found',
  'device-exists',
  'too-many-devices',
  'rate-limited',
  'queue-full',
  'too-large',
  'batch-too-large',
  'too-many-connections',
  'invalid-signature',
  'unavailable',
  'internal',
  /** No connection to the relay (never made, or lost before the answer came). */
  'disconnected',
  /** The relay did not answer in time. */
  'timeout',
] as const;
export type RelayErrorKind = (typeof relayErrorKinds)[number];

const byCode: Record<ErrorCode, RelayErrorKind> = {
  [ErrorCode.NONE]: 'internal',
  [ErrorCode.BAD_FRAME]: 'bad-frame',
  [ErrorCode.INVALID_ARGUMENT]: 'invalid-argument',
  [ErrorCode.UNAUTHENTICATED]: 'unauthenticated',
  [ErrorCode.ALREADY_AUTHENTICATED]: 'already-authenticated',
  [ErrorCode.USERNAME_TAKEN]: 'username-taken',
  [ErrorCode.INVALID_USERNAME]: 'invalid-username',
  [ErrorCode.NOT_FOUND]: 'not-found',
  [ErrorCode.DEVICE_EXISTS]: 'device-exists',
  [ErrorCode.TOO_MANY_DEVICES]: 'too-many-devices',
  [ErrorCode.RATE_LIMITED]: 'rate-limited',
  [ErrorCode.QUEUE_FULL]: 'queue-full',
  [ErrorCode.TOO_LARGE]: 'too-large',
  [ErrorCode.BATCH_TOO_LARGE]: 'batch-too-large',
  [ErrorCode.TOO_MANY_CONNECTIONS]: 'too-many-connections',
  [ErrorCode.INVALID_SIGNATURE]: 'invalid-signature',
  [ErrorCode.UNAVAILABLE]: 'unavailable',
  [ErrorCode.INTERNAL]: 'internal',
};

const messages: Record<RelayErrorKind, string> = {
  'bad-frame': 'The relay could not read a request from this client.',
  'invalid-argument': 'The relay refused a malformed request.',
  unauthenticated: 'The relay did not accept this device’s credentials.',
  'already-authenticated': 'This connection is already signed in.',
  'username-taken': 'That username is already taken on this relay.',
  'invalid-username': 'Usernames are 3–32 characters of a-z, 0-9, dot and underscore.',
  'not-found': 'No such account or device on the relay.',
  'device-exists': 'That device id is already in use on this account.',
  'too-many-devices': 'This account has as many devices as the relay allows.',
  'rate-limited': 'The relay asked to slow down; retrying shortly.',
  'queue-full': 'The recipient’s queue on the relay is full; retrying later.',
  'too-large': 'The message is larger than the relay accepts.',
  'batch-too-large': 'Too many envelopes in one request.',
  'too-many-connections': 'This account has too many open connections to the relay.',
  'invalid-signature': 'The relay refused a prekey whose signature does not verify.',
  unavailable: 'The relay is unavailable right now.',
  internal: 'The relay failed to handle a request.',
  disconnected: 'Not connected to the relay.',
  timeout: 'The relay did not answer in time.',
};

const retryableKinds = new Set<RelayErrorKind>(['rate-limited', 'queue-full', 'too-many-connections', 'unavailable', 'internal', 'disconnected', 'timeout']);

export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly kind: RelayErrorKind,
    message: string = messages[kind],
    /** For 'rate-limited' and 'queue-full': when a retry may succeed (0 = unknown). */
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return retryableKinds.has(this.kind);
  }

  /** The relay's `Error.message` is for logs; a person gets our own words for the code. */
  static fromCode(code: ErrorCode, retryAfterMs = 0): RelayError {
    const kind = byCode[code] ?? 'internal';
    return new RelayError(kind, messages[kind], retryAfterMs);
  }
}

export function isRelayError(value: unknown, kind?: RelayErrorKind): value is RelayError {
  return value instanceof RelayError && (kind === undefined || value.kind === kind);
}

export function relayErrorKindOf(code: ErrorCode): RelayErrorKind {
  return byCode[code] ?? 'internal';
}
