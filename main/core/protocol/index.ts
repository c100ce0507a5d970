/**
 * The Signal-protocol layer: libsignal's stores over a ProtocolStorage, with
 * all-or-nothing transactions, and the operations messaging needs.
 */
export type {
  Awaitable,
  DeviceAddress,
  IdentityRecord,
  KyberPreKeyEntry,
  KyberPreKeyMeta,
  LocalAccountRecord,
  PreKeyEntry,
  ProtocolStorage,
  ProtocolWrite,
  ProtocolWriteKind,
  SenderKeyEntry,
  SignedPreKeyEntry,
  SignedPreKeyMeta,
  VerificationState,
} from './storage';
export { MemoryProtocolStorage } from './memory-storage';
export { ProtocolStore, ProtocolTransaction, type ApplyWrites, type OperationResult, type ProtocolStoreOptions } from './transaction';
export { ProtocolError, isProtocolError, needsSessionReset, protocolErrorKinds, type ProtocolErrorKind } from './errors';
export {
  acceptIdentityKey,
  isSendingHeld,
  setIdentityVerification,
  type IdentityChangeNotice,
} from './identity';
export type { PreKeyBundleInput, PublicKyberPreKey, PublicPreKey, PublicSignedPreKey } from './public-keys';
export {
  createAccount,
  generateKyberPreKeys,
  generateLastResortKyberPreKey,
  generatePreKeys,
  generateRegistrationId,
  generateSignedPreKey,
  planPrekeyRotation,
  planReplenishment,
  replenishPreKeys,
  rotatePrekeys,
  MAX_PREKEY_ID,
  MAX_REGISTRATION_ID,
  ONE_TIME_PREKEY_BATCH,
  PREKEY_LOW_WATER_MARK,
  PREKEY_ROTATION_INTERVAL_MS,
  ROTATED_PREKEYS_KEPT,
  type CreateAccountOptions,
  type OneTimePreKeyCounts,
  type PreKeyUpload,
  type PrekeyRotationPlan,
} from './account';
export { archiveSession, deleteSession, hasUsableSession, startSession, type StartedSession } from './session';
export { decryptMessage, encryptMessage, type DecryptedMessage, type SessionCiphertext, type SessionMessageType } from './cipher';
export { padContent, paddedLength, unpadContent, LARGE_PADDING_STEP, MIN_PADDED_LENGTH } from './padding';
export {
  compareScannedSafetyNumber,
  computeSafetyNumber,
  SAFETY_NUMBER_ITERATIONS,
  SAFETY_NUMBER_VERSION,
  type SafetyNumber,
  type SafetyNumberComparison,
  type SafetyNumberInput,
} from './safety-number';
export { encryptGroupContent, groupContentCertificate, sealGroupContent, sealedSenderDecrypt, sealedSenderEncrypt, type SealedSenderDecryptOptions, type UnsealedMessage } from './sealed-sender';
export { createSenderKeyDistribution, decryptGroupMessage, encryptGroupMessage, processSenderKeyDistribution } from './group-cipher';
