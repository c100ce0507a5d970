import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { answerCall, CallFrame, dispatchCall, HearthClient, HearthError, methodNames, ServerFrame, type FirstRunInfo, type Handlers, type HearthBridge, type MethodName } from '../../../shared/api';

const firstRun: FirstRunInfo = {
  profileDir: '/home/ada/.config/Hearth',
  defaultRelayUrl: 'ws://127.0.0.1:7443',
  protections: [
    { kind: 'keychain', available: false, reason: 'No keychain here.' },
    { kind: 'passphrase', available: true },
  ],
  versions: { core: '0.1.0', libsignal: '0.103.0', node: '20.20.2' },
};

/** Handlers for every method in the contract; each answers with what `results` gives it (or throws it). */
function handlersAnswering(results: Partial<Record<MethodName, () => unknown>>): Handlers {
  return Object.fromEntries(
    methodNames.map((method) => [
      method,
      () => {
        const answer = results[method];
        if (!answer) throw new HearthError('unavailable', `${method} is not answered in this test.`);
        return answer();
      },
    ]),
  ) as unknown as Handlers;
}

async function rejectionOf(promise: Promise<unknown>): Promise<HearthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HearthError) return error;
    throw new Error(`Rejected with something other than a HearthError: ${String(error)}`);
  }
  throw new Error('Expected a rejection, but the call succeeded.');
}

describe('dispatchCall', () => {
  const handlers = handlersAnswering({ 'app.getFirstRun': () => firstRun, 'app.getUnreadCount': () => ({ total: 3 }) });

  it('runs a well-formed call and returns the validated result', async () => {
    await expect(dispatchCall(handlers, 'app.getFirstRun', {})).resolves.toEqual(firstRun);
    // Missing args mean "no arguments", as for a call from a client that sends none.
    await expect(dispatchCall(handlers, 'app.getUnreadCount', undefined)).resolves.toEqual({ total: 3 });
  });

  it.each([['app.nope'], ['constructor'], ['__proto__'], ['toString'], [''], [42], [null], [{ method: 'app.getInfo' }]])('refuses the unknown method %j', async (method) => {
    const error = await rejectionOf(dispatchCall(handlers, method, {}));
    expect(error.kind).toBe('unknown-method');
  });

  it('does not echo a long or unprintable method name back in full', async () => {
    const error = await rejectionOf(dispatchCall(handlers, `app.${'x'.repeat(500)}\u0000\n`, {}));
    expect(error.kind).toBe('unknown-method');
    expect(error.message.length).toBeLessThan(120);
    expect(error.message).not.toContain('\u0000');
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['an extra key', { profileDir: '/tmp' }],
    ['a string', 'app'],
    ['a number', 7],
    ['an array', []],
    ['a boolean', true],
  ])('refuses arguments that are %s', async (_label, args) => {
    const error = await rejectionOf(dispatchCall(handlers, 'app.getFirstRun', args));
    expect(error.kind).toBe('invalid-arguments');
  });

  it('never runs the handler when the arguments are refused', async () => {
    let ran = false;
    const watching = handlersAnswering({ 'app.getUnreadCount': () => ((ran = true), { total: 0 }) });
    await rejectionOf(dispatchCall(watching, 'app.getUnreadCount', { total: 1 }));
    expect(ran).toBe(false);
  });

  it.each([
    ['a missing field', { total: undefined }],
    ['a wrong type', { total: '3' }],
    ['a negative count', { total: -1 }],
    ['a fraction', { total: 1.5 }],
    ['nothing at all', undefined],
  ])('refuses a result with %s', async (_label, result) => {
    const broken = handlersAnswering({ 'app.getUnreadCount': () => result });
    const error = await rejectionOf(dispatchCall(broken, 'app.getUnreadCount', {}));
    expect(error.kind).toBe('invalid-result');
  });

  it('refuses a first-run result whose protection kind is not in the contract', async () => {
    const broken = handlersAnswering({ 'app.getFirstRun': () => ({ ...firstRun, protections: [{ kind: 'smartcard', available: true }] }) });
    expect((await rejectionOf(dispatchCall(broken, 'app.getFirstRun', {}))).kind).toBe('invalid-result');
  });

  it('passes a handler\'s HearthError through with its kind and message', async () => {
    const failing = handlersAnswering({
      'app.getInfo': () => {
        throw new HearthError('locked', 'The vault is locked.');
      },
    });
    expect((await rejectionOf(dispatchCall(failing, 'app.getInfo', {}))).toJSON()).toEqual({ kind: 'locked', message: 'The vault is locked.' });
  });

  it('answers any arguments at all with a result or an invalid-arguments error, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (args) => {
        try {
          await dispatchCall(handlers, 'app.getUnreadCount', args);
          return args === undefined || args === null || (typeof args === 'object' && !Array.isArray(args) && Object.keys(args).length === 0);
        } catch (error) {
          return error instanceof HearthError && error.kind === 'invalid-arguments';
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('answerCall', () => {
  const handlers = handlersAnswering({ 'app.getUnreadCount': () => ({ total: 5 }) });

  it('packs a success into a result frame that the client-side schema accepts', async () => {
    const frame = await answerCall(handlers, 12, 'app.getUnreadCount', {});
    expect(frame).toEqual({ type: 'result', id: 12, ok: true, result: { total: 5 } });
    expect(ServerFrame.safeParse(frame).success).toBe(true);
  });

  it('packs each kind of failure into an error frame with its kind', async () => {
    expect(await answerCall(handlers, 1, 'app.missing', {})).toMatchObject({ id: 1, ok: false, error: { kind: 'unknown-method' } });
    expect(await answerCall(handlers, 2, 'app.getUnreadCount', { x: 1 })).toMatchObject({ id: 2, ok: false, error: { kind: 'invalid-arguments' } });
    const broken = handlersAnswering({ 'app.getUnreadCount': () => ({ total: 'many' }) });
    const frame = await answerCall(broken, 3, 'app.getUnreadCount', {});
    expect(frame).toMatchObject({ id: 3, ok: false, error: { kind: 'invalid-result' } });
    expect(ServerFrame.safeParse(frame).success).toBe(true);
  });

  it('hides the message of a failure that is not a HearthError: it may carry paths or data', async () => {
    const failing = handlersAnswering({
      'app.getUnreadCount': () => {
        throw new Error('SQLITE_CORRUPT at /home/ada/.config/Hearth/vault.db');
      },
    });
    const frame = await answerCall(failing, 4, 'app.getUnreadCount', {});
    expect(frame).toMatchObject({ id: 4, ok: false, error: { kind: 'internal' } });
    expect(JSON.stringify(frame)).not.toContain('vault.db');
  });
});

describe('CallFrame', () => {
  it.each([
    ['a negative id', { type: 'call', id: -1, method: 'app.getInfo', args: {} }],
    ['a fractional id', { type: 'call', id: 1.5, method: 'app.getInfo', args: {} }],
    ['an id past 2^53', { type: 'call', id: 2 ** 53, method: 'app.getInfo', args: {} }],
    ['the wrong type', { type: 'result', id: 1, method: 'app.getInfo', args: {} }],
    ['an empty method', { type: 'call', id: 1, method: '', args: {} }],
    ['a huge method name', { type: 'call', id: 1, method: 'm'.repeat(101), args: {} }],
    ['no method', { type: 'call', id: 1, args: {} }],
  ])('refuses a frame with %s', (_label, frame) => {
    expect(CallFrame.safeParse(frame).success).toBe(false);
  });
});

describe('HearthClient', () => {
  /** A bridge that answers each method with what `answers` gives it, and counts calls. */
  function bridgeAnswering(answers: Record<string, () => Promise<unknown>>): HearthBridge & { calls: string[]; emit(event: string, payload: unknown): void } {
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    const calls: string[] = [];
    return {
      calls,
      invoke(method) {
        calls.push(method);
        const answer = answers[method];
        return answer ? answer() : Promise.reject({ kind: 'unknown-method', message: 'no' });
      },
      subscribe(event, listener) {
        const set = listeners.get(event) ?? new Set();
        set.add(listener);
        listeners.set(event, set);
        return () => set.delete(listener);
      },
      emit(event, payload) {
        for (const listener of listeners.get(event) ?? []) listener(payload);
      },
    };
  }

  it('returns results that match the contract', async () => {
    const client = new HearthClient(bridgeAnswering({ 'app.getFirstRun': async () => firstRun }));
    await expect(client.call('app.getFirstRun', {})).resolves.toEqual(firstRun);
  });

  it('refuses a malformed result from the other side', async () => {
    const client = new HearthClient(bridgeAnswering({ 'app.getFirstRun': async () => ({ ...firstRun, profileDir: 42 }), 'app.getUnreadCount': async () => ({ total: -4 }) }));
    expect((await rejectionOf(client.call('app.getFirstRun', {}))).kind).toBe('invalid-result');
    expect((await rejectionOf(client.call('app.getUnreadCount', {}))).kind).toBe('invalid-result');
  });

  it('turns a serialized error from the bridge into a HearthError of the same kind, and anything else into internal', async () => {
    const client = new HearthClient(
      bridgeAnswering({
        'app.getInfo': () => Promise.reject({ kind: 'locked', message: 'The vault is locked.' }),
        'app.getUnreadCount': () => Promise.reject(new TypeError('secret detail')),
      }),
    );
    expect((await rejectionOf(client.call('app.getInfo', {}))).toJSON()).toEqual({ kind: 'locked', message: 'The vault is locked.' });
    const hidden = await rejectionOf(client.call('app.getUnreadCount', {}));
    expect(hidden.kind).toBe('internal');
    expect(hidden.message).not.toContain('secret');
  });

  it('refuses an unknown method without bothering the bridge', async () => {
    const bridge = bridgeAnswering({});
    const client = new HearthClient(bridge);
    const error = await rejectionOf((client.call as (method: string, args: unknown) => Promise<unknown>)('app.deleteEverything', {}));
    expect(error.kind).toBe('unknown-method');
    expect(bridge.calls).toEqual([]);
  });

  it('delivers well-formed events and drops malformed ones', () => {
    const bridge = bridgeAnswering({});
    const client = new HearthClient(bridge);
    const seen: number[] = [];
    const stop = client.on('app.onDidChangeUnreadCount', ({ total }) => seen.push(total));
    bridge.emit('app.onDidChangeUnreadCount', { total: 2 });
    bridge.emit('app.onDidChangeUnreadCount', { total: 'two' });
    bridge.emit('app.onDidChangeUnreadCount', null);
    stop();
    bridge.emit('app.onDidChangeUnreadCount', { total: 9 });
    expect(seen).toEqual([2]);
  });
});
