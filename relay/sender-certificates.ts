import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PrivateKey, PublicKey, SenderCertificate, ServerCertificate } from '@signalapp/libsignal-client';

/**
 * Sealed sender's chain of trust, as Signal's server keeps it: a trust root
 * (made at first start and kept in the data folder, mode 0600) signs a server
 * certificate, and the server key signs short-lived sender certificates. The
 * server key is new at each start; clients check the chain up to the trust
 * root, whose public half they pin from ServerInfo.
 */
export const TRUST_ROOT_FILE = 'trust-root.key';

/** Key id of the server certificate. libsignal refuses a few revoked ids; 1 is not among them. */
const SERVER_KEY_ID = 1;

export async function loadTrustRoot(dataDir: string | undefined): Promise<PrivateKey> {
  if (!dataDir) return PrivateKey.generate();
  const file = path.join(dataDir, TRUST_ROOT_FILE);
  const fresh = PrivateKey.generate();
  try {
    // 'wx' fails if the file exists, so two nodes sharing a folder agree on one root.
    await writeFile(file, fresh.serialize(), { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return PrivateKey.deserialize(new Uint8Array(await readFile(file)));
  }
}

export class SenderCertifier {
  readonly trustRootPublicKey: Uint8Array;
  private readonly serverKey = PrivateKey.generate();
  private readonly serverCertificate: ServerCertificate;

  constructor(
    trustRoot: PrivateKey,
    private readonly lifetimeMs: number,
  ) {
    this.trustRootPublicKey = trustRoot.getPublicKey().serialize();
    this.serverCertificate = ServerCertificate.new(SERVER_KEY_ID, this.serverKey.getPublicKey(), trustRoot);
  }

  issue(accountId: string, deviceId: number, identityKey: PublicKey, now: number): { certificate: Uint8Array; expiresAt: number } {
    const expiresAt = now + this.lifetimeMs;
    const certificate = SenderCertificate.new(accountId, null, deviceId, identityKey, expiresAt, this.serverCertificate, this.serverKey);
    return { certificate: certificate.serialize(), expiresAt };
  }
}
