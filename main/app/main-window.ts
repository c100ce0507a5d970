import { BrowserWindow, nativeImage, screen, type WebPreferences } from 'electron';
import { fitToDisplays, loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState, type WindowState } from './window-state';
import { iconPng } from './icon-art';

/** Saving waits this long after the last move or resize, so dragging does not write on every pixel. */
const SAVE_DELAY_MS = 500;

export interface MainWindowOptions {
  readonly title: string;
  readonly webPreferences: WebPreferences;
  readonly stateFile: string;
}

/**
 * The one main window, placed where the user left it (fitted to today's
 * displays) and shown once its first paint is ready so it never flashes
 * blank. `flushState` settles when the last position has been written.
 */
export async function createMainWindow(options: MainWindowOptions): Promise<{ window: BrowserWindow; flushState: () => Promise<void> }> {
  const saved = await loadWindowState(options.stateFile);
  const primary = screen.getPrimaryDisplay();
  const others = screen.getAllDisplays().filter((display) => display.id !== primary.id);
  const workAreas = [primary, ...others].map((display) => display.workArea);
  const bounds = fitToDisplays(saved, workAreas);

  const window = new BrowserWindow({
    title: options.title,
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    backgroundColor: '#1f1b18',
    icon: nativeImage.createFromBuffer(iconPng(256, 'app')),
    webPreferences: options.webPreferences,
  });
  if (bounds.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const capture = (): WindowState => {
    const normal = window.getNormalBounds();
    return { x: normal.x, y: normal.y, width: normal.width, height: normal.height, maximized: window.isMaximized() };
  };
  const save = (state: WindowState) => {
    writing = writing.then(() => saveWindowState(options.stateFile, state)).catch(() => console.warn('[app] could not save the window position'));
  };
  const scheduleSave = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!window.isDestroyed()) save(capture());
    }, SAVE_DELAY_MS);
  };
  window.on('resized', scheduleSave);
  window.on('moved', scheduleSave);
  window.on('maximize', scheduleSave);
  window.on('unmaximize', scheduleSave);
  window.on('close', () => {
    if (timer) clearTimeout(timer);
    timer = null;
    save(capture());
  });

  return { window, flushState: () => writing };
}
