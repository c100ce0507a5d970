import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LARGE_PADDING_STEP, MIN_PADDED_LENGTH, padContent, paddedLength, ProtocolError, unpadContent } from '../../../main/core/protocol';

describe('message padding', () => {
  it('pads to power-of-two buckets from 256 bytes, then to 64 KiB steps', () => {
    expect(MIN_PADDED_LENGTH).toBe(256);
    expect(paddedLength(0)).toBe(256);
    expect(paddedLength(255)).toBe(256);
    expect(paddedLength(256)).toBe(512); // the terminator needs one more byte
    expect(paddedLength(1000)).toBe(1024);
    expect(paddedLength(4095)).toBe(4096);
    expect(paddedLength(65_535)).toBe(65_536);
    expect(paddedLength(65_536)).toBe(2 * LARGE_PADDING_STEP);
    expect(paddedLength(200_000)).toBe(4 * LARGE_PADDING_STEP);
    expect(() => paddedLength(-1)).toThrow(RangeError);
  });

  it('round-trips any content, and the padded length depends only on the bucket', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (content) => {
        const padded = padContent(content);
        expect(padded.length).toBe(paddedLength(content.length));
        expect(padded[content.length]).toBe(0x80);
        expect(unpadContent(padded)).toEqual(content);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps trailing zeros and 0x80 bytes that belong to the content', () => {
    const content = Uint8Array.from([1, 0x80, 0, 0]);
    expect(unpadContent(padContent(content))).toEqual(content);
  });

  it('refuses what a Hearth sender would not produce', () => {
    const refuse = (bytes: Uint8Array) => expect(() => unpadContent(bytes)).toThrow(ProtocolError);
    refuse(new Uint8Array(256)); // no terminator
    refuse(new Uint8Array(0));
    const padded = padContent(Uint8Array.from([1, 2, 3]));
    refuse(padded.slice(0, 200)); // not a bucket size
    const wider = new Uint8Array(512);
    wider.set(padded);
    refuse(wider); // a larger bucket than the content needs
    const junk = Uint8Array.from(padded);
    junk[3] = 0x81;
    refuse(junk); // the last non-zero byte is not the terminator
  });
});
