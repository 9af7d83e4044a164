// Test hook: BATCHMAN_TEST_CRASH_AFTER_SUBMIT=N makes a launch (`batchman run`) die like `kill -9` right after its
// Nth successful submission, before anything records the job id: the one window of a crash that timing
// from outside cannot hit reliably. Unset (always, outside the crash-resume tests) it changes nothing.
import type { Scheduler } from '../slurm/scheduler.js';

export const CRASH_AFTER_SUBMIT_ENV = 'BATCHMAN_TEST_CRASH_AFTER_SUBMIT';

export function withTestCrashAfterSubmit(scheduler: Scheduler, env: NodeJS.ProcessEnv = process.env): Scheduler {
  const crashAfter = Number(env[CRASH_AFTER_SUBMIT_ENV]);
  if (!Number.isInteger(crashAfter) || crashAfter < 1) return scheduler;
  let submitted = 0;
  const submit = scheduler.submit.bind(scheduler);
  scheduler.submit = async (scriptPath, options) => {
    const result = await submit(scriptPath, options);
    if (++submitted === crashAfter) process.kill(process.pid, 'SIGKILL');
    return result;
  };
  return scheduler;
}
