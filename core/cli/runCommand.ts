// `batchman run FILE`: takes the batch's runner lock, opens (or resumes) its record, and runs the loop
// to the end with live progress (runProgress.ts); `--detach` starts the same command in the background instead.
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { ledgerPathFor } from '../ledger/ledger.js';
import { launchBatch, resolveMaxActive } from '../runner/launch.js';
import { LockHeldError } from '../runner/lock.js';
import { loadBatchfile, reportErrors } from './batchfileInput.js';
import { chosenJobs } from './jobNames.js';
import { nothingToDo } from './nothingToDo.js';
import type { CliOutput } from './output.js';
import { parseRunOptions } from './runOptions.js';
import type { RunOptions } from './runOptions.js';
import { internalError } from './internalError.js';
import { runProgress } from './runProgress.js';
import { EXIT } from './usage.js';

export async function runCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const options = parseRunOptions(args);
  const loaded = await loadBatchfile(options.file);
  if (reportErrors(loaded, output)) return EXIT.failed;
  const rootPath = loaded.model.rootPath;
  if (!rootPath) {
    output.err(`${options.file}: the root folder cannot be resolved`);
    return EXIT.failed;
  }
  // A name that is unknown or several jobs' is refused before anything starts, detached or not.
  const restartJobs = options.restartJobs.length > 0 ? chosenJobs(loaded.model, options.restartJobs, options.file) : undefined;
  const rerunJobs = options.rerunJobs.length > 0 ? chosenJobs(loaded.model, options.rerunJobs, options.file) : undefined;
  // A batch whose jobs have all ended, with nothing asked to restart or rerun: say so rather than record a launch that does nothing.
  const idle = rerunJobs ? undefined : await nothingToDo(loaded.model, ledgerPathFor(loaded.path, options.ledger), loaded.path, { restartFailed: options.restartFailed, restartJobs });
  if (idle) {
    const restartable = idle.summary.failed + idle.summary.cancelled > 0;
    const restart = restartable ? `\n  to restart failed jobs by cause: batchman run -r ${options.file} (one job: -r --job NAME)` : '';
    output.err(`${options.file}: ${idle.message}${restart}\n  to run a job and what depends on it again: batchman run ${options.file} --rerun NAME`);
    return idle.summary.succeeded === idle.summary.total ? EXIT.ok : EXIT.failed;
  }
  if (options.detach) return detach(args, rootPath, output);

  try {
    const result = await launchBatch({
      batchfilePath: loaded.path,
      model: loaded.model,
      rootPath,
      executor: options.executor,
      maxActive: (executor) => resolveMaxActive(options.jobs, executor),
      restartFailed: options.restartFailed,
      ...(restartJobs ? { restartJobs } : {}),
      ...(rerunJobs ? { rerunJobs } : {}),
      tags: options.tags,
      commandOptions: commandOptionsOf(options),
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.message !== undefined ? { message: options.message } : {}),
      ...(options.ledger !== undefined ? { ledger: options.ledger } : {}),
      onStart: (record, resumed, computed) =>
        output.err(
          `${resumed ? 'resuming' : 'starting'} batch ${record.name} (run ${record.run_number}, ${computed.executor}, up to ${computed.jobs} jobs at a time)` +
            (computed.jobsReason !== undefined ? `\n  ${computed.jobsReason}` : ''),
        ),
      onUpdate: runProgress({ file: options.file, output, jobCount: loaded.model.jobs.length, tty: process.stdout.isTTY === true, rootPath }),
      onLog: (line) => output.err(logLine(line)),
    });
    const s = result.summary;
    output.err(`batch ${result.record.name}: ${s.succeeded}/${s.total} succeeded${s.failed ? `, ${s.failed} failed` : ''}${s.broken_dependency ? `, ${s.broken_dependency} broken dependency` : ''}${s.cancelled ? `, ${s.cancelled} cancelled` : ''}`);
    return s.succeeded === s.total ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof LockHeldError) {
      output.err(`batchman run: ${error.message}`);
      return EXIT.failed;
    }
    // The launch is closed as internal_error with this reason; what was submitted keeps running on the cluster.
    output.err(`batchman run: the runner stopped: ${internalError('run', error).replace(/^batchman run: internal error: /, '')}`);
    output.err(`  jobs already submitted go on; to resume the batch: batchman run ${options.file}`);
    return EXIT.failed;
  }
}

/** `12:03:04 runner: …`: the runner's log lines carry the local time, as a detached runner's log is read later. */
function logLine(line: string, at: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())} runner: ${line}`;
}

function commandOptionsOf(options: RunOptions): Record<string, unknown> {
  return {
    jobs: options.jobs,
    restartFailed: options.restartFailed,
    executor: options.executor,
    tags: options.tags,
    ...(options.rerunJobs.length > 0 ? { rerun: options.rerunJobs } : {}),
    ...(options.ledger ? { ledger: options.ledger } : {}),
  };
}

/** Starts this same command without --detach in its own session, logging to .batchman/runner.log. */
async function detach(args: readonly string[], rootPath: string, output: CliOutput): Promise<number> {
  const logDir = join(rootPath, '.batchman');
  await mkdir(logDir, { recursive: true });
  const logPath = join(logDir, 'runner.log');
  const log = await open(logPath, 'a');
  const script = process.argv[1]!;
  const child = spawn(process.execPath, [script, 'run', ...args.filter((arg) => arg !== '--detach')], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
    env: process.env,
  });
  child.unref();
  await log.close();
  output.out(`runner started in the background (pid ${child.pid}); log: ${logPath}`);
  return EXIT.ok;
}
