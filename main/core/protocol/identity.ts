import { PublicKey } from '@signalapp/libsignal-client';
import { bytesEqual, toLibsignalBytes } from './bytes';
import { ProtocolError } from './errors';
import type { IdentityRecord, VerificationState } from './storage';
import type { ProtocolTransaction } from './transaction';

/**
 * Identity trust, as Signal Desktop does it:
 * - receiving never fails on identity: a message from a changed key is
 *   decrypted, the new key is kept and the change is reported (so nothing the
 *   contact sent is lost, and the chat can show "safety number changed");
 * - sending to a changed key goes ahead for an ordinary contact (the change is
 *   reported), but is held for a contact the user had verified, until the
 *   user reviews the new safety number.
 */

/** A contact's identity key was replaced by a different one. */
export interface IdentityChangeNotice {
  readonly name: string;
  readonly previousKey: Uint8Array;
  readonly newKey: Uint8Array;
  /** The user had verified the previous key. */
  readonly wasVerified: boolean;
  /** Sending to this contact is held until the user reviews the new safety number. */
  readonly sendingHeld: boolean;
  readonly at: number;
}

/** Sending is held while a key change on a verified contact is unreviewed. */
export function isSendingHeld(record: IdentityRecord | null): boolean {
  return record?.verification === 'unverified';
}

/**
 * libsignal's isTrustedIdentity for the sending direction (receiving is
 * always trusted). A different key is trusted unless the user verified the
 * old one; the same key is trusted unless sending is held.
 */
export function isTrustedForSending(record: IdentityRecord | null, key: Uint8Array): boolean {
  if (record === null) return true;
  if (!bytesEqual(record.publicKey, key)) return record.verification === 'default';
  return !isSendingHeld(record);
}

export interface IdentityUpdate {
  /** The record to store, or null when nothing changed (the common case: the same key again). */
  readonly record: IdentityRecord | null;
  readonly notice: IdentityChangeNotice | null;
}

/**
 * What storing `key` for `name` means. A verified contact whose key changes
 * becomes 'unverified' (sending held); an ordinary contact stays 'default'.
 */
export function recordIdentityKey(existing: IdentityRecord | null, name: string, key: Uint8Array, now: number): IdentityUpdate {
  if (existing === null) {
    return { record: { name, publicKey: key, verification: 'default', firstSeenAt: now, changedAt: null }, notice: null };
  }
  if (bytesEqual(existing.publicKey, key)) return { record: null, notice: null };
  const verification: VerificationState = existing.verification === 'default' ? 'default' : 'unverified';
  return {
    record: { ...existing, publicKey: key, verification, changedAt: now },
    notice: {
      name,
      previousKey: existing.publicKey,
      newKey: key,
      wasVerified: existing.verification === 'verified',
      sendingHeld: verification === 'unverified',
      at: now,
    },
  };
}

/**
 * Record the user's verdict on a contact's safety number. `publicKey` is the key
 * the safety number was computed from: if the contact's key changed meanwhile,
 * the verdict is about a stale key and is refused ('stale-identity').
 * Setting 'default' or 'verified' releases held sending.
 */
export async function setIdentityVerification(
  tx: ProtocolTransaction,
  name: string,
  verification: VerificationState,
  publicKey: Uint8Array,
): Promise<IdentityRecord> {
  const existing = await tx.getIdentity(name);
  if (existing === null || !bytesEqual(existing.publicKey, publicKey)) {
    throw new ProtocolError('stale-identity', 'The safety number changed while you were looking at it; compare the new one.');
  }
  if (existing.verification === verification) return existing;
  const record: IdentityRecord = { ...existing, verification };
  tx.putIdentity(record);
  return record;
}

/**
 * Take a contact's new identity key after the user reviewed it (sending was
 * refused with 'untrusted-identity' carrying the change). The key is stored as
 * 'default', the change reported, and the next send goes ahead.
 */
export async function acceptIdentityKey(tx: ProtocolTransaction, name: string, publicKey: Uint8Array): Promise<IdentityChangeNotice | null> {
  assertPublicKey(publicKey);
  const existing = await tx.getIdentity(name);
  const update = recordIdentityKey(existing, name, publicKey, tx.now());
  const record = update.record ?? existing;
  if (record === null) return null;
  const accepted: IdentityRecord = { ...record, verification: 'default' };
  if (update.record !== null || existing?.verification !== 'default') tx.putIdentity(accepted);
  if (update.notice === null) return null;
  const notice: IdentityChangeNotice = { ...update.notice, sendingHeld: false };
  tx.reportIdentityChange(notice);
  return notice;
}

function assertPublicKey(bytes: Uint8Array): void {
  try {
    PublicKey.deserialize(toLibsignalBytes(bytes));
  } catch {
    throw new ProtocolError('invalid-bundle', 'That is not an identity key.');
  }
}
