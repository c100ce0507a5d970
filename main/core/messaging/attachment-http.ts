import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { DeviceCredentials } from '../transport/relay-connection';

/**
 * The relay's attachment byte API (docs/wire-protocol.md, "Attachments
 * (HTTP)"): PUT /v1/attachments/<id> with the device's credentials (HTTP
 * Basic); GET /v1/attachments/<id> and POST /v1/attachments/<id>/fetched
 * with the blob's fetch token only (Bearer), naming no account. Bodies
 * stream both ways; nothing is buffered whole.
 */

/** Why a transfer with the relay failed; `status` is the HTTP status (0: no answer). */
export class BlobTransferError extends Error {
  override readonly name = 'BlobTransferError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The relay's HTTP origin for its WebSocket URL (ws → http, wss → https). */
export function httpOrigin(relayUrl: string): URL {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' || url.protocol === 'https:' ? 'https:' : 'http:';
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url;
}

function authorization(credentials: DeviceCredentials): string {
  const secret = Buffer.from(credentials.authSecret).toString('base64url');
  return `Basic ${Buffer.from(`${credentials.username}.${credentials.deviceId}:${secret}`).toString('base64')}`;
}

function bearer(fetchToken: Uint8Array): string {
  return `Bearer ${Buffer.from(fetchToken).toString('base64url')}`;
}

function blobUrl(relayUrl: string, blobId: string, suffix = ''): URL {
  return new URL(`/v1/attachments/${encodeURIComponent(blobId)}${suffix}`, httpOrigin(relayUrl));
}

function requestFor(url: URL) {
  return url.protocol === 'https:' ? https.request : http.request;
}

async function errorOf(res: IncomingMessage, what: string): Promise<BlobTransferError> {
  let text = '';
  try {
    for await (const piece of res) {
      text += (piece as Buffer).toString('utf8');
      if (text.length > 4096) break;
    }
  } catch {
    // The body is only for the error message.
  }
  let detail = '';
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    detail = '';
  }
  const status = res.statusCode ?? 0;
  if (status === 404) return new BlobTransferError(404, `The relay no longer has this file (${what}).`);
  if (status === 413) return new BlobTransferError(413, 'The file is larger than the relay accepts.');
  return new BlobTransferError(status, `The relay refused the ${what} (${status}${detail ? `: ${detail}` : ''}).`);
}

/** Uploads exactly `size` bytes from `body` to a blob reserved with create_attachment. */
export async function uploadBlob(relayUrl: string, credentials: DeviceCredentials, blobId: string, size: number, body: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<void> {
  const url = blobUrl(relayUrl, blobId);
  const req = requestFor(url)(url, {
    method: 'PUT',
    headers: { authorization: authorization(credentials), 'content-type': 'application/octet-stream', 'content-length': String(size) },
    signal,
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  // A failure reading the file (not the network) is reported as itself.
  let sourceError: unknown = null;
  async function* source(): AsyncGenerator<Buffer> {
    try {
      yield* body;
    } catch (error) {
      sourceError = error;
      throw error;
    }
  }
  // An early answer (413, 404) ends the upload: the relay stops reading.
  const sent = writeBody(req, source()).catch((error: unknown) => error);
  let res: IncomingMessage;
  try {
    res = await answered;
  } catch (error) {
    await sent;
    throw sourceError ?? new BlobTransferError(0, networkMessage(error, 'upload'));
  }
  if (res.statusCode === 204) {
    res.resume();
    const outcome = await sent;
    if (outcome instanceof Error) throw sourceError ?? new BlobTransferError(0, networkMessage(outcome, 'upload'));
    return;
  }
  const error = await errorOf(res, 'upload');
  req.destroy();
  await sent;
  throw error;
}

/** An upload goes to the socket in batches of about this size. */
const WRITE_BATCH_BYTES = 256 * 1024;

/**
 * Writes every piece of `body` to `req`, then ends it. Pieces are corked
 * into batches, so a batch is one writev (a chunk and its tag travel as one
 * segment, not two); the next batch is encrypted only while the socket has
 * room. Anything failing, or `req` closing early, destroys the request.
 */
async function writeBody(req: ClientRequest, body: AsyncIterable<Buffer>): Promise<void> {
  // Failures are reported through the returned promise and the response; a late one must not go unheard.
  req.on('error', () => undefined);
  try {
    let batched = 0;
    for await (const piece of body) {
      if (req.destroyed) throw new Error('The upload was cut off.');
      if (batched === 0) req.cork();
      req.write(piece);
      batched += piece.length;
      if (batched >= WRITE_BATCH_BYTES) {
        batched = 0;
        req.uncork();
        if (req.writableNeedDrain) await settled(req, 'drain');
      }
    }
    if (batched > 0) req.uncork();
    req.end();
    if (!req.writableFinished) await settled(req, 'finish');
    if (!req.writableFinished) throw new Error('The upload was cut off.');
  } catch (error) {
    req.destroy(error instanceof Error ? error : undefined);
    throw error;
  }
}

/** Resolves at `event`, or when `req` closes first. */
function settled(req: ClientRequest, event: 'drain' | 'finish'): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off(event, done);
      req.off('close', done);
      resolve();
    };
    req.on(event, done);
    req.on('close', done);
  });
}

/** Starts an anonymous download; resolves with the response body (a byte stream of the declared length). */
export async function downloadBlob(relayUrl: string, blobId: string, fetchToken: Uint8Array, signal?: AbortSignal): Promise<IncomingMessage> {
  const url = blobUrl(relayUrl, blobId);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = requestFor(url)(url, { method: 'GET', headers: { authorization: bearer(fetchToken) }, signal });
    req.once('response', resolve);
    req.once('error', (error) => reject(new BlobTransferError(0, networkMessage(error, 'download'))));
    req.end();
  });
  if (res.statusCode !== 200) throw await errorOf(res, 'download');
  return res;
}

/**
 * Tells the relay this device has the file (verified and stored), under a
 * confirmation id that is the same on every retry, so it counts once.
 * 'gone': the relay no longer has the blob (the last confirmation, or its
 * TTL, came first), which is as good.
 */
export async function confirmFetched(relayUrl: string, blobId: string, fetchToken: Uint8Array, confirmationId: Uint8Array, signal?: AbortSignal): Promise<'counted' | 'gone'> {
  const url = blobUrl(relayUrl, blobId, '/fetched');
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = requestFor(url)(url, {
      method: 'POST',
      headers: { authorization: bearer(fetchToken), 'content-type': 'application/octet-stream', 'content-length': String(confirmationId.length) },
      signal,
    });
    req.once('response', resolve);
    req.once('error', (error) => reject(new BlobTransferError(0, networkMessage(error, 'download'))));
    req.end(Buffer.from(confirmationId));
  });
  if (res.statusCode === 204 || res.statusCode === 404) {
    res.resume();
    return res.statusCode === 204 ? 'counted' : 'gone';
  }
  throw await errorOf(res, 'download');
}

export function networkMessage(error: unknown, what: 'upload' | 'download'): string {
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Could not reach the relay for the ${what}. Check the connection and try again.`;
  if (code === 'ABORT_ERR') return `The ${what} was stopped.`;
  return `The ${what} broke off. Try again.`;
}
