import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { HearthClient } from '../../../shared/api';
import { createPreloadBridge, type BridgeIpc } from '../../../main/preload/bridge';

/** An ipcRenderer stand-in: records invokes, answers with a scripted reply, and can emit main's events. */
class FakeIpc implements BridgeIpc {
  readonly invoked: unknown[][] = [];
  readonly emitter = new EventEmitter();
  reply: unknown = { ok: true, result: null };

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return this.reply;
  }
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
    this.emitter.on(channel, listener);
    return this;
  }
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
    this.emitter.off(channel, listener);
    return this;
  }
  fromMain(name: string, payload: unknown) {
    this.emitter.emit('hearth:event', { sender: 'ipc-event-object' }, name, payload);
  }
}

describe('the preload bridge', () => {
  it('sends contract calls over hearth:call and returns the result', async () => {
    const ipc = new FakeIpc();
    ipc.reply = { ok: true, result: { total: 4 } };
    const bridge = createPreloadBridge(ipc);
    await expect(bridge.invoke('app.getUnreadCount', {})).resolves.toEqual({ total: 4 });
    expect(ipc.invoked).toEqual([['hearth:call', 'app.getUnreadCount', {}]]);
  });

  it('refuses methods outside the contract before anything reaches main', async () => {
    const ipc = new FakeIpc();
    const bridge = createPreloadBridge(ipc);
    for (const method of ['app.nope', 'hasOwnProperty', '__proto__']) {
      await expect(bridge.invoke(method, {})).rejects.toEqual({ kind: 'unknown-method', message: 'Unknown method.' });
    }
    expect(ipc.invoked).toEqual([]);
  });

  it('throws the serialized error of a failed call, which HearthClient turns back into a HearthError', async () => {
    const ipc = new FakeIpc();
    ipc.reply = { ok: false, error: { kind: 'locked', message: 'Unlock Hearth first.' } };
    const bridge = createPreloadBridge(ipc);
    await expect(bridge.invoke('app.getInfo', {})).rejects.toEqual({ kind: 'locked', message: 'Unlock Hearth first.' });
    await expect(new HearthClient(bridge).call('app.getInfo', {})).rejects.toMatchObject({ name: 'HearthError', kind: 'locked' });
  });

  it('treats a malformed reply as an internal error', async () => {
    const ipc = new FakeIpc();
    ipc.reply = { ok: false, error: { kind: 'not-a-kind', message: 'x' } };
    await expect(createPreloadBridge(ipc).invoke('app.getInfo', {})).rejects.toEqual({ kind: 'internal', message: 'Hearth sent a malformed reply.' });
  });

  it('delivers subscribed events without the IPC event object, and stops after unsubscribe', () => {
    const ipc = new FakeIpc();
    const bridge = createPreloadBridge(ipc);
    const unread = vi.fn();
    const vault = vi.fn();
    const offUnread = bridge.subscribe('app.onDidChangeUnreadCount', unread);
    const offVault = bridge.subscribe('app.onDidChangeVaultState', vault);
    ipc.fromMain('app.onDidChangeUnreadCount', { total: 2 });
    ipc.fromMain('app.onDidChangeVaultState', { state: 'locked' });
    expect(unread.mock.calls).toEqual([[{ total: 2 }]]);
    expect(vault.mock.calls).toEqual([[{ state: 'locked' }]]);

    offUnread();
    offUnread();
    ipc.fromMain('app.onDidChangeUnreadCount', { total: 3 });
    expect(unread).toHaveBeenCalledTimes(1);
    expect(ipc.emitter.listenerCount('hearth:event')).toBe(1);
    offVault();
    expect(ipc.emitter.listenerCount('hearth:event')).toBe(0);
  });

  it('counts the same listener subscribed twice as two subscriptions', () => {
    const ipc = new FakeIpc();
    const bridge = createPreloadBridge(ipc);
    const listener = vi.fn();
    const first = bridge.subscribe('app.onDidChangeUnreadCount', listener);
    bridge.subscribe('app.onDidChangeUnreadCount', listener);
    first();
    ipc.fromMain('app.onDidChangeUnreadCount', { total: 1 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('refuses to subscribe to events outside the contract', () => {
    const bridge = createPreloadBridge(new FakeIpc());
    expect(() => bridge.subscribe('app.onDidLeak', () => undefined)).toThrow();
  });
});
