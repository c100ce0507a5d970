import { describe, expect, it, vi } from 'vitest';
import { dispatchCall, type HearthBridge } from '../../../shared/api';
import { createCore } from '../../../main/core/core';
import { APP_ORIGIN } from '../../../main/app/app-origin';
import { CALL_CHANNEL as MAIN_CALL_CHANNEL, EVENT_CHANNEL as MAIN_EVENT_CHANNEL } from '../../../main/app/ipc/channels';
import { createCallHandler, createEventForwarder, type CallEvent, type EventRecipient } from '../../../main/app/ipc/contract-ipc';
import { CALL_CHANNEL as PRELOAD_CALL_CHANNEL, EVENT_CHANNEL as PRELOAD_EVENT_CHANNEL } from '../../../main/preload/channels';

/** The real core, in-process: the same handlers the worker runs, behind the contract dispatcher. */
function inProcessCore(): Pick<HearthBridge, 'invoke'> & { invoke: ReturnType<typeof vi.fn> } {
  const core = createCore({ profileDir: '/profiles/alice', host: 'electron', keychainAvailable: false, keychainUnavailableReason: 'no keychain here', defaultRelayUrl: 'ws://127.0.0.1:7443' });
  return { invoke: vi.fn((method: string, args: unknown) => dispatchCall(core.handlers, method, args)) };
}

const OWN_CONTENTS_ID = 7;
const ownEvent = (url = 'app://hearth/index.html'): CallEvent => ({ sender: { id: OWN_CONTENTS_ID }, senderFrame: { url, parent: null } });

function handler(core = inProcessCore()) {
  return { core, handle: createCallHandler({ core, appOrigin: APP_ORIGIN, isOwnContents: (sender) => sender.id === OWN_CONTENTS_ID }) };
}

describe('the hearth:call handler', () => {
  it('answers a valid call from our window with the core result', async () => {
    const { handle } = handler();
    const reply = await handle(ownEvent(), 'app.getFirstRun', {});
    expect(reply).toMatchObject({ ok: true, result: { profileDir: '/profiles/alice', protections: [{ kind: 'keychain', available: false, reason: 'no keychain here' }, { kind: 'passphrase', available: true }] } });
  });

  it('refuses an unknown method with a typed error, without asking the core', async () => {
    const { core, handle } = handler();
    for (const method of ['app.nope', '__proto__', 'constructor', 42, null, undefined, 'x'.repeat(10_000)]) {
      expect(await handle(ownEvent(), method, {})).toEqual({ ok: false, error: { kind: 'unknown-method', message: 'Unknown method.' } });
    }
    expect(core.invoke).not.toHaveBeenCalled();
  });

  it('refuses malformed arguments with a typed error, without asking the core', async () => {
    const { core, handle } = handler();
    for (const args of [{ extra: true }, 'string', [1, 2], 5]) {
      const reply = await handle(ownEvent(), 'app.getInfo', args);
      expect(reply).toMatchObject({ ok: false, error: { kind: 'invalid-arguments' } });
    }
    expect(core.invoke).not.toHaveBeenCalled();
  });

  it('treats missing arguments as empty ones', async () => {
    const { handle } = handler();
    expect(await handle(ownEvent(), 'app.getUnreadCount', undefined)).toEqual({ ok: true, result: { total: 0 } });
  });

  it('refuses calls from another window, a subframe, a foreign page or a vanished frame', async () => {
    const { core, handle } = handler();
    const cases: CallEvent[] = [
      { sender: { id: OWN_CONTENTS_ID + 1 }, senderFrame: { url: 'app://hearth/index.html', parent: null } },
      { sender: { id: OWN_CONTENTS_ID }, senderFrame: { url: 'app://hearth/index.html', parent: { url: 'app://hearth/index.html', parent: null } } },
      ownEvent('https://evil.example/'),
      { sender: { id: OWN_CONTENTS_ID }, senderFrame: null },
    ];
    for (const event of cases) {
      expect(await handle(event, 'app.getInfo', {})).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    }
    expect(core.invoke).not.toHaveBeenCalled();
  });

  it('resolves with the core failure as a value, never rejecting', async () => {
    const failing = { invoke: vi.fn(async () => Promise.reject({ kind: 'locked', message: 'Unlock Hearth first.' })) };
    const { handle } = handler(failing);
    await expect(handle(ownEvent(), 'app.getInfo', {})).resolves.toEqual({ ok: false, error: { kind: 'locked', message: 'Unlock Hearth first.' } });
  });

  it('hides the detail of an unexpected failure', async () => {
    const failing = { invoke: vi.fn(async () => Promise.reject(new Error('/home/alice/secret path'))) };
    const { handle } = handler(failing);
    const reply = await handle(ownEvent(), 'app.getInfo', {});
    expect(reply).toEqual({ ok: false, error: { kind: 'internal', message: 'An unexpected error occurred inside Hearth.' } });
  });

  it('uses the same channel names as the preload', () => {
    expect(MAIN_CALL_CHANNEL).toBe(PRELOAD_CALL_CHANNEL);
    expect(MAIN_EVENT_CHANNEL).toBe(PRELOAD_EVENT_CHANNEL);
  });
});

describe('createEventForwarder', () => {
  function recipient(url = 'app://hearth/index.html') {
    const sent: unknown[][] = [];
    const target: EventRecipient & { destroyed: boolean } = {
      destroyed: false,
      isDestroyed() {
        return this.destroyed;
      },
      mainFrame: { url, parent: null },
      send: (...args: unknown[]) => void sent.push(args),
    };
    return { target, sent };
  }

  it('forwards contract events with valid payloads to our page', () => {
    const { target, sent } = recipient();
    const forward = createEventForwarder({ appOrigin: APP_ORIGIN, target: () => target });
    forward('app.onDidChangeUnreadCount', { total: 3 });
    expect(sent).toEqual([['hearth:event', 'app.onDidChangeUnreadCount', { total: 3 }]]);
  });

  it('drops unknown events, malformed payloads, and pages that are not ours', () => {
    const ours = recipient();
    const forward = createEventForwarder({ appOrigin: APP_ORIGIN, target: () => ours.target });
    forward('app.onDidLeakSecrets', { total: 1 });
    forward('app.onDidChangeUnreadCount', { total: -1 });
    forward('app.onDidChangeVaultState', { state: 'exploded' });
    ours.target.destroyed = true;
    forward('app.onDidChangeUnreadCount', { total: 1 });
    expect(ours.sent).toEqual([]);

    const foreign = recipient('https://evil.example/');
    createEventForwarder({ appOrigin: APP_ORIGIN, target: () => foreign.target })('app.onDidChangeUnreadCount', { total: 1 });
    expect(foreign.sent).toEqual([]);

    expect(() => createEventForwarder({ appOrigin: APP_ORIGIN, target: () => null })('app.onDidChangeUnreadCount', { total: 1 })).not.toThrow();
  });
});
