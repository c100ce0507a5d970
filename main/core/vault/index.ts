/**
 * The vault: Hearth's encrypted local history (docs/vault-format.md).
 *
 *   const { vault, recoveryKey } = await Vault.create(dir, { kind: 'passphrase', passphrase });
 *   await vault.write((tx) => messages.insertMessage(tx, message));
 *   const page = vault.read((db) => messages.messagePage(db, conversationId));
 *   await vault.lock();
 */
export { Vault, writeNewKeyFile, type VaultOptions, type VaultStats, type LockReason } from './vault';
export { VaultError, isVaultError, vaultErrorKinds, type VaultErrorKind } from './errors';
export type { Protection, Unlock } from './key-header';
export type { KeyProtector } from './protector';
export { DEFAULT_PASSPHRASE_KDF, PBKDF2_SQLCIPHER4, type PassphraseKdfParams } from './kdf';
export type { SqlReader, SqlWriter, Row } from './sqlite';
export type { SqlValue, SqlParams } from './sql-value';
export type { AttachmentInfo, AttachmentMeta, AttachmentStore, AttachmentWriter, FinishedAttachment } from './attachments';
export type { VaultFs } from './file-io';
export { ROLLED_BACK_SETTING, type SalvageReport } from './salvage';
export { SCHEMA_VERSION } from './schema';
export * as profile from './queries/profile';
export * as contacts from './queries/contacts';
export * as conversations from './queries/conversations';
export * as messages from './queries/messages';
export * as protocol from './queries/protocol';
export * as outbox from './queries/outbox';
export * as search from './queries/search';
export * as messaging from './queries/messaging';
export * as expiry from './queries/expiry';
export * as attachmentRows from './queries/attachments';
export * as groups from './queries/groups';
