// @ts-check
/**
 * Writes build/icon.png, the packaged app's icon, from the same drawing the
 * tray uses (main/app/icon-art.ts). electron-builder derives the .icns and
 * .ico from this one 1024 px PNG. Run after changing the art:
 *   npx tsx build/make-icon.mjs
 */
import { writeFileSync } from 'node:fs';
import { iconPng } from '../main/app/icon-art.ts';

const SIZE = 1024;
writeFileSync(new URL('./icon.png', import.meta.url), iconPng(SIZE, 'app'));
console.log(`build/icon.png written (${SIZE}×${SIZE})`);
