import { describe, expect, it, vi } from 'vitest';

const exposed = vi.hoisted(() => [] as Array<[string, unknown]>);

// Only Electron's side of the preload is replaced; the bridge under it is the real one.
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.push([key, api]) },
  ipcRenderer: { invoke: async () => ({ ok: true, result: null }), on: () => undefined, removeListener: () => undefined },
}));

describe('the preload entry', () => {
  it('exposes exactly one global, window.hearth, with exactly invoke and subscribe', async () => {
    await import('../../../main/preload/index');
    expect(exposed.map(([key]) => key)).toEqual(['hearth']);
    const api = exposed[0]?.[1] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'subscribe']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.subscribe).toBe('function');
  });
});
