import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The main window's size and position, remembered across runs in a small JSON
 * file in the profile folder. The file is ours but lives on disk, so it is
 * validated like any input; and the screen may have changed since (a monitor
 * unplugged), so the saved bounds are fitted to the displays there are now.
 */

export const WINDOW_STATE_FILE = 'window-state.json';

export const MIN_WIDTH = 640;
export const MIN_HEIGHT = 480;
export const DEFAULT_WIDTH = 1024;
export const DEFAULT_HEIGHT = 720;
/** Far larger than any real screen; stops a corrupt file from asking for a huge window. */
const MAX_DIMENSION = 16_384;
const MAX_COORDINATE = 100_000;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const WindowState = z.object({
  x: z.number().int().min(-MAX_COORDINATE).max(MAX_COORDINATE),
  y: z.number().int().min(-MAX_COORDINATE).max(MAX_COORDINATE),
  width: z.number().int().min(1).max(MAX_DIMENSION),
  height: z.number().int().min(1).max(MAX_DIMENSION),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

/** The saved state, or null when there is none or it is not valid. */
export async function loadWindowState(file: string): Promise<WindowState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = WindowState.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes via a temporary file and a rename, so a crash mid-write leaves the old state whole. */
export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  const valid = WindowState.parse(state);
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await writeFile(temporary, JSON.stringify(valid), { mode: 0o600 });
  await rename(temporary, file);
}

function overlapArea(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

function centeredIn(area: Rectangle, width: number, height: number): Rectangle {
  const w = Math.min(width, area.width);
  const h = Math.min(height, area.height);
  return { x: area.x + Math.round((area.width - w) / 2), y: area.y + Math.round((area.height - h) / 2), width: w, height: h };
}

/**
 * Bounds for the window given the displays' work areas (the first is the
 * primary): the saved bounds, shrunk to fit and pulled fully onto the display
 * they overlap most; centred on the primary display when they overlap none
 * (or there is no saved state).
 */
export function fitToDisplays(saved: WindowState | null, workAreas: readonly Rectangle[]): Rectangle & { maximized: boolean } {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT };
  if (!saved) return { ...centeredIn(primary, DEFAULT_WIDTH, DEFAULT_HEIGHT), maximized: false };

  let best: Rectangle | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const overlap = overlapArea(saved, area);
    if (overlap > bestArea) {
      best = area;
      bestArea = overlap;
    }
  }
  const width = Math.max(saved.width, MIN_WIDTH);
  const height = Math.max(saved.height, MIN_HEIGHT);
  if (!best) return { ...centeredIn(primary, width, height), maximized: saved.maximized };

  const w = Math.min(width, best.width);
  const h = Math.min(height, best.height);
  const x = Math.min(Math.max(saved.x, best.x), best.x + best.width - w);
  const y = Math.min(Math.max(saved.y, best.y), best.y + best.height - h);
  return { x, y, width: w, height: h, maximized: saved.maximized };
}
