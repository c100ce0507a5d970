import { randomBytes } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  RELAY_WEBSOCKET_PATH,
  RequestSchema,
  decodeFrame,
  encodeFrame,
  type Request,
} from '../../../shared/proto';
import { reconnect, registerDevice, type TestDevice } from '../../../relay/testing/devices';
import { startTestRelay, type TestRelay } from './harness';

/**
 * At least 10,000 generated malformed or hostile frames: each must get an
 * error (or a closed connection, for oversized frames), the relay must stay
 * up, no handler may fail internally, and a conversation going on beside the
 * attack must be unaffected.
 */
const RUNS = 110;
const FRAMES_PER_RUN = 100;
const MAX_FRAME = 16 * 1024;

// ------------------------------------------------------------------ arbitraries

const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 2, 127, 128, 16380, 16381, 0xffffffff));
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n ** 63n, 2n ** 64n - 1n));
const username = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.stringMatching(/^[a-z0-9._]{3,32}$/),
  fc.constantFrom('', 'alice', 'bob', 'fuzzer', '../../etc/passwd', 'a'.repeat(5000), '\u0000\u0000\u0000', 'ALICE', "bob'; DROP TABLE accounts;--"),
);
const target = fc.oneof(
  fc.record({ case: fc.constant('username' as const), value: username }),
  fc.record({ case: fc.constant('accountId' as const), value: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })) }),
  fc.constant({ case: undefined }),
);
const ecKey = fc.record({ keyId: u32, publicKey: bytes(40) });
const signedKey = fc.record({ keyId: u32, publicKey: bytes(1600), signature: bytes(70) });
const outgoing = fc.record({ username, deviceId: u32, type: fc.integer({ min: 0, max: 9 }), content: bytes(300), submissionId: bytes(20) });

const body = fc.oneof(
  fc.constant({ case: undefined }),
  fc.constant({ case: 'ping' as const, value: {} }),
  fc.record({
    case: fc.constant('register' as const),
    value: fc.record({ username, deviceId: u32, registrationId: u32, identityKey: bytes(40), authSecret: bytes(80) }),
  }),
  fc.record({ case: fc.constant('authenticate' as const), value: fc.record({ username, deviceId: u32, authSecret: bytes(80) }) }),
  fc.record({ case: fc.constant('addDevice' as const), value: fc.record({ deviceId: u32, registrationId: u32, authSecret: bytes(80) }) }),
  fc.record({ case: fc.constant('removeDevice' as const), value: fc.record({ deviceId: u32 }) }),
  fc.record({ case: fc.constant('lookup' as const), value: fc.record({ target }) }),
  fc.record({
    case: fc.constant('uploadPrekeys' as const),
    value: fc.record(
      { ecPrekeys: fc.array(ecKey, { maxLength: 4 }), kyberPrekeys: fc.array(signedKey, { maxLength: 2 }), signedPrekey: signedKey, lastResortKyberPrekey: signedKey },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ case: fc.constant('getBundles' as const), value: fc.record({ target, deviceId: u32 }) }),
  fc.record({ case: fc.constant('send' as const), value: fc.record({ envelopes: fc.array(outgoing, { maxLength: 6 }) }) }),
  fc.record({ case: fc.constant('ack' as const), value: fc.record({ ids: fc.array(bytes(20), { maxLength: 10 }) }) }),
  fc.record({
    case: fc.constant('createAttachment' as const),
    value: fc.record({ size: u64, fetchCount: u32, fetchTokenHash: bytes(40) }),
  }),
);

const request = fc.record({ id: u32, body }).map((init) => create(RequestSchema, init as Parameters<typeof create<typeof RequestSchema>>[1]));
const requestFrame = request.map((r) => encodeFrame({ kind: { case: 'request', value: r } }));
const wrongDirection = fc.oneof(
  u32.map((id) => encodeFrame({ kind: { case: 'response', value: { id, error: { code: ErrorCode.INTERNAL } } } })),
  fc.constant(encodeFrame({ kind: { case: 'push', value: { body: { case: 'queueEmpty', value: {} } } } })),
  fc.constant(encodeFrame({})),
);
const mutated = fc
  .tuple(requestFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat()))
  .map(([frame, flips, cut]) => {
    const copy = Uint8Array.from(frame);
    for (const [at, value] of flips) if (copy.length > 0) copy[at % copy.length] = value;
    return cut === null ? copy : copy.subarray(0, cut % (copy.length + 1));
  });
const frame = fc.oneof(
  { arbitrary: bytes(2000), weight: 3 },
  { arbitrary: requestFrame, weight: 5 },
  { arbitrary: mutated, weight: 4 },
  { arbitrary: wrongDirection, weight: 1 },
);
/** Sent on a socket of its own, since the relay closes the connection (1009) on the first one. */
const oversized = fc.integer({ min: 1, max: 4 * MAX_FRAME }).map((extra) => randomBytes(MAX_FRAME + extra));

// ------------------------------------------------------------------ a raw socket that counts answers

/**
 * What each frame must get, judged by decoding it the way the relay does:
 * an answer with this id, an error answer with id 0, or (for a well-formed
 * one-way request, id 0) nothing unless it fails.
 */
type Expectation = { kind: 'answer'; id: number } | { kind: 'error'; id: number } | { kind: 'one-way' };

function expectation(bytes: Uint8Array): Expectation {
  let decoded: Request | undefined;
  try {
    const frame = decodeFrame(bytes);
    if (frame.kind.case === 'request') decoded = frame.kind.value;
  } catch {
    decoded = undefined;
  }
  if (!decoded) return { kind: 'error', id: 0 };
  if (decoded.body.case === undefined) return { kind: 'error', id: decoded.id };
  return decoded.id === 0 ? { kind: 'one-way' } : { kind: 'answer', id: decoded.id };
}

/** Whether `answers` hold every answer `expected` requires (and, when `exact`, nothing a frame did not ask for). */
function answered(expected: Expectation[], answers: ReadonlyArray<{ id: number; error?: ErrorCode }>, exact: boolean): boolean {
  const owed = new Map<number, number>();
  for (const e of expected) if (e.kind !== 'one-way') owed.set(e.id, (owed.get(e.id) ?? 0) + 1);
  const oneWay = expected.filter((e) => e.kind === 'one-way').length;
  let extraZeros = 0;
  for (const a of answers) {
    const left = owed.get(a.id) ?? 0;
    if (left > 0) owed.set(a.id, left - 1);
    else if (a.id === 0 && a.error !== undefined) extraZeros++;
    else return false;
  }
  const complete = [...owed.values()].every((n) => n === 0);
  return complete && (!exact || extraZeros <= oneWay);
}

class RawSocket {
  readonly answers: Array<{ id: number; error?: ErrorCode }> = [];
  closed = false;
  closeCode = 0;
  private waiter: (() => void) | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const decoded = decodeFrame(data);
      if (decoded.kind.case === 'response') {
        const response = decoded.kind.value;
        this.answers.push({ id: response.id, ...(response.error && { error: response.error.code }) });
      }
      this.waiter?.();
    });
    socket.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  /** Sends every frame and waits until each has what it is owed (or the connection closes). */
  async exchange(frames: Uint8Array[]): Promise<Expectation[]> {
    this.answers.length = 0;
    const expected = frames.map(expectation);
    for (const bytes of frames) if (!this.closed) this.socket.send(bytes);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Only ${this.answers.length} answers for ${frames.length} frames.`)), 20_000);
      this.waiter = () => {
        if (this.closed || answered(expected, this.answers, false)) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.waiter();
    });
    return expected;
  }
}

// ------------------------------------------------------------------ the test

let relay: TestRelay;
let alice: TestDevice;
let bob: TestDevice;
let fuzzer: TestDevice;

beforeAll(async () => {
  relay = await startTestRelay({
    logLevel: 'debug',
    limits: { maxFrameBytes: MAX_FRAME, maxEnvelopeBytes: 8 * 1024, accountRequestsPerMinute: 10_000_000, addressRequestsPerMinute: 10_000_000 },
  });
  alice = await registerDevice(relay.url, 'alice');
  bob = await registerDevice(relay.url, 'bob');
  fuzzer = await registerDevice(relay.url, 'fuzzer', { prekeys: 3 });
  await fuzzer.client.close();
});

afterAll(async () => {
  await Promise.all([alice.client.close(), bob.client.close()]);
  await relay.stop();
});

async function rawSocket(authenticated: boolean): Promise<RawSocket> {
  if (authenticated) {
    const client = await reconnect(relay.url, fuzzer);
    return new RawSocket(client.socket);
  }
  const socket = new WebSocket(relay.url + RELAY_WEBSOCKET_PATH, { perMessageDeflate: false });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return new RawSocket(socket);
}

describe('hostile frames', () => {
  it(`answers ${RUNS * FRAMES_PER_RUN} generated frames with errors or a close, and stays up for everyone else`, async () => {
    let anonymous = await rawSocket(false);
    let authenticated = await rawSocket(true);
    let framesSent = 0;
    let conversation = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: FRAMES_PER_RUN - 1, maxLength: FRAMES_PER_RUN - 1 }), oversized, async (frames, tooBig) => {
        if (anonymous.closed) anonymous = await rawSocket(false);
        if (authenticated.closed) authenticated = await rawSocket(true);
        const sacrificial = await rawSocket(false);
        const half = Math.floor(frames.length / 2);
        const sockets: Array<[RawSocket, Uint8Array[]]> = [
          [anonymous, frames.slice(0, half)],
          [authenticated, frames.slice(half)],
        ];
        // Meanwhile Alice talks to Bob.
        const talk = alice.client.request('send', {
          envelopes: [{ username: 'bob', deviceId: 1, type: 1, content: Buffer.from(`msg ${conversation++}`), submissionId: randomBytes(16) }],
        });
        const [anonymousExpected, authenticatedExpected] = await Promise.all([
          ...sockets.map(([socket, batch]) => socket.exchange(batch)),
          sacrificial.exchange([tooBig]),
        ]);
        framesSent += frames.length + 1;
        expect((await talk).results[0]?.error).toBe(ErrorCode.NONE);
        expect(sacrificial.closeCode).toBe(1009);

        for (const [socket, expected] of [
          [anonymous, anonymousExpected],
          [authenticated, authenticatedExpected],
        ] as const) {
          expect(socket.closed).toBe(false);
          // One answer per frame that is owed one, matched by id, and nothing else; no handler failed inside.
          expect(answered(expected ?? [], socket.answers, true)).toBe(true);
          expect(socket.answers.filter((a) => a.error === ErrorCode.INTERNAL)).toEqual([]);
          // Frames that are not a request with a body were refused.
          const mustFail = (expected ?? []).filter((e) => e.kind === 'error').length;
          expect(socket.answers.filter((a) => a.error !== undefined).length).toBeGreaterThanOrEqual(mustFail);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );

    expect(framesSent).toBeGreaterThanOrEqual(10_000);
    expect(relay.logs.filter((line) => line.includes(' error '))).toEqual([]);
    await bob.client.waitForEnvelopes(conversation, 20_000);
    expect(bob.client.envelopes.map((e) => Buffer.from(e.content).toString())).toEqual(Array.from({ length: conversation }, (_, i) => `msg ${i}`));
    const health = await fetch(relay.httpUrl + '/healthz');
    expect(health.status).toBe(200);
  });
});
