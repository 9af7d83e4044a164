// Carries out a `batchman new` plan: each job folder's files (never in a folder that holds output), then the
// batchfile's new rows.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic, writeFileAtomicIfChanged } from '../fsAtomic.js';
import { holdsOutput } from './plan.js';
import type { NewBatchPlan, PlannedJob } from './plan.js';

export interface WriteSummary {
  /** Jobs whose folder was made or whose inputs were written. */
  readonly written: readonly PlannedJob[];
  /** Jobs left alone: their folder holds output (some may have gained it since the plan). */
  readonly kept: readonly PlannedJob[];
  /** Jobs whose files were already as planned. */
  readonly unchanged: readonly PlannedJob[];
  readonly rowsAdded: number;
}

/** Writes what the plan says; a folder that holds output by now is kept, as the plan would have decided. */
export async function writePlan(plan: NewBatchPlan): Promise<WriteSummary> {
  const written: PlannedJob[] = [];
  const kept: PlannedJob[] = [];
  const unchanged: PlannedJob[] = [];
  for (const job of plan.jobs) {
    if (job.state === 'kept' || (await holdsOutput(job.path, job.program, job.basename))) {
      kept.push(job);
      continue;
    }
    if (job.state === 'same') {
      unchanged.push(job);
      continue;
    }
    await mkdir(job.path, { recursive: true });
    for (const file of job.files) await writeFileAtomicIfChanged(join(job.path, file.name), file.text);
    written.push(job);
  }
  if (!plan.batchfileExists || plan.addedRows > 0) {
    await mkdir(dirname(plan.batchfilePath), { recursive: true });
    await writeFileAtomic(plan.batchfilePath, plan.batchfileText);
  }
  return { written, kept, unchanged, rowsAdded: plan.addedRows };
}
