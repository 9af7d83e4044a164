// What the page may ask of the host, checked: the page names a job and an action, or one of the batch's own files;
// the host maps that to a command or to a path it knows itself. Page text is never taken as a path or a command.
import type { DashboardBatchFile, DashboardJobAction } from '../../../core/dashboard/protocol.js';
import { COMMANDS } from '../commands.js';
import type { CommandId } from '../commands.js';

/** The command behind each job button; each accepts `{ batchId, basename }`. */
export const JOB_ACTION_COMMANDS: Readonly<Record<DashboardJobAction, CommandId>> = {
  openOutput: COMMANDS.openJobOutput,
  openInput: COMMANDS.openJobInput,
  openFolder: COMMANDS.openJobFolder,
  cancel: COMMANDS.cancelJob,
  restart: COMMANDS.restartJob,
};

const BATCH_FILES: ReadonlySet<string> = new Set<DashboardBatchFile>(['root', 'ledger', 'batchfile']);

/** The command of a job action, or undefined for anything the table does not name. */
export function jobActionCommand(action: unknown): CommandId | undefined {
  return typeof action === 'string' && Object.hasOwn(JOB_ACTION_COMMANDS, action) ? JOB_ACTION_COMMANDS[action as DashboardJobAction] : undefined;
}

export function isBatchFile(which: unknown): which is DashboardBatchFile {
  return typeof which === 'string' && BATCH_FILES.has(which);
}

/** The batch a restored page was showing (its saved DashboardViewState), if it says. */
export function savedBatchId(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const batchId = (state as { batchId?: unknown }).batchId;
  return typeof batchId === 'string' && batchId !== '' ? batchId : undefined;
}
