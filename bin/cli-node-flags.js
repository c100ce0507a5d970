/**
 * Node flags the `hearth` command-line client runs with. A small young
 * generation: a transfer streams through short-lived 64 KiB buffers, and
 * V8's default nursery (up to 2 × 16 MiB) would hold ~30 MB of them between
 * collections — a sixth of a receiving process's budget. Node reads heap
 * flags only at start, so bin/hearth.js starts node again with them.
 */
export const CLI_NODE_FLAGS = ['--max-semi-space-size=1'];
