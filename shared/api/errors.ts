import { z } from 'zod';

/**
 * Every failure that crosses a process or network boundary is one of these
 * kinds, so the UI can say something a person can act on instead of showing a
 * stack trace.
 */
export const errorKinds = [
  'unknown-method',
  'invalid-arguments',
  'invalid-result',
  'malformed-frame',
  'unauthorized',
  'locked',
  'not-found',
  'conflict',
  'unavailable',
  /** Sending is held: the contact's identity changed while verified; accept the change first. */
  'untrusted-identity',
  /** Unlocking found the recent history damaged (the key and the rest are fine): 'vault.salvage' opens what is intact. */
  'damaged',
  'internal',
] as const;

export const ErrorKind = z.enum(errorKinds);
export type ErrorKind = z.infer<typeof ErrorKind>;

export const SerializedError = z.object({
  kind: ErrorKind,
  message: z.string().max(2000),
});
export type SerializedError = z.infer<typeof SerializedError>;

export class HearthError extends Error {
  override readonly name = 'HearthError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }

  toJSON(): SerializedError {
    return { kind: this.kind, message: this.message };
  }

  static from(value: unknown): HearthError {
    if (value instanceof HearthError) return value;
    const parsed = SerializedError.safeParse(value);
    if (parsed.success) return new HearthError(parsed.data.kind, parsed.data.message);
    // Unknown failures keep their message out of the error: it may carry data
    // (a path, a SQL fragment) that is not ours to show or log.
    return new HearthError('internal', 'An unexpected error occurred inside Hearth.');
  }
}

export function isHearthError(value: unknown): value is HearthError {
  return value instanceof HearthError;
}
