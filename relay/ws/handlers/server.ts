import { PublicKey } from '@signalapp/libsignal-client';
import type { Handler } from '../handler';
import { requireSession } from '../session';

export const ping: Handler<'ping'> = async (_request, { relay }) => ({ serverTimeMs: BigInt(relay.now()) });

export const serverInfo: Handler<'serverInfo'> = async (_request, { relay }) => {
  const { limits } = relay;
  return {
    trustRootPublicKey: relay.certifier.trustRootPublicKey,
    serverTimeMs: BigInt(relay.now()),
    limits: {
      maxFrameBytes: limits.maxFrameBytes,
      maxEnvelopeBytes: limits.maxEnvelopeBytes,
      maxBatch: limits.maxBatch,
      maxQueue: limits.maxQueue,
      maxAttachmentBytes: BigInt(limits.maxAttachmentBytes),
      envelopeTtlMs: BigInt(limits.envelopeTtlMs),
      maxDevicesPerAccount: limits.maxDevicesPerAccount,
      maxOneTimePrekeysPerUpload: limits.maxPrekeysPerUpload,
    },
  };
};

export const senderCertificate: Handler<'senderCertificate'> = async (_request, context) => {
  const { account, deviceId } = requireSession(context);
  const { relay } = context;
  const identity = PublicKey.deserialize(Uint8Array.from(account.identityKey));
  const { certificate, expiresAt } = relay.certifier.issue(account.accountId, deviceId, identity, relay.now());
  relay.metrics.certificates();
  return { certificate, expiresAtMs: BigInt(expiresAt) };
};
