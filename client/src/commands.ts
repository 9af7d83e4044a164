// The one place command ids are spelled: package.json's contributions and the registrations both follow this table
// (test/unit/contributions.test.ts checks the manifest against it; extension.ts registers a handler per key).
// No 'vscode' import here, so the unit test can load the table.

export const COMMANDS = {
  launch: 'batchman.launch',
  cancelBatch: 'batchman.cancelBatch',
  restartFailed: 'batchman.restartFailed',
  restartJob: 'batchman.restartJob',
  refresh: 'batchman.refresh',
  validate: 'batchman.validate',
  openBatchfile: 'batchman.openBatchfile',
  cancelJob: 'batchman.cancelJob',
  openJobOutput: 'batchman.openJobOutput',
  openJobInput: 'batchman.openJobInput',
  openJobFolder: 'batchman.openJobFolder',
  openJobTerminal: 'batchman.openJobTerminal',
  copyJobId: 'batchman.copyJobId',
  groupByStatus: 'batchman.groupByStatus',
  ungroup: 'batchman.ungroup',
  showBatches: 'batchman.showBatches',
  showLog: 'batchman.showLog',
  openDashboard: 'batchman.openDashboard',
  newBatch: 'batchman.newBatch',
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey];

/** Ids of the views and containers, spelled once too. */
export const VIEWS = {
  container: 'batchman',
  batches: 'batchman.batches',
  /** The dashboard webview panel's type (its serializer restores panels of this type after a reload). */
  dashboard: 'batchman.dashboard',
} as const;

/** Context keys the manifest's `when` clauses read. */
export const CONTEXT_KEYS = {
  groupByStatus: 'batchman.groupByStatus',
} as const;

/** Commands that start or stop work: refused in an untrusted workspace. */
export const TRUSTED_ONLY: ReadonlySet<CommandKey> = new Set<CommandKey>(['launch', 'cancelBatch', 'cancelJob', 'restartFailed', 'restartJob']);
