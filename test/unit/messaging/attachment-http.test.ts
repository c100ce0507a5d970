import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobTransferError, uploadBlob } from '../../../main/core/messaging/attachment-http';

/**
 * uploadBlob against a local HTTP server standing in for the relay's PUT:
 * every byte arrives in order, an early refusal ends the upload without
 * hanging, and a failing source is reported as itself.
 */

const credentials = { username: 'ann', deviceId: 1, authSecret: Buffer.alloc(32, 7) };
const BLOB_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
let server: http.Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

async function relayAt(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Pieces the way the cipher yields them: a 64 KiB body, then its 16-byte tag. */
async function* pieces(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += 65_552) {
    const frame = bytes.subarray(at, at + 65_552);
    yield frame.subarray(0, Math.max(0, frame.length - 16));
    yield frame.subarray(Math.max(0, frame.length - 16));
  }
}

describe('uploadBlob', () => {
  it('delivers every byte in order with the declared length and credentials', async () => {
    const body = randomBytes(3_000_000);
    let received: { hash: string; length: string | undefined; auth: string | undefined } | null = null;
    const url = await relayAt(async (req, res) => {
      const hash = createHash('sha256');
      for await (const piece of req) hash.update(piece as Buffer);
      received = { hash: hash.digest('hex'), length: req.headers['content-length'], auth: req.headers.authorization };
      res.writeHead(204).end();
    });
    await uploadBlob(url, credentials, BLOB_ID, body.length, pieces(body));
    expect(received).toEqual({ hash: createHash('sha256').update(body).digest('hex'), length: String(body.length), auth: expect.stringMatching(/^Basic /) });
  });

  it('ends at an early refusal (413) without waiting for the rest, and stops reading the source', async () => {
    const url = await relayAt((_req, res) => {
      res.setHeader('connection', 'close');
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'too large' }));
    });
    let produced = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        produced += 1;
        yield randomBytes(65_536);
      }
    }
    const error = await uploadBlob(url, credentials, BLOB_ID, 200 * 1024 * 1024, endless()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobTransferError);
    expect(error).toMatchObject({ status: 413 });
    // Far fewer than the 3,200 pieces the declared size would take.
    expect(produced).toBeLessThan(3200);
  });

  it('reports a failing source as itself', async () => {
    const url = await relayAt(async (req, res) => {
      for await (const piece of req) void piece;
      res.writeHead(204).end();
    });
    async function* failing(): AsyncGenerator<Buffer> {
      yield randomBytes(300_000);
      throw new RangeError('The file changed size while it was being sent.');
    }
    await expect(uploadBlob(url, credentials, BLOB_ID, 1_000_000, failing())).rejects.toThrow(RangeError);
  });
});
