/**
 * How long the unlock screen waits before it accepts another try after
 * `failures` wrong passphrases in a row: none for the first two, then
 * doubling from 2 s up to 60 s. Argon2id already costs about a second per
 * guess; this makes a person at the keyboard guessing slower still.
 */
export function unlockDelayMs(failures: number): number {
  if (failures < 2) return 0;
  return Math.min(60_000, 1000 * 2 ** (failures - 1));
}
