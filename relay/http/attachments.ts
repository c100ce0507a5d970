import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ErrorCode } from '../../shared/proto/gen/hearth/v1/relay_pb';
import { ATTACHMENT_ID } from '../attachment-blobs';
import type { RelayContext } from '../context';
import { parseBasicAuth, verifySecret } from '../credentials';
import { recipientKey, type MailboxAddress } from '../store/types';
import { MAX_DEVICE_ID, isUsername } from '../validate';
import { respondError } from './respond';

/**
 * The attachment byte API. Metadata (size, recipients) is set up over the
 * WebSocket (CreateAttachmentRequest); HTTP carries only ciphertext:
 *   PUT /v1/attachments/<id>  the creating device uploads exactly `size` bytes
 *   GET /v1/attachments/<id>  a listed recipient device downloads them
 * Both authenticate with the device's credentials (HTTP Basic). Unknown ids,
 * and ids the device may not touch, are both 404.
 */
export async function handleAttachment(relay: RelayContext, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const device = await authenticateDevice(relay, req);
  if (!device) {
    return respondError(res, ErrorCode.UNAUTHENTICATED, 'Authenticate with your device credentials (HTTP Basic).', {
      'www-authenticate': 'Basic realm="hearth"',
    });
  }
  if (!ATTACHMENT_ID.test(id)) return respondError(res, ErrorCode.NOT_FOUND, 'No such attachment.');
  if (req.method === 'PUT') return upload(relay, id, device, req, res);
  return download(relay, id, device, res);
}

async function authenticateDevice(relay: RelayContext, req: IncomingMessage): Promise<MailboxAddress | undefined> {
  const credentials = parseBasicAuth(req.headers.authorization);
  if (!credentials || !isUsername(credentials.username) || credentials.deviceId < 1 || credentials.deviceId > MAX_DEVICE_ID) return undefined;
  const found = await relay.store.accounts.deviceSecret(credentials.username, credentials.deviceId);
  if (!verifySecret(credentials.secret, found?.secret) || !found) return undefined;
  return { accountId: found.account.accountId, deviceId: credentials.deviceId };
}

async function upload(relay: RelayContext, id: string, device: MailboxAddress, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const record = await relay.store.attachments.get(id, relay.now());
  if (!record || record.uploaded || recipientKey(record.owner) !== recipientKey(device)) {
    return respondError(res, ErrorCode.NOT_FOUND, 'No such attachment awaits an upload from this device.');
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > record.size) {
    res.setHeader('connection', 'close');
    return respondError(res, ErrorCode.TOO_LARGE, `This attachment was created for ${record.size} bytes.`);
  }
  const outcome = await relay.blobs.write(id, req, record.size);
  if (outcome === 'too-large') {
    res.setHeader('connection', 'close');
    return respondError(res, ErrorCode.TOO_LARGE, `This attachment was created for ${record.size} bytes.`);
  }
  if (outcome === 'too-short') return respondError(res, ErrorCode.INVALID_ARGUMENT, `Expected ${record.size} bytes.`);
  await relay.store.attachments.markUploaded(id);
  relay.metrics.attachmentsUploaded();
  relay.metrics.attachmentBytes(record.size);
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}

async function download(relay: RelayContext, id: string, device: MailboxAddress, res: ServerResponse): Promise<void> {
  const record = await relay.store.attachments.get(id, relay.now());
  if (!record || !record.uploaded || !record.recipients.has(recipientKey(device))) {
    return respondError(res, ErrorCode.NOT_FOUND, 'No such attachment for this device.');
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': record.size, 'cache-control': 'no-store' });
  try {
    await pipeline(relay.blobs.read(id), res);
  } catch {
    return; // The download broke off; the recipient may try again.
  }
  if ((await relay.store.attachments.markFetched(id, device)) === 0) {
    await relay.store.attachments.delete(id);
    await relay.blobs.delete(id);
    relay.metrics.attachmentsDeleted();
  }
}
