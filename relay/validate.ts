import { KEMPublicKey, PublicKey } from '@signalapp/libsignal-client';
import { ErrorCode } from '../shared/proto/gen/hearth/v1/relay_pb';
import { RelayError, fail } from './errors';

/**
 * Checks on request fields that protobuf decoding cannot make: lengths,
 * ranges, formats, key encodings. Each throws a RelayError naming the field.
 */

const USERNAME = /^[a-z0-9._]{3,32}$/;
const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** libsignal's device ids. */
export const MAX_DEVICE_ID = 127;
/** libsignal's registration ids are 14 bits, and never 0. */
export const MAX_REGISTRATION_ID = 16380;
export const ENVELOPE_ID_BYTES = 16;
export const SUBMISSION_ID_BYTES = 16;
const SECRET_MIN = 16;
const SECRET_MAX = 64;

export function checkUsername(username: string): string {
  if (!USERNAME.test(username)) {
    throw new RelayError(ErrorCode.INVALID_USERNAME, 'A username is 3–32 characters of a-z, 0-9, "." and "_".');
  }
  return username;
}

export function isUsername(value: string): boolean {
  return USERNAME.test(value);
}

export function checkAccountId(accountId: string): string {
  if (!ACCOUNT_ID.test(accountId)) throw fail.invalid('account_id must be a lowercase UUID.');
  return accountId;
}

export function checkDeviceId(deviceId: number, field = 'device_id'): number {
  if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > MAX_DEVICE_ID) throw fail.invalid(`${field} must be 1–${MAX_DEVICE_ID}.`);
  return deviceId;
}

export function checkRegistrationId(registrationId: number): number {
  if (registrationId < 1 || registrationId > MAX_REGISTRATION_ID) throw fail.invalid(`registration_id must be 1–${MAX_REGISTRATION_ID}.`);
  return registrationId;
}

export function checkSecret(secret: Uint8Array): Uint8Array {
  if (secret.length < SECRET_MIN || secret.length > SECRET_MAX) throw fail.invalid(`auth_secret must be ${SECRET_MIN}–${SECRET_MAX} bytes.`);
  return secret;
}

export function checkBytes(value: Uint8Array, length: number, field: string): Uint8Array {
  if (value.length !== length) throw fail.invalid(`${field} must be ${length} bytes.`);
  return value;
}

/** Parses a serialized libsignal EC public key, refusing anything libsignal refuses. */
export function parsePublicKey(bytes: Uint8Array, field: string): PublicKey {
  try {
    if (bytes.length !== 33) throw new Error('length');
    return PublicKey.deserialize(Uint8Array.from(bytes));
  } catch {
    throw fail.invalid(`${field} is not a serialized public key.`);
  }
}

export function checkKemPublicKey(bytes: Uint8Array, field: string): void {
  try {
    KEMPublicKey.deserialize(Uint8Array.from(bytes));
  } catch {
    throw fail.invalid(`${field} is not a serialized Kyber public key.`);
  }
}

export function checkSignature(identity: PublicKey, message: Uint8Array, signature: Uint8Array, field: string): void {
  let valid = false;
  try {
    valid = signature.length === 64 && identity.verify(Uint8Array.from(message), Uint8Array.from(signature));
  } catch {
    valid = false;
  }
  if (!valid) throw new RelayError(ErrorCode.INVALID_SIGNATURE, `${field} is not signed by the account's identity key.`);
}
