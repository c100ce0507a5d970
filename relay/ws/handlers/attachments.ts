import { randomBytes } from 'node:crypto';
import { RELAY_ATTACHMENTS_PATH } from '../../../shared/proto';
import { fail } from '../../errors';
import { recipientKey } from '../../store/types';
import { checkDeviceId, checkUsername } from '../../validate';
import type { Handler } from '../handler';
import { requireSession } from '../session';

export const createAttachment: Handler<'createAttachment'> = async (request, context) => {
  const session = requireSession(context);
  const { limits, store } = context.relay;
  if (request.size < 1n) throw fail.invalid('An attachment has at least one byte.');
  if (request.size > BigInt(limits.maxAttachmentBytes)) throw fail.tooLarge(`An attachment is at most ${limits.maxAttachmentBytes} bytes.`);
  if (request.recipients.length === 0) throw fail.invalid('List the devices that will fetch the attachment.');
  if (request.recipients.length > limits.maxAttachmentRecipients) throw fail.tooLarge(`List at most ${limits.maxAttachmentRecipients} recipients.`);

  const accountIds = new Map<string, string>();
  const recipients = new Map<string, boolean>();
  for (const recipient of request.recipients) {
    const username = checkUsername(recipient.username);
    const deviceId = checkDeviceId(recipient.deviceId);
    let accountId = accountIds.get(username);
    if (accountId === undefined) {
      const account = await store.accounts.byUsername(username);
      if (!account) throw fail.notFound(`Recipient ${username}`);
      accountId = account.accountId;
      accountIds.set(username, accountId);
    }
    recipients.set(recipientKey({ accountId, deviceId }), false);
  }

  const id = randomBytes(16).toString('base64url');
  const expiresAt = context.relay.now() + limits.attachmentTtlMs;
  const owner = { accountId: session.account.accountId, deviceId: session.deviceId };
  await store.attachments.create({ id, owner, size: Number(request.size), expiresAt, recipients });
  return { attachmentId: id, uploadPath: RELAY_ATTACHMENTS_PATH + id, expiresAtMs: BigInt(expiresAt) };
};
