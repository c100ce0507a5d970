import { randomFillSync } from 'node:crypto';

/**
 * Random bytes handed out from a buffer refilled 64 KiB at a time: a call to
 * the system's generator costs microseconds whatever its size, and the relay
 * needs 16 fresh bytes for every envelope.
 */
export class RandomPool {
  private readonly buffer = Buffer.allocUnsafe(64 * 1024);
  private offset = this.buffer.length;

  /** `length` fresh random bytes (a copy: callers may keep them). */
  take(length: number): Buffer {
    if (length > this.buffer.length) throw new RangeError('Ask for fewer random bytes.');
    if (this.offset + length > this.buffer.length) {
      randomFillSync(this.buffer);
      this.offset = 0;
    }
    const bytes = Buffer.from(this.buffer.subarray(this.offset, this.offset + length));
    // Overwrite what was handed out so the pool never holds a copy of an id in use.
    this.buffer.fill(0, this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
}
