// Typed errors for on-disk files Batchman cannot trust: they name the file, the line and the reason.

/** The ledger cannot be read as a ledger; `line` is 1-based (1 = the header). */
export class LedgerCorruptError extends Error {
  override readonly name = 'LedgerCorruptError';
  constructor(
    readonly path: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${path}:${line}: corrupt ledger: ${reason}`);
  }
}

/** A job folder's run_info.json cannot be read; `line` is 1-based when the position is known. */
export class RunInfoCorruptError extends Error {
  override readonly name = 'RunInfoCorruptError';
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${path}${line === undefined ? '' : `:${line}`}: corrupt run_info.json: ${reason}`);
  }
}
