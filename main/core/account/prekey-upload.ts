import { KyberPreKeyRecord, SignedPreKeyRecord } from '@signalapp/libsignal-client';
import type { PreKeyUpload, PublicKyberPreKey, PublicSignedPreKey } from '../protocol';
import type { RequestInit } from '../transport';

/** The wire form of a prekey upload (relay.proto UploadPrekeysRequest). */
export function toUploadRequest(upload: Pick<PreKeyUpload, 'preKeys' | 'kyberPreKeys' | 'signedPreKey' | 'lastResortKyberPreKey'>): RequestInit<'uploadPrekeys'> {
  return {
    ecPrekeys: upload.preKeys.map((k) => ({ keyId: k.id, publicKey: k.publicKey })),
    kyberPrekeys: upload.kyberPreKeys.map((k) => ({ keyId: k.id, publicKey: k.publicKey, signature: k.signature })),
    ...(upload.signedPreKey && { signedPrekey: { keyId: upload.signedPreKey.id, publicKey: upload.signedPreKey.publicKey, signature: upload.signedPreKey.signature } }),
    ...(upload.lastResortKyberPreKey && {
      lastResortKyberPrekey: { keyId: upload.lastResortKyberPreKey.id, publicKey: upload.lastResortKyberPreKey.publicKey, signature: upload.lastResortKyberPreKey.signature },
    }),
  };
}

/** The public half of a stored signed prekey, to publish it again. */
export function publicSignedPreKey(record: Uint8Array): PublicSignedPreKey {
  const parsed = SignedPreKeyRecord.deserialize(Buffer.from(record));
  return { id: parsed.id(), publicKey: parsed.publicKey().serialize(), signature: parsed.signature() };
}

/** The public half of a stored Kyber prekey. */
export function publicKyberPreKey(record: Uint8Array): PublicKyberPreKey {
  const parsed = KyberPreKeyRecord.deserialize(Buffer.from(record));
  return { id: parsed.id(), publicKey: parsed.publicKey().serialize(), signature: parsed.signature() };
}
