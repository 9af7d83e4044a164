// `batchman run FILE`: takes the batch's runner lock, opens (or resumes) its record, and runs the loop
// to the end with a live table; `--detach` starts the same command in the background instead.
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { createScheduler, resolveExecutorKind } from '../executors/chooseExecutor.js';
import { ledgerPathFor } from '../ledger/ledger.js';
import type { LedgerRow } from '../ledger/ledger.js';
import { clearCancelRequest, readCancelRequest } from '../runner/cancelRequest.js';
import { createJobHooks } from '../runner/jobHooks.js';
import { LockHeldError, LockLostError, acquireRunnerLock, startHeartbeat } from '../runner/lock.js';
import { batchRecordPath, closeBatchRecord, createBatchRecord, heartbeat, listBatchRecords, newBatchRecordId, reopenBatchRecord, effectiveStatus } from '../runner/records.js';
import { runBatch } from '../runner/runner.js';
import type { RunnerUpdate } from '../runner/runner.js';
import { readBatchSettings } from '../runner/batchSettings.js';
import { isPidAlive } from '../runner/lock.js';
import { loadBatchfile, reportErrors } from './batchfileInput.js';
import type { CliOutput } from './output.js';
import { parseRunOptions, resolveMaxActive } from './runOptions.js';
import type { RunOptions } from './runOptions.js';
import { renderTruthTable } from './table.js';
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
  if (options.detach) return detach(args, rootPath, output);

  const executor = resolveExecutorKind(options.executor);
  const maxActive = resolveMaxActive(options.jobs, executor);
  const settings = await readBatchSettings(loaded.path);
  const ledgerPath = ledgerPathFor(loaded.path, options.ledger);
  const recordId = newBatchRecordId();

  let lock;
  try {
    lock = await acquireRunnerLock({ rootPath, batchfilePath: loaded.path, recordId });
  } catch (error) {
    if (error instanceof LockHeldError) {
      output.err(`batchman run: ${error.message}`);
      return EXIT.failed;
    }
    throw error;
  }

  const computed = { executor, jobs: maxActive, restartFailed: options.restartFailed, ledger: ledgerPath, maxRestarts: settings.maxRestarts };
  const lost = await lostRecordId(rootPath, loaded.path, lock.previous?.recordId ?? null);
  const record = lost
    ? await reopenBatchRecord(batchRecordPath(rootPath, lost))
    : await createBatchRecord({
        rootPath,
        batchfilePath: loaded.path,
        id: recordId,
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.message !== undefined ? { message: options.message } : {}),
        tags: options.tags,
        commandOptions: commandOptionsOf(options),
        computedOptions: computed,
      });
  if (lost) await lock.setRecordId(record.id);
  const recordPath = batchRecordPath(rootPath, record.id);
  output.err(`${lost ? 'resuming' : 'starting'} batch ${record.name} (run ${record.run_number}, ${executor}, up to ${maxActive} jobs at a time)`);

  let lockLost = false;
  const beating = startHeartbeat({
    beat: async (now) => {
      await lock.refreshHeartbeat(now);
      await heartbeat(recordPath, now);
    },
    onError: (error) => {
      if (error instanceof LockLostError) lockLost = true;
    },
  });

  const scheduler = createScheduler(executor);
  const draw = liveTable(options.file, output);
  try {
    const result = await runBatch({
      batchId: record.id,
      model: loaded.model,
      ledgerPath,
      scheduler,
      maxActive,
      pollFloorMs: executor === 'local' ? 1_000 : 5_000,
      hooks: {
        ...createJobHooks({ model: loaded.model, rootPath, settings, restartFailed: options.restartFailed }),
        // Another runner took the batch over (this one hung past the staleness limit): stop, touch nothing.
        heartbeat: async () => {
          if (lockLost) throw new LockLostError(lock.path, null);
        },
        takeCancelRequest: async () => {
          const request = await readCancelRequest(rootPath, loaded.path);
          if (request) await clearCancelRequest(rootPath, loaded.path);
          return request;
        },
      },
      onUpdate: draw,
    });
    await closeBatchRecord(recordPath, { status: result.cancelled ? 'canceled' : 'completed', counts: result.summary });
    const s = result.summary;
    output.err(`batch ${record.name}: ${s.succeeded}/${s.total} succeeded${s.failed ? `, ${s.failed} failed` : ''}${s.broken_dependency ? `, ${s.broken_dependency} broken dependency` : ''}${s.cancelled ? `, ${s.cancelled} cancelled` : ''}`);
    return s.succeeded === s.total ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (!(error instanceof LockLostError)) {
      await closeBatchRecord(recordPath, { status: 'internal_error', counts: null, error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
    }
    throw error;
  } finally {
    await beating.stop();
    await lock.release();
  }
}

/** The launch a dead runner left in progress, so this runner resumes it instead of starting another. */
async function lostRecordId(rootPath: string, batchfilePath: string, fromLock: string | null): Promise<string | null> {
  const records = await listBatchRecords(rootPath, batchfilePath);
  const now = Date.now();
  const lost = records.find((record) => (fromLock === null || record.id === fromLock) && effectiveStatus(record, now, isPidAlive) === 'lost');
  return lost?.id ?? null;
}

function commandOptionsOf(options: RunOptions): Record<string, unknown> {
  return { jobs: options.jobs, restartFailed: options.restartFailed, executor: options.executor, tags: options.tags, ...(options.ledger ? { ledger: options.ledger } : {}) };
}

/** Redraws in place on a terminal; elsewhere prints the table only when it changed. */
function liveTable(file: string, output: CliOutput): (update: RunnerUpdate) => void {
  let previous = '';
  return (update) => {
    const table = renderTruthTable(file, { jobs: update.rows.map(displayRow), summary: update.summary, ...(update.stale ? { stale: update.stale } : {}) });
    if (table === previous) return;
    previous = table;
    output.out(process.stdout.isTTY ? `\x1b[2J\x1b[H${table}` : `${table}\n`);
  };
}

function displayRow(row: LedgerRow) {
  return {
    basename: row.basename,
    status: row.status,
    jobId: row.jobId < 0 ? null : String(row.jobId),
    slurmState: row.slurmState ?? null,
    elapsed: null,
    cause: row.cause ?? null,
    reason: null,
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
