// The dashboard's job detail, read from the job's folder when a job is chosen: every attempt's status history
// (earlier attempts from `<dir>_history_N`), run_info.json as it is on disk, the tail of the program's output, and
// what the job computed (energies, optimisation, frequencies, geometry and trajectory) read from that output, kept
// between reads by output file (detailResultsCache.ts): a running job's grown output is parsed again only so often.
import { open, readFile, stat } from 'node:fs/promises';
import { basename as pathBasename, join } from 'node:path';
import { DetailResultsCache } from './detailResultsCache.js';
import type { DashboardJobResults } from './jobResultsMessage.js';
import type { DashboardJobDetail, DashboardStatusEvent } from './protocol.js';
import { isErrno } from '../fsAtomic.js';
import { keyOf } from '../ledger/jobKey.js';
import { parseRunInfo, runInfoPath } from '../ledger/runInfo.js';
import { programById } from '../programs/catalog.js';
import { readTrajectory } from '../programs/results/trajectory.js';
import { readJobResults } from '../results/jobResults.js';
import type { RunInfo } from '../ledger/runInfo.js';
import { historyDirectory, listHistory } from '../runner/restart.js';
import type { JobStatus } from '../status.js';
import { isFinal } from '../status.js';
import { jobInputFile, jobOutputFile } from '../view/jobFiles.js';
import type { JobView } from '../view/jobView.js';

/** How much of the output's end is read, and how many of its last lines are shown. */
export const OUTPUT_TAIL_BYTES = 16 * 1024;
export const OUTPUT_TAIL_LINES = 60;
/** A run_info.json bigger than this is not shown whole (someone wrote something else there). */
const RUN_INFO_MAX_BYTES = 256 * 1024;

export interface JobDetailOptions {
  /** ISO 8601 for `at`; defaults to now. */
  now?: () => string;
  /** Where the results are kept between reads; defaults to the one every dashboard shares. */
  results?: DetailResultsCache<DashboardJobResults | null>;
}

/**
 * The results of the last few outputs read, shared by every dashboard: the chosen job's detail is read again on each
 * refresh (a running job's row changes on every poll tick), and parsing a 200 MB log takes seconds.
 */
const sharedResults = new DetailResultsCache<DashboardJobResults | null>();

export async function readJobDetail(job: JobView, options: JobDetailOptions = {}): Promise<DashboardJobDetail> {
  const [history, runInfo, outputTail, folder, results] = await Promise.all([
    statusHistory(job),
    readRunInfoText(job.directory),
    readOutputTail(job),
    isDirectory(job.directory),
    keptDetailResults(job, options.results ?? sharedResults),
  ]);
  return {
    key: keyOf(job),
    history,
    runInfo: runInfo.text,
    runInfoError: runInfo.error,
    outputTail,
    files: { output: jobOutputFile(job).exists, input: jobInputFile(job).exists, folder },
    results: results.value,
    ...(results.resultsAt !== undefined ? { resultsAt: results.resultsAt } : {}),
    at: options.now?.() ?? new Date().toISOString(),
  };
}

/** The results from the cache: a running job's may be an earlier read's, then with the time of that read. */
async function keptDetailResults(job: JobView, cache: DetailResultsCache<DashboardJobResults | null>): Promise<{ value: DashboardJobResults | null; resultsAt?: string }> {
  const program = programById(job.program);
  if (!program?.results) return { value: null };
  const kept = await cache.get(join(job.directory, `${job.basename}${program.outputExtension}`), job, () => readDetailResults(job));
  return kept.current ? { value: kept.value } : { value: kept.value, resultsAt: new Date(kept.readAt).toISOString() };
}

/**
 * What the job computed, null when its program has no results parser or its folder no output. Read, never written: a
 * view does not write `{basename}.json` (the runner does when the job ends); a current one is used as is.
 */
export async function readDetailResults(job: Pick<JobView, 'basename' | 'directory' | 'program'>): Promise<DashboardJobResults | null> {
  const program = programById(job.program);
  if (!program?.results) return null;
  const read = await readJobResults({ directory: job.directory, basename: job.basename, program: job.program }, { writeFile: false });
  const results = read.results;
  if (!results) return null;
  const trajectory = await readTrajectory(program.id, job.directory, job.basename, join(job.directory, `${job.basename}${program.outputExtension}`));
  return {
    normalTermination: results.normalTermination,
    scfEnergy: results.scfEnergy,
    finalEnergy: results.finalEnergy,
    zpe: results.zpe,
    enthalpy: results.enthalpy,
    gibbs: results.gibbs,
    temperature: results.temperature,
    frequencies: results.frequencies ? [...results.frequencies] : null,
    imaginaryFrequencies: results.imaginaryFrequencies,
    optimization: results.optimization,
    geometry: results.geometry ? [...results.geometry] : null,
    problems: [...results.problems],
    // One geometry is no trajectory: the final geometry shows it.
    trajectory: trajectory && trajectory.frames.length > 1 ? { elements: [...trajectory.elements], frames: trajectory.frames.map((frame) => ({ ...frame, coords: [...frame.coords] })), total: trajectory.total, source: trajectory.source } : null,
  };
}

/**
 * Oldest first. An earlier attempt's events come from its archived run_info.json (which records how it ended; an
 * attempt archived before that was recorded shows as failed, since only failures are restarted). The current
 * attempt's come from the ledger's times the view holds, which are fresher than its run_info.json.
 */
export async function statusHistory(job: JobView): Promise<DashboardStatusEvent[]> {
  const events: DashboardStatusEvent[] = [];
  const attempts = await listHistory(job.directory).catch(() => []);
  for (const [attempt, n] of attempts.entries()) {
    const info = await readRunInfoQuietly(historyDirectory(job.directory, n));
    if (!info) continue;
    const ended: JobStatus = isFinal(info.status) ? info.status : 'failed';
    events.push(...attemptEvents(attempt, info.submittedAt, info.startedAt, info.endedAt, ended));
  }
  const current = attempts.length;
  events.push(...attemptEvents(current, job.submittedAt ?? undefined, job.startedAt ?? undefined, job.endedAt ?? undefined, isFinal(job.status) ? job.status : undefined));
  return events;
}

function attemptEvents(attempt: number, submittedAt: string | undefined, startedAt: string | undefined, endedAt: string | undefined, ended: JobStatus | undefined): DashboardStatusEvent[] {
  const events: DashboardStatusEvent[] = [];
  if (submittedAt) events.push({ attempt, status: 'pending', at: submittedAt });
  if (startedAt) events.push({ attempt, status: 'running', at: startedAt });
  if (endedAt && ended) events.push({ attempt, status: ended, at: endedAt });
  return events;
}

async function readRunInfoQuietly(directory: string): Promise<RunInfo | undefined> {
  try {
    return parseRunInfo(await readFile(runInfoPath(directory), 'utf8'), runInfoPath(directory));
  } catch {
    return undefined;
  }
}

/** The file's text, pretty-printed when it is JSON; a missing file is no error, an unreadable one says why. */
async function readRunInfoText(directory: string): Promise<{ text: string | null; error: string | null }> {
  const path = runInfoPath(directory);
  try {
    const size = (await stat(path)).size;
    if (size > RUN_INFO_MAX_BYTES) return { text: null, error: `run_info.json is ${size} bytes; not shown` };
    const text = await readFile(path, 'utf8');
    try {
      return { text: JSON.stringify(JSON.parse(text), null, 2), error: null };
    } catch (error) {
      return { text, error: `run_info.json is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return { text: null, error: null };
    return { text: null, error: `run_info.json cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The last OUTPUT_TAIL_LINES lines of at most the last OUTPUT_TAIL_BYTES bytes (a 200 MB log costs one read). */
export async function readOutputTail(job: Pick<JobView, 'basename' | 'directory' | 'program' | 'jobId'>): Promise<DashboardJobDetail['outputTail']> {
  const file = jobOutputFile(job);
  if (!file.exists) return null;
  let handle;
  try {
    handle = await open(file.path, 'r');
  } catch {
    return null;
  }
  try {
    const size = (await handle.stat()).size;
    const length = Math.min(size, OUTPUT_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let text = buffer.toString('utf8');
    let truncated = size > length;
    // A cut through the first line (or a multi-byte character) is dropped rather than shown half.
    if (truncated) text = text.slice(text.indexOf('\n') + 1);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length > OUTPUT_TAIL_LINES) {
      lines.splice(0, lines.length - OUTPUT_TAIL_LINES);
      truncated = true;
    }
    return { fileName: pathBasename(file.path), text: lines.join('\n'), truncated };
  } finally {
    await handle.close();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
