/**
 * Every way the vault can refuse, as a value with a kind and a message a
 * person can act on. Open never "half works": any damage it finds surfaces as
 * one of these before a single file is touched.
 */
export const vaultErrorKinds = [
  /** The key given (key file, keychain, recovery key) does not open this vault. */
  'wrong-key',
  /** The passphrase does not unwrap the database key. */
  'wrong-passphrase',
  /** The OS keychain backend stores secrets in plain text (Linux `basic_text`), or changed since set-up. */
  'insecure-keychain',
  'keychain-changed',
  /** The key header (vault.keys.json) is malformed or damaged. */
  'corrupt-keys',
  /** A snapshot byte, header or page failed its check. */
  'corrupt-snapshot',
  /** A journal header or record failed its check. */
  'corrupt-journal',
  /** The journal belongs to another snapshot generation (an old journal put back, or files mixed). */
  'journal-generation-mismatch',
  /** A file ends before its header says it should. */
  'truncated',
  /** A file the vault needs is not there. */
  'missing-file',
  /** There is no vault in this folder, or there already is one. */
  'no-vault',
  'vault-exists',
  /** The database was written by a newer Hearth. */
  'newer-schema',
  /** A vault file (key header, snapshot, journal, attachment) is in a format a newer Hearth wrote. */
  'newer-format',
  /** The disk is full: the commit did not happen. */
  'disk-full',
  /** Writing or syncing failed for another reason; the vault must be reopened. */
  'io-error',
  /** The vault is locked (or closed): unlock it first. */
  'locked',
  /** An attachment file is damaged, truncated or missing. */
  'corrupt-attachment',
  'not-found',
  /** The caller passed something the vault cannot use (bad recovery key format, bad key file). */
  'invalid-argument',
] as const;

export type VaultErrorKind = (typeof vaultErrorKinds)[number];

export class VaultError extends Error {
  override readonly name = 'VaultError';
  /**
   * Open failed on the journal alone (damaged, missing, from another
   * generation) while the key and the snapshot are fine: Vault.salvage can open
   * the vault with the snapshot and the journal's intact records.
   */
  readonly salvageable: boolean;
  constructor(
    readonly kind: VaultErrorKind,
    message: string,
    options?: { cause?: unknown; salvageable?: boolean },
  ) {
    super(message, options);
    this.salvageable = options?.salvageable ?? false;
  }
}

export function isVaultError(value: unknown, kind?: VaultErrorKind): value is VaultError {
  return value instanceof VaultError && (kind === undefined || value.kind === kind);
}

/** ENOSPC and EDQUOT both mean "no room left"; the commit fails cleanly and can be retried. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
