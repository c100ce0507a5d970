import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, fitToDisplays, loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState, type Rectangle } from '../../../main/app/window-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-window-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const laptop: Rectangle = { x: 0, y: 0, width: 1440, height: 900 };
const monitorRight: Rectangle = { x: 1440, y: 0, width: 2560, height: 1440 };

describe('window state file', () => {
  it('round-trips a saved state', async () => {
    const file = join(dir, 'nested', 'window-state.json');
    const state = { x: 100, y: 80, width: 1200, height: 800, maximized: true };
    await saveWindowState(file, state);
    expect(await loadWindowState(file)).toEqual(state);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state);
  });

  it('treats a missing, corrupt or out-of-range file as no state', async () => {
    const file = join(dir, 'window-state.json');
    expect(await loadWindowState(file)).toBeNull();
    for (const text of ['{not json', '[]', 'null', '{"x":1}', JSON.stringify({ x: 0, y: 0, width: 1e9, height: 600, maximized: false }), JSON.stringify({ x: 0.5, y: 0, width: 800, height: 600, maximized: false }), JSON.stringify({ x: 0, y: 0, width: 800, height: 600, maximized: 'yes' })]) {
      writeFileSync(file, text);
      expect(await loadWindowState(file), text).toBeNull();
    }
  });

  it('refuses to write an invalid state', async () => {
    await expect(saveWindowState(join(dir, 's.json'), { x: 0, y: 0, width: -5, height: 600, maximized: false })).rejects.toThrow();
  });
});

describe('fitToDisplays', () => {
  it('centres a default-sized window on the primary display when nothing is saved', () => {
    expect(fitToDisplays(null, [laptop, monitorRight])).toEqual({ x: (1440 - DEFAULT_WIDTH) / 2, y: (900 - DEFAULT_HEIGHT) / 2, width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, maximized: false });
  });

  it('keeps a saved position that is fully visible', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(saved, [laptop, monitorRight])).toEqual(saved);
  });

  it('re-centres a window left on a display that is gone', () => {
    const fitted = fitToDisplays({ x: 1600, y: 100, width: 1200, height: 800, maximized: true }, [laptop]);
    expect(fitted).toEqual({ x: 120, y: 50, width: 1200, height: 800, maximized: true });
  });

  it('pulls a half-off-screen window fully onto the display it overlaps most', () => {
    const fitted = fitToDisplays({ x: 1000, y: -200, width: 800, height: 600, maximized: false }, [laptop, monitorRight]);
    expect(fitted).toEqual({ x: 640, y: 0, width: 800, height: 600, maximized: false });
  });

  it('shrinks a window larger than its display, and grows a tiny one to the minimum', () => {
    expect(fitToDisplays({ x: 0, y: 0, width: 4000, height: 3000, maximized: false }, [laptop])).toEqual({ x: 0, y: 0, width: 1440, height: 900, maximized: false });
    expect(fitToDisplays({ x: 10, y: 10, width: 50, height: 40, maximized: false }, [laptop])).toEqual({ x: 10, y: 10, width: MIN_WIDTH, height: MIN_HEIGHT, maximized: false });
  });

  it('still returns bounds when no display is reported', () => {
    expect(fitToDisplays(null, [])).toMatchObject({ width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT });
  });
});
