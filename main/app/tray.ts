import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import { iconPng } from './icon-art';

/**
 * The tray (menu bar on macOS) icon: a way back to the window and to quit,
 * and the place the unread count shows as a tooltip.
 */
export function createTray(options: { appName: string; platform: NodeJS.Platform; onShow: () => void; onQuit: () => void }): Tray {
  const mac = options.platform === 'darwin';
  // 32 px at scale factor 2: a sharp 16-point icon.
  const image = nativeImage.createFromBuffer(iconPng(32, mac ? 'template' : 'app'), { scaleFactor: 2 });
  if (mac) image.setTemplateImage(true);
  const tray = new Tray(image);
  tray.setToolTip(options.appName);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: `Show ${options.appName}`, click: () => options.onShow() },
      { type: 'separator' },
      { label: `Quit ${options.appName}`, click: () => options.onQuit() },
    ]),
  );
  // macOS opens the menu on click; elsewhere a click brings the window back.
  if (!mac) tray.on('click', () => options.onShow());
  return tray;
}

/** The taskbar overlay for unread messages on Windows. */
export function unreadOverlayImage(): NativeImage {
  return nativeImage.createFromBuffer(iconPng(32, 'badge'), { scaleFactor: 2 });
}
