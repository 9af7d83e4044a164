// How the language server process is started, shared by the extension and the benchmarks that measure it.

/**
 * The server's live heap on a 10,000-row batchfile is ~25 MB; what a default Node adds on top is
 * garbage-collector headroom. A small young generation and a capped old one keep the process
 * under ~100 MB at the same speed (measured by `npm run bench`); the cap still leaves room for
 * batchfiles of several hundred thousand rows.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=1024'];
