import type { MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  /** Developer tools and reload only in development: a pasted console snippet must not reach window.hearth in a release. */
  readonly isDevelopment: boolean;
  readonly onShowWindow: () => void;
}

/**
 * The application menu: the usual roles, so shortcuts (copy, paste, zoom,
 * close, quit) behave as on every other app of the platform. On macOS the
 * first menu is the app menu; elsewhere Quit lives under File.
 */
export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];

  if (mac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }

  template.push({
    label: '&File',
    submenu: mac ? [{ role: 'close' }] : [{ role: 'quit' }],
  });

  template.push({
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { role: 'selectAll' },
    ],
  });

  template.push({
    label: '&View',
    submenu: [
      ...(options.isDevelopment ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });

  template.push({
    label: '&Window',
    role: 'window',
    submenu: [
      { role: 'minimize' },
      ...(mac ? ([{ role: 'zoom' }, { type: 'separator' }, { role: 'front' }] as const) : ([{ role: 'close' }] as const)),
      { type: 'separator' },
      { label: `Show ${options.appName}`, click: () => options.onShowWindow() },
    ],
  });

  // macOS puts About in the app menu and fills Help with its own search field.
  template.push({ label: '&Help', role: 'help', submenu: mac ? [] : [{ role: 'about' }] });

  return template;
}
