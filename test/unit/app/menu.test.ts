import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate } from '../../../main/app/menu';

function roles(items: MenuItemConstructorOptions[] | undefined): string[] {
  return (items ?? []).flatMap((item) => (item.role ? [item.role] : item.type === 'separator' ? [] : [item.label ?? '?']));
}
function submenu(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const menu = template.find((item) => item.label === label);
  return Array.isArray(menu?.submenu) ? menu.submenu : [];
}
const build = (platform: NodeJS.Platform, isDevelopment = false) => buildMenuTemplate({ platform, appName: 'Hearth', isDevelopment, onShowWindow: vi.fn() });

describe('buildMenuTemplate', () => {
  it('leads with the app menu on macOS, with quit there', () => {
    const template = build('darwin');
    expect(template.map((item) => item.label)).toEqual(['Hearth', '&File', '&Edit', '&View', '&Window', '&Help']);
    expect(roles(submenu(template, 'Hearth'))).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(roles(submenu(template, '&File'))).toEqual(['close']);
  });

  it('puts quit under File elsewhere, and About under Help', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const template = build(platform);
      expect(template.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
      expect(roles(submenu(template, '&File'))).toEqual(['quit']);
      expect(roles(submenu(template, '&Help'))).toEqual(['about']);
    }
  });

  it('has the standard editing roles, so the usual shortcuts work in text fields', () => {
    expect(roles(submenu(build('linux'), '&Edit'))).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
  });

  it('offers reload and developer tools only in development', () => {
    expect(roles(submenu(build('linux'), '&View'))).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(roles(submenu(build('linux', true), '&View'))).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('brings the window back from the Window menu', () => {
    const onShowWindow = vi.fn();
    const template = buildMenuTemplate({ platform: 'linux', appName: 'Hearth', isDevelopment: false, onShowWindow });
    const show = submenu(template, '&Window').find((item) => item.label === 'Show Hearth');
    show?.click?.({} as never, undefined, {} as never);
    expect(onShowWindow).toHaveBeenCalledOnce();
  });
});
