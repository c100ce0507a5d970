import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../shared/proto/gen/hearth/v1/relay_pb';
import { ATTACHMENT_ID } from '../attachment-blobs';
import type { RelayContext } from '../context';
import { parseBasicAuth, verifySecret } from '../credentials';
import { CONFIRMATION_ID_BYTES, recipientKey, type AttachmentRecord, type MailboxAddress } from '../store/types';
import { MAX_DEVICE_ID, isUsername } from '../validate';
import { respondError } from './respond';

/** 32 random bytes in base64url (no padding). */
const BEARER_TOKEN = /^Bearer ([A-Za-z0-9_-]{43})$/;
const FETCHED_SUFFIX = '/fetched';
const NOT_FOUND = 'No such attachment.';

/**
 * The attachment byte API. An attachment is reserved over the WebSocket
 * (CreateAttachmentRequest: size, fetch count, SHA-256 of the fetch token);
 * HTTP carries only ciphertext and confirmations:
 *   PUT  /v1/attachments/<id>          the creating device uploads exactly `size` bytes (HTTP Basic)
 *   GET  /v1/attachments/<id>          anyone with the fetch token downloads them (Bearer), any number of times
 *   POST /v1/attachments/<id>/fetched  a recipient device confirms its download (Bearer; body: its
 *                                      16-byte confirmation id); at the fetch count the blob goes
 * GET and POST name no account. An unknown id, a wrong or missing token, and
 * an attachment not uploaded yet all get the same 404.
 */
export async function handleAttachment(relay: RelayContext, rest: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const confirming = rest.endsWith(FETCHED_SUFFIX);
  const id = confirming ? rest.slice(0, -FETCHED_SUFFIX.length) : rest;
  if (req.method === 'PUT' && !confirming) return upload(relay, id, req, res);
  if (!ATTACHMENT_ID.test(id)) return respondError(res, ErrorCode.NOT_FOUND, NOT_FOUND);
  const record = await withToken(relay, id, req);
  if (!record) return respondError(res, ErrorCode.NOT_FOUND, NOT_FOUND);
  if (req.method === 'GET' && !confirming) return download(relay, record, res);
  if (req.method === 'POST' && confirming) return confirm(relay, record, req, res);
  respondError(res, ErrorCode.NOT_FOUND, 'No such endpoint.');
}

/** The uploaded attachment the request's bearer token opens; the hashes are compared in constant time. */
async function withToken(relay: RelayContext, id: string, req: IncomingMessage): Promise<AttachmentRecord | undefined> {
  const token = BEARER_TOKEN.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return undefined;
  const presented = createHash('sha256').update(Buffer.from(token, 'base64url')).digest();
  const record = await relay.store.attachments.get(id, relay.now());
  if (!record?.uploaded || record.tokenHash.length !== presented.length) return undefined;
  return timingSafeEqual(presented, record.tokenHash) ? record : undefined;
}

async function authenticateDevice(relay: RelayContext, req: IncomingMessage): Promise<MailboxAddress | undefined> {
  const credentials = parseBasicAuth(req.headers.authorization);
  if (!credentials || !isUsername(credentials.username) || credentials.deviceId < 1 || credentials.deviceId > MAX_DEVICE_ID) return undefined;
  const found = await relay.store.accounts.deviceSecret(credentials.username, credentials.deviceId);
  if (!verifySecret(credentials.secret, found?.secret) || !found) return undefined;
  return { accountId: found.account.accountId, deviceId: credentials.deviceId };
}

async function upload(relay: RelayContext, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const device = await authenticateDevice(relay, req);
  if (!device) {
    return respondError(res, ErrorCode.UNAUTHENTICATED, 'Authenticate with your device credentials (HTTP Basic).', {
      'www-authenticate': 'Basic realm="hearth"',
    });
  }
  if (!ATTACHMENT_ID.test(id)) return respondError(res, ErrorCode.NOT_FOUND, NOT_FOUND);
  const record = await relay.store.attachments.get(id, relay.now());
  if (!record || record.uploaded || !record.uploader || recipientKey(record.uploader) !== recipientKey(device)) {
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

/** Serves the blob; a download that breaks off, or fails the recipient's verification, may simply be tried again. */
async function download(relay: RelayContext, record: AttachmentRecord, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': record.size, 'cache-control': 'no-store' });
  try {
    await relay.blobs.copyTo(record.id, res);
    res.end();
    relay.metrics.attachmentsServed();
  } catch {
    // The download broke off (or the blob went meanwhile); the recipient may try again.
    res.destroy();
  }
}

/** Counts a device's confirmation once (its id is the same on every retry); the last one deletes blob and record. */
async function confirm(relay: RelayContext, record: AttachmentRecord, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const confirmationId = await readSmallBody(req, CONFIRMATION_ID_BYTES);
  if (confirmationId?.length !== CONFIRMATION_ID_BYTES) {
    return respondError(res, ErrorCode.INVALID_ARGUMENT, `The body is the ${CONFIRMATION_ID_BYTES}-byte confirmation id.`);
  }
  const outcome = await relay.store.attachments.confirm(record.id, confirmationId, relay.now());
  if (!outcome) return respondError(res, ErrorCode.NOT_FOUND, NOT_FOUND);
  if (!outcome.repeat) relay.metrics.attachmentConfirmations();
  if (outcome.remaining === 0 && !outcome.repeat) {
    await relay.store.attachments.delete(record.id);
    await relay.blobs.delete(record.id);
    relay.metrics.attachmentsDeleted();
  }
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}

/** The request body if it is at most `max` bytes; undefined (and the connection closed after the answer) when longer. */
async function readSmallBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    length += part.length;
    if (length > max) {
      req.resume();
      return undefined;
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}
