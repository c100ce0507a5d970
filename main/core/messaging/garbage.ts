import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A long transfer allocates a fresh buffer for every socket read and every
 * cipher call: hundreds of MB of short-lived garbage for a 100 MB file. V8
 * frees buffer memory only when it collects, and it waits until about 64 MB
 * of it piled up, which is most of the memory budget of a receiving process.
 * A young-generation collection every few MB keeps that pile small (it takes
 * about a millisecond: the pieces are all young). Where the collector cannot
 * be reached, nothing happens and memory is only higher.
 */
let collect: (() => void) | null | undefined;

export function collectTransferGarbage(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
      collect = () => gc({ type: 'minor' });
    } catch {
      collect = null;
    }
  }
  collect?.();
}

/** Calls collectTransferGarbage each time another `everyBytes` went through. */
export function garbageCollectorEvery(everyBytes: number): (total: number) => void {
  let next = everyBytes;
  return (total) => {
    if (total < next) return;
    next = total + everyBytes;
    collectTransferGarbage();
  };
}
