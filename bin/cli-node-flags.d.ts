/** Node flags the `hearth` command-line client runs with (see cli-node-flags.js). */
export declare const CLI_NODE_FLAGS: readonly string[];
