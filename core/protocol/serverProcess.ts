// How the language server process is started, shared by the extension and the benchmarks that measure it.

/**
 * A 10,000-row batchfile parses into a few hundred thousand short-lived objects per keystroke;
 * a larger young generation lets them die there instead of being copied into the old one,
 * which roughly halves parse time (measured by `npm run bench`).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
