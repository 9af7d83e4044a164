// A job's outcome from the program's own output, the SLURM end state and exit code, and slurm-{id}.out.
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { PROGRAMS, programById } from './catalog.js';
import type { ProgramId } from './catalog.js';
import { countOccurrences, linesContaining, readHead, readTail, scanLines, scanNeedles, visitLines } from './fileScan.js';
import type { FileSlice } from './fileScan.js';
import { jobFiles } from './files.js';
import { wrongFrequencies } from './frequencies.js';
import { ABNORMAL_SLURM_STATES, CAUSES, exitCodeCause } from './markers.js';
import type { VerdictFiles } from './program.js';
import { readSlurmEvidence } from './slurmOutput.js';

/**
 * `unfinished`: there is output but no end marker yet (still running, or nothing says it ended);
 * `no_output`: the output file does not exist (or predates this attempt).
 */
export type OutcomeStatus = 'succeeded' | 'failed' | 'unfinished' | 'no_output';

export interface Outcome {
  status: OutcomeStatus;
  /** Why it failed: a CAUSES value or `exit code N`. */
  cause?: string;
  /** The line (with its file) that decided, or what was missing. */
  evidence?: string;
}

export interface OutcomeQuery {
  /** A program id (case-insensitive, as in the batchfile). */
  program: ProgramId | string;
  jobDirectory: string;
  basename: string;
  /** SLURM's end state (sacct `State`, e.g. `COMPLETED`, `TIMEOUT`, `CANCELLED by 0`), when known. */
  slurmEndState?: string;
  /** The job script's exit status, when known. */
  exitCode?: number;
  /** Which `slurm-{id}.out` to read; the newest one when absent (pass it after a restart). */
  jobId?: number;
  /** Output and slurm files last modified before this (ms since the epoch) belong to an earlier attempt. */
  notBefore?: number;
}

// States after which the job is over; anything else (RUNNING, COMPLETING, PENDING…) is not.
const ENDED_STATES = new Set(['COMPLETED', 'FAILED', ...Object.keys(ABNORMAL_SLURM_STATES)]);

/**
 * Decides a job's outcome. Order: an abnormal SLURM end state (TIMEOUT…) > a failure the program
 * reports > SLURM's messages in slurm-{id}.out > a non-zero exit > the program's success markers
 * (exit code 0 for a program without markers, such as shell) > "ended without the markers" = program did not finish.
 */
export async function readOutcome(query: OutcomeQuery): Promise<Outcome> {
  const info = programById(query.program);
  if (!info) throw new RangeError(`unknown program "${query.program}"`);
  const program = info.id;
  const state = normaliseSlurmState(query.slurmEndState);
  const ended = query.exitCode !== undefined || (state !== undefined && ENDED_STATES.has(state));

  const abnormal = state === undefined ? undefined : ABNORMAL_SLURM_STATES[state];
  if (abnormal !== undefined) {
    const slurm = await readSlurmEvidence(query.jobDirectory, query.jobId, query.notBefore);
    return { status: 'failed', cause: abnormal, evidence: slurm?.evidence ?? `SLURM state ${state}` };
  }

  const output = await readOutputVerdict(program, query.jobDirectory, query.basename, query.notBefore);
  if (output.status === 'failed') return output;

  const exitCodeDecides = info.verdict.by === 'exit code';
  if (exitCodeDecides && (query.exitCode === 0 || (query.exitCode === undefined && state === 'COMPLETED'))) {
    return { status: 'succeeded', evidence: state === 'COMPLETED' ? 'SLURM state COMPLETED' : 'exit code 0' };
  }

  if (output.status !== 'succeeded') {
    const slurm = await readSlurmEvidence(query.jobDirectory, query.jobId, query.notBefore);
    if (slurm) return { status: 'failed', cause: slurm.cause, evidence: slurm.evidence };
  }

  if (query.exitCode !== undefined && query.exitCode !== 0) {
    return { status: 'failed', cause: exitCodeCause(query.exitCode), evidence: output.evidence ?? `exit code ${query.exitCode}` };
  }
  if (state === 'FAILED') return { status: 'failed', cause: 'FAILED', evidence: 'SLURM state FAILED' };
  if (output.status === 'succeeded') return output;
  if (ended) {
    return {
      status: 'failed',
      cause: CAUSES.notFinished,
      evidence: output.evidence ?? 'the job ended without its program reporting normal termination',
    };
  }
  return output;
}

/**
 * What the program's own output says, ignoring SLURM: reads only the last 64 KiB, plus one streaming
 * pass over the whole file when a count is needed (Gaussian opt+freq, an ORCA optimisation whose
 * `OPTIMIZATION RUN DONE` is further up) and the file is bigger than the tail.
 */
export async function readOutputVerdict(
  program: ProgramId,
  jobDirectory: string,
  basename: string,
  notBefore?: number,
): Promise<Outcome> {
  const files = jobFiles(program, basename);
  const path = join(jobDirectory, files.output);
  let tail: FileSlice;
  try {
    tail = await readTail(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { status: 'no_output', evidence: `${files.output} does not exist` };
    throw error;
  }
  if (notBefore !== undefined && tail.mtimeMs < notBefore) {
    return { status: 'no_output', evidence: `${files.output} is from an earlier attempt` };
  }
  const verdict = PROGRAMS[program].verdict;
  if (verdict.by === 'exit code') return { status: 'unfinished', evidence: `${files.output}: ${lastLine(tail.text)}` };

  const markers = verdict.markers;
  for (const failure of markers.failures) {
    const line = linesContaining(tail.text, failure.text)[0];
    if (line !== undefined) return { status: 'failed', cause: failure.cause, evidence: `${files.output}: ${line}` };
  }
  const successLines = linesContaining(tail.text, markers.success);
  if (successLines.length === 0) {
    const last = lastLine(tail.text);
    return { status: 'unfinished', ...(last ? { evidence: `${files.output}: ${last}` } : {}) };
  }

  const plan = await verdict.countPlan(verdictFiles(join(jobDirectory, files.input), path));
  const needles = plan.requirements.map((requirement) => requirement.needle);
  let counts = new Map(needles.map((needle) => [needle, { count: countOccurrences(tail.text, needle), lines: linesContaining(tail.text, needle) }]));
  const unmetInTail = plan.requirements.some((requirement) => counts.get(requirement.needle)!.count < requirement.count);
  // Frequencies are printed before the (possibly huge) tables after them: read them everywhere, in the same pass.
  const frequencies = plan.frequencies;
  const reader = frequencies?.reader();
  if (!tail.whole && (unmetInTail || reader !== undefined)) {
    const hits = reader === undefined ? await scanNeedles(path, needles) : await scanLines(path, [...needles, ...frequencies!.needles], (line) => reader.line(line));
    counts = new Map(hits.map((hit) => [hit.needle, { count: hit.count, lines: hit.lines }]));
  } else if (reader !== undefined) {
    visitLines(tail.text, frequencies!.needles, (line) => reader.line(line));
  }

  // The terminal marker's count comes first in the plan: an unfinished run is not judged yet.
  for (const requirement of plan.requirements) {
    const found = counts.get(requirement.needle)!.count;
    if (found < requirement.count) {
      const evidence = `${files.output}: "${requirement.needle}" found ${found} time(s), ${requirement.count} needed (${plan.kind})`;
      // Too few terminations: a later step (the freq after the opt) may still be running.
      if (requirement.needle === markers.success) return { status: 'unfinished', evidence };
      return { status: 'failed', cause: requirement.cause, evidence };
    }
  }
  if (reader !== undefined) {
    const wrong = wrongFrequencies(reader.calculations(), frequencies!.imaginaryExpected);
    if (wrong) return { status: 'failed', cause: wrong.cause, evidence: `${files.output}: ${wrong.evidence}` };
  }
  return { status: 'succeeded', evidence: `${files.output}: ${successLines.at(-1)}` };
}

/** SLURM state's first word in capitals: `CANCELLED by 0` → `CANCELLED`, `CANCELLED+` → `CANCELLED`. */
export function normaliseSlurmState(state: string | undefined): string | undefined {
  const word = state?.trim().split(/\s+/)[0]?.replace(/\+$/, '').toUpperCase();
  return word ? word : undefined;
}

/** The heads of a job's input and output, read only when the count plan asks. */
function verdictFiles(inputPath: string, outputPath: string): VerdictFiles {
  return { inputHead: () => readHeadText(inputPath), outputHead: () => readHeadText(outputPath) };
}

async function readHeadText(path: string): Promise<string> {
  try {
    return (await readHead(path)).text;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return '';
    throw error;
  }
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return (lines.at(-1) ?? '').trim().slice(0, 500);
}
