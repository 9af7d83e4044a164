// What the page may ask of the host, mapped to VS Code: each job button to its command, and a restored panel's saved
// state to its batch. The session has checked the page's words first (core/dashboard/session.ts); page text is never
// taken as a path or a command.
import type { DashboardJobAction } from '../../../core/dashboard/protocol.js';
import { COMMANDS } from '../commands.js';
import type { CommandId } from '../commands.js';

/** The command behind each job button; each accepts `{ batchId, jobKey }`. */
export const JOB_ACTION_COMMANDS: Readonly<Record<DashboardJobAction, CommandId>> = {
  openOutput: COMMANDS.openJobOutput,
  openInput: COMMANDS.openJobInput,
  openFolder: COMMANDS.openJobFolder,
  cancel: COMMANDS.cancelJob,
  restart: COMMANDS.restartJob,
};

/** The batch a restored page was showing (its saved DashboardViewState), if it says. */
export function savedBatchId(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const batchId = (state as { batchId?: unknown }).batchId;
  return typeof batchId === 'string' && batchId !== '' ? batchId : undefined;
}
