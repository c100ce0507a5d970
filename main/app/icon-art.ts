import { crc32, deflateSync } from 'node:zlib';

/**
 * Hearth's icon, drawn in code: a flame on a warm rounded square. The tray,
 * the unread overlay and the packaged app icon (build/make-icon.mjs) all come
 * from here, so there are no binary assets to keep in step and nothing to
 * locate inside app.asar at run time.
 */

export type IconStyle =
  /** Full-colour app icon. */
  | 'app'
  /** A black flame on transparency: macOS template image for the menu bar. */
  | 'template'
  /** A red dot: the unread overlay on the Windows taskbar. */
  | 'badge';

type Rgba = readonly [number, number, number, number];

const EMBER: Rgba = [232, 100, 44, 255];
const CREAM: Rgba = [255, 244, 230, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const ALERT: Rgba = [214, 40, 40, 255];
const SUPERSAMPLES = 4;

/** Is (x, y) in [-1, 1]² inside an upward teardrop: a circle with a cone rising to a tip? */
function inFlame(x: number, y: number, scale: number): boolean {
  const cx = 0;
  const cy = 0.28 * scale;
  const r = 0.42 * scale;
  const tipY = -0.78 * scale;
  const dx = x - cx;
  const dy = y - cy;
  if (dx * dx + dy * dy <= r * r) return true;
  if (y < tipY || y > cy) return false;
  // The cone's half-width shrinks linearly from r at the circle's centre to 0 at the tip.
  const halfWidth = (r * (y - tipY)) / (cy - tipY);
  return Math.abs(dx) <= halfWidth;
}

function inRoundedSquare(x: number, y: number): boolean {
  const half = 0.92;
  const corner = 0.36;
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax > half || ay > half) return false;
  if (ax <= half - corner || ay <= half - corner) return true;
  const dx = ax - (half - corner);
  const dy = ay - (half - corner);
  return dx * dx + dy * dy <= corner * corner;
}

function colourAt(style: IconStyle, x: number, y: number): Rgba | null {
  switch (style) {
    case 'app':
      if (!inRoundedSquare(x, y)) return null;
      if (inFlame(x, y + 0.06, 0.62) && !inFlame(x, y - 0.12, 0.3)) return CREAM;
      return EMBER;
    case 'template':
      return inFlame(x, y + 0.05, 1) && !inFlame(x, y - 0.22, 0.42) ? BLACK : null;
    case 'badge':
      return x * x + y * y <= 0.9 * 0.9 ? ALERT : null;
  }
}

/** The icon as straight (non-premultiplied) RGBA pixels, anti-aliased by supersampling. */
export function renderIcon(size: number, style: IconStyle): Uint8Array {
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError('Icon size must be an integer from 1 to 4096.');
  const pixels = new Uint8Array(size * size * 4);
  const samples = SUPERSAMPLES * SUPERSAMPLES;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SUPERSAMPLES; sy++) {
        for (let sx = 0; sx < SUPERSAMPLES; sx++) {
          const x = ((px + (sx + 0.5) / SUPERSAMPLES) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / SUPERSAMPLES) / size) * 2 - 1;
          const colour = colourAt(style, x, y);
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered++;
        }
      }
      const at = (py * size + px) * 4;
      if (covered === 0) continue;
      pixels[at] = Math.round(r / covered);
      pixels[at + 1] = Math.round(g / covered);
      pixels[at + 2] = Math.round(b / covered);
      pixels[at + 3] = Math.round((255 * covered) / samples);
    }
  }
  return pixels;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG (8-bit RGBA, no interlace) of square RGBA pixels. */
export function encodePng(rgba: Uint8Array, size: number): Buffer {
  if (rgba.length !== size * size * 4) throw new RangeError('Pixel data does not match the icon size.');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  // Each scanline starts with filter type 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let row = 0; row < size; row++) {
    Buffer.from(rgba.buffer, rgba.byteOffset + row * size * 4, size * 4).copy(raw, row * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export function iconPng(size: number, style: IconStyle): Buffer {
  return encodePng(renderIcon(size, style), size);
}
