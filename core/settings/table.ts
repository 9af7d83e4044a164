// Every `batchman.*` setting, declared once: key, type, default, scope, who reads it and what a change of it restarts.
// The manifest's contributes.configuration is checked against this table; readers and change handlers derive from it.
import { DEFAULT_LEDGER_NAME } from '../ledger/ledger.js';
import { choice, flag, number, text } from './spec.js';

/** The configuration section every key lives under. */
export const SETTINGS_SECTION = 'batchman';

export const SETTINGS = {
  pipeStyle: choice({ key: 'pipeStyle', values: ['angle', 'brace'], default: 'brace', scope: 'resource', readBy: 'languageServer', onChange: 'revalidate' }),
  debounceMs: number({ key: 'diagnostics.debounceMs', default: 150, minimum: 0, scope: 'resource', readBy: 'languageServer', onChange: 'revalidate' }),
  checkDisk: flag({ key: 'diagnostics.checkDisk', default: true, scope: 'resource', readBy: 'languageServer', onChange: 'revalidate' }),
  // The language client library reads `<client id>.trace.server` when it starts the server.
  traceServer: choice({ key: 'trace.server', values: ['off', 'messages', 'verbose'], default: 'off', scope: 'window', readBy: 'languageClient', onChange: 'restartLanguageServer' }),
  executor: choice({ key: 'executor', values: ['auto', 'slurm', 'local'], default: 'auto', scope: 'resource', readBy: 'extension', onChange: 'restartMonitor' }),
  // Seconds in the manifest, milliseconds in the code; a smaller value is raised to the floor rather than refused.
  pollFloorMs: number({
    key: 'poll.floorSeconds',
    default: 5,
    minimum: 1,
    scope: 'window',
    readBy: 'extension',
    onChange: 'restartMonitor',
    parse: (seconds) => (Number.isFinite(seconds) ? Math.max(1, seconds) * 1000 : undefined),
  }),
  // Paths of programs the extension runs: machine scope, so a workspace cannot choose them.
  sbatchPath: text({ key: 'slurm.sbatchPath', default: 'sbatch', parse: commandName, scope: 'machine', readBy: 'extension', onChange: 'restartMonitor' }),
  squeuePath: text({ key: 'slurm.squeuePath', default: 'squeue', parse: commandName, scope: 'machine', readBy: 'extension', onChange: 'restartMonitor' }),
  sacctPath: text({ key: 'slurm.sacctPath', default: 'sacct', parse: commandName, scope: 'machine', readBy: 'extension', onChange: 'restartMonitor' }),
  scancelPath: text({ key: 'slurm.scancelPath', default: 'scancel', parse: commandName, scope: 'machine', readBy: 'extension', onChange: 'restartMonitor' }),
  notifyBatchEnded: choice({ key: 'notifications.batchEnded', values: ['always', 'onFailure', 'never'], default: 'always', scope: 'window', readBy: 'extension', onChange: 'readWhenUsed' }),
  notifyJobFailed: choice({ key: 'notifications.jobFailed', values: ['always', 'never'], default: 'always', scope: 'window', readBy: 'extension', onChange: 'readWhenUsed' }),
  ledgerName: text({ key: 'ledgerName', default: DEFAULT_LEDGER_NAME, parse: fileName, scope: 'resource', readBy: 'extension', onChange: 'restartMonitor' }),
  groupByStatus: flag({ key: 'tree.groupByStatus', default: false, scope: 'window', readBy: 'extension', onChange: 'regroupTree' }),
} as const;

/** A command is a name on PATH or a path; surrounding blanks are a typing slip. */
function commandName(value: string): string | undefined {
  const name = value.trim();
  return name === '' ? undefined : name;
}

/** A file name beside the batchfile; a path that climbs out of the folder is not one. */
function fileName(value: string): string | undefined {
  const name = value.trim();
  if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') return undefined;
  return name;
}
