import { randomBytes } from 'node:crypto';
import { RELAY_ATTACHMENTS_PATH } from '../../../shared/proto';
import { fail } from '../../errors';
import type { Handler } from '../handler';
import { requireSession } from '../session';

const TOKEN_HASH_BYTES = 32;

/**
 * Reserves an attachment for the connection's device. The relay hears the
 * size and how many devices will confirm the download, never which ones; the
 * device is kept only to authorise the upload.
 */
export const createAttachment: Handler<'createAttachment'> = async (request, context) => {
  const session = requireSession(context);
  const { limits, store } = context.relay;
  if (request.size < 1n) throw fail.invalid('An attachment has at least one byte.');
  if (request.size > BigInt(limits.maxAttachmentBytes)) throw fail.tooLarge(`An attachment is at most ${limits.maxAttachmentBytes} bytes.`);
  if (request.fetchCount < 1) throw fail.invalid('Say how many devices will fetch the attachment.');
  if (request.fetchCount > limits.maxAttachmentFetchCount) throw fail.tooLarge(`At most ${limits.maxAttachmentFetchCount} devices may fetch one attachment.`);
  if (request.fetchTokenHash.length !== TOKEN_HASH_BYTES) throw fail.invalid('The fetch token hash is a SHA-256 (32 bytes).');

  const id = randomBytes(16).toString('base64url');
  const expiresAt = context.relay.now() + limits.attachmentTtlMs;
  await store.attachments.create({
    id,
    size: Number(request.size),
    fetchCount: request.fetchCount,
    tokenHash: Uint8Array.from(request.fetchTokenHash),
    uploader: { accountId: session.account.accountId, deviceId: session.deviceId },
    expiresAt,
  });
  return { attachmentId: id, uploadPath: RELAY_ATTACHMENTS_PATH + id, expiresAtMs: BigInt(expiresAt) };
};
