// The scheduler that ran a batch: the executor its latest launch recorded, else SLURM when present.
import { createScheduler } from '../executors/chooseExecutor.js';
import type { ExecutorChoice } from '../executors/chooseExecutor.js';
import type { Scheduler } from '../slurm/scheduler.js';
import { latestBatchRecord } from './records.js';

export async function schedulerForBatch(rootPath: string, batchfilePath: string): Promise<Scheduler> {
  const record = await latestBatchRecord(rootPath, batchfilePath);
  const recorded = record?.computed_options?.executor;
  const choice: ExecutorChoice = recorded === 'slurm' || recorded === 'local' ? recorded : 'auto';
  return createScheduler(choice);
}
