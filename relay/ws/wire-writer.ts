/**
 * A minimal protobuf writer for the relay's hottest messages (the envelope it
 * stores, the push that carries it, the answer to a send): protobuf-es's
 * reflective encoder costs microseconds per message, and the relay writes
 * several per envelope. Each encoder built on this is checked byte for byte
 * against protobuf-es in test/unit/relay/wire-encoding.test.ts.
 */
export const WireType = { Varint: 0, LengthDelimited: 2 } as const;

export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

export class WireWriter {
  private at = 0;
  constructor(readonly buffer: Buffer) {}

  static sized(size: number): WireWriter {
    return new WireWriter(Buffer.allocUnsafe(size));
  }

  varint(value: number): this {
    while (value >= 0x80) {
      this.buffer[this.at++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.at++] = value;
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  bytes(value: Uint8Array): this {
    this.buffer.set(value, this.at);
    this.at += value.length;
    return this;
  }

  /** The bytes written, which must be all of them: the size was computed up front. */
  finish(): Buffer {
    if (this.at !== this.buffer.length) throw new RangeError(`Wrote ${this.at} of ${this.buffer.length} bytes.`);
    return this.buffer;
  }
}

/** Size of a length-delimited field's tag and length prefix (tag < 16 takes one byte). */
export function delimitedSize(field: number, length: number): number {
  return varintSize(field * 8 + WireType.LengthDelimited) + varintSize(length) + length;
}
