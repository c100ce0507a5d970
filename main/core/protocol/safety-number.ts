import { Fingerprint, PublicKey, ScannableFingerprint } from '@signalapp/libsignal-client';
import { toLibsignalBytes } from './bytes';
import { ProtocolError } from './errors';

/**
 * Safety numbers, exactly as Signal computes them (libsignal Fingerprint,
 * version 2, 5200 SHA-512 iterations): 60 digits that both people see
 * identically, and a QR payload one phone or window can scan from the other.
 * The identifier of each side is its stable account name as UTF-8.
 */
export const SAFETY_NUMBER_VERSION = 2;
export const SAFETY_NUMBER_ITERATIONS = 5200;

export interface SafetyNumberInput {
  readonly localName: string;
  /** Serialized identity public key (33 bytes). */
  readonly localIdentityKey: Uint8Array;
  readonly remoteName: string;
  readonly remoteIdentityKey: Uint8Array;
}

export interface SafetyNumber {
  /** 60 digits, the same on both sides. */
  readonly digits: string;
  /** The digits in 12 groups of 5, for display. */
  readonly groups: readonly string[];
  /** The QR code payload (libsignal's scannable fingerprint protobuf). */
  readonly scannable: Uint8Array;
  /** The same payload in base64, for QR libraries that take text. */
  readonly scannableBase64: string;
}

function publicKey(bytes: Uint8Array): PublicKey {
  try {
    return PublicKey.deserialize(toLibsignalBytes(bytes));
  } catch {
    throw new ProtocolError('invalid-safety-number', 'An identity key for the safety number is not a public key.');
  }
}

export function computeSafetyNumber(input: SafetyNumberInput): SafetyNumber {
  const encoder = new TextEncoder();
  const fingerprint = Fingerprint.new(
    SAFETY_NUMBER_ITERATIONS,
    SAFETY_NUMBER_VERSION,
    encoder.encode(input.localName),
    publicKey(input.localIdentityKey),
    encoder.encode(input.remoteName),
    publicKey(input.remoteIdentityKey),
  );
  const digits = fingerprint.displayableFingerprint().toString();
  const scannable = fingerprint.scannableFingerprint().toBuffer();
  return {
    digits,
    groups: digits.match(/\d{5}/g) ?? [],
    scannable,
    scannableBase64: Buffer.from(scannable).toString('base64'),
  };
}

/**
 * 'match': the other side sees the same keys; 'mismatch': someone's key is not
 * what the other side thinks; 'version-mismatch': their app computes safety
 * numbers another way; 'malformed': the scanned code is not a safety number.
 */
export type SafetyNumberComparison = 'match' | 'mismatch' | 'version-mismatch' | 'malformed';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Compare a scanned QR payload (bytes, or base64 text) with our own safety number for that contact. */
export function compareScannedSafetyNumber(ours: SafetyNumber, scanned: Uint8Array | string): SafetyNumberComparison {
  let scannedBytes: Uint8Array;
  if (typeof scanned === 'string') {
    const text = scanned.trim();
    if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return 'malformed';
    scannedBytes = Buffer.from(text, 'base64');
  } else {
    scannedBytes = scanned;
  }
  try {
    const own = ScannableFingerprint._fromBuffer(toLibsignalBytes(ours.scannable));
    return own.compare(ScannableFingerprint._fromBuffer(toLibsignalBytes(scannedBytes))) ? 'match' : 'mismatch';
  } catch (error) {
    // libsignal reports both as Generic errors; its message is the only tell.
    return error instanceof Error && /version/i.test(error.message) ? 'version-mismatch' : 'malformed';
  }
}
