/**
 * The public halves of prekeys, as uploaded to the relay and handed back to
 * other clients in a bundle. Keys are libsignal serializations (an EC public
 * key is 33 bytes, a Kyber-1024 public key 1569 bytes); signatures are the
 * identity key's XEdDSA signature over the serialized public key.
 */
export interface PublicPreKey {
  readonly id: number;
  readonly publicKey: Uint8Array;
}

export interface PublicSignedPreKey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** A Kyber prekey's public form has the same shape as a signed EC prekey's. */
export type PublicKyberPreKey = PublicSignedPreKey;

/** One device's keys as fetched from the relay, to start a session (PQXDH). */
export interface PreKeyBundleInput {
  readonly registrationId: number;
  readonly deviceId: number;
  readonly identityKey: Uint8Array;
  readonly signedPreKey: PublicSignedPreKey;
  /** A one-time Kyber prekey, or the last-resort one when the relay has run out. */
  readonly kyberPreKey: PublicKyberPreKey;
  /** A one-time EC prekey, or null when the relay has run out. */
  readonly preKey: PublicPreKey | null;
}
