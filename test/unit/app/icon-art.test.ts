import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, iconPng, renderIcon } from '../../../main/app/icon-art';

function alphaAt(pixels: Uint8Array, size: number, x: number, y: number): number {
  return pixels[(y * size + x) * 4 + 3] ?? -1;
}

describe('renderIcon', () => {
  it('draws the app icon as an opaque square with transparent rounded corners', () => {
    const size = 64;
    const pixels = renderIcon(size, 'app');
    expect(pixels.length).toBe(size * size * 4);
    expect(alphaAt(pixels, size, 0, 0)).toBe(0);
    expect(alphaAt(pixels, size, size / 2, size / 2)).toBe(255);
  });

  it('draws the template and badge on transparency', () => {
    const template = renderIcon(32, 'template');
    expect(alphaAt(template, 32, 0, 0)).toBe(0);
    expect(Array.from({ length: 32 * 32 }, (_, i) => template[i * 4 + 3] ?? 0).some((alpha) => alpha === 255)).toBe(true);
    const badge = renderIcon(32, 'badge');
    expect(alphaAt(badge, 32, 16, 16)).toBe(255);
    expect(badge[(16 * 32 + 16) * 4]).toBeGreaterThan(200);
  });

  it('refuses sizes it cannot draw', () => {
    expect(() => renderIcon(0, 'app')).toThrow(RangeError);
    expect(() => renderIcon(1.5, 'app')).toThrow(RangeError);
  });
});

describe('encodePng', () => {
  it('writes a valid PNG whose pixels decode back to the input', () => {
    const size = 16;
    const pixels = renderIcon(size, 'badge');
    const png = iconPng(size, 'badge');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(size);
    expect(png.readUInt32BE(20)).toBe(size);

    const idatLength = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    const decoded = new Uint8Array(size * size * 4);
    for (let row = 0; row < size; row++) {
      expect(raw[row * (size * 4 + 1)]).toBe(0);
      decoded.set(raw.subarray(row * (size * 4 + 1) + 1, (row + 1) * (size * 4 + 1)), row * size * 4);
    }
    expect(decoded).toEqual(pixels);
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  });

  it('refuses pixel data of the wrong size', () => {
    expect(() => encodePng(new Uint8Array(10), 4)).toThrow(RangeError);
  });
});
