// A job's outcome from the program's own output, the SLURM end state and exit code, and slurm-{id}.out.
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { programById } from './catalog.js';
import type { ProgramId } from './catalog.js';
import { countOccurrences, linesContaining, readHead, readTail, scanNeedles } from './fileScan.js';
import type { FileSlice } from './fileScan.js';
import { jobFiles } from './files.js';
import { gaussianStepsFromInput, gaussianStepsFromLog, orcaIsOptimisation, orcaIsOptimisationFromOutput } from './jobKind.js';
import {
  ABNORMAL_SLURM_STATES,
  CAUSES,
  GAUSSIAN_IMAGINARY,
  GAUSSIAN_STATIONARY_POINT,
  MARKERS,
  ORCA_OPTIMIZATION_DONE,
  exitCodeCause,
} from './markers.js';
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
 * (exit code 0 for shell jobs) > "ended without the markers" = program did not finish.
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

  if (program === 'shell' && (query.exitCode === 0 || (query.exitCode === undefined && state === 'COMPLETED'))) {
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
  if (program === 'shell') return { status: 'unfinished', evidence: `${files.output}: ${lastLine(tail.text)}` };

  const markers = MARKERS[program];
  for (const failure of markers.failures) {
    const line = linesContaining(tail.text, failure.text)[0];
    if (line !== undefined) return { status: 'failed', cause: failure.cause, evidence: `${files.output}: ${line}` };
  }
  const successLines = linesContaining(tail.text, markers.success);
  if (successLines.length === 0) {
    const last = lastLine(tail.text);
    return { status: 'unfinished', ...(last ? { evidence: `${files.output}: ${last}` } : {}) };
  }

  const plan = await countPlan(program, jobDirectory, path, files.input);
  const needles = plan.requirements.map((requirement) => requirement.needle);
  if (plan.imaginaryAllowed !== undefined) needles.push(GAUSSIAN_IMAGINARY);
  let counts = new Map(needles.map((needle) => [needle, { count: countOccurrences(tail.text, needle), lines: linesContaining(tail.text, needle) }]));
  const unmetInTail = plan.requirements.some((requirement) => counts.get(requirement.needle)!.count < requirement.count);
  // Imaginary frequencies are printed before the (possibly huge) normal-mode tables: look everywhere.
  if (!tail.whole && (unmetInTail || plan.imaginaryAllowed !== undefined)) {
    const hits = await scanNeedles(path, needles);
    counts = new Map(hits.map((hit) => [hit.needle, { count: hit.count, lines: hit.lines }]));
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
  if (plan.imaginaryAllowed !== undefined) {
    for (const line of counts.get(GAUSSIAN_IMAGINARY)!.lines) {
      const number = /(\d+)\s+imaginary frequencies/.exec(line);
      if (number && Number(number[1]) > plan.imaginaryAllowed) {
        return { status: 'failed', cause: CAUSES.imaginaryFrequency, evidence: `${files.output}: ${line}` };
      }
    }
  }
  return { status: 'succeeded', evidence: `${files.output}: ${successLines.at(-1)}` };
}

/** SLURM state's first word in capitals: `CANCELLED by 0` → `CANCELLED`, `CANCELLED+` → `CANCELLED`. */
export function normaliseSlurmState(state: string | undefined): string | undefined {
  const word = state?.trim().split(/\s+/)[0]?.replace(/\+$/, '').toUpperCase();
  return word ? word : undefined;
}

interface Requirement {
  needle: string;
  count: number;
  cause: string;
}

interface CountPlan {
  /** A few words on the job kind, for evidence. */
  kind: string;
  requirements: Requirement[];
  /** Gaussian frequency jobs: how many imaginary frequencies are fine (1 for a TS search). */
  imaginaryAllowed?: number;
}

async function countPlan(program: ProgramId, jobDirectory: string, outputPath: string, inputName: string): Promise<CountPlan> {
  const success = MARKERS[program as Exclude<ProgramId, 'shell'>].success;
  if (program === 'gaussian') {
    let steps = gaussianStepsFromInput(await readHeadText(join(jobDirectory, inputName)));
    if (steps.length === 0) steps = gaussianStepsFromLog(await readHeadText(outputPath));
    if (steps.length === 0) return { kind: 'single step', requirements: [{ needle: success, count: 1, cause: CAUSES.notFinished }] };
    const terminations = steps.reduce((sum, step) => sum + (step.opt && step.freq ? 2 : 1), 0);
    const stationary = steps.reduce((sum, step) => sum + (step.opt ? (step.freq ? 2 : 1) : 0), 0);
    const requirements: Requirement[] = [{ needle: success, count: terminations, cause: CAUSES.notFinished }];
    if (stationary > 0) requirements.push({ needle: GAUSSIAN_STATIONARY_POINT, count: stationary, cause: CAUSES.optNotConverged });
    const kind = steps.map((step) => [step.opt ? (step.ts ? 'opt=ts' : 'opt') : '', step.freq ? 'freq' : ''].filter(Boolean).join('+') || 'single point').join(', ');
    return {
      kind,
      requirements,
      ...(steps.some((step) => step.freq) ? { imaginaryAllowed: steps.some((step) => step.ts) ? 1 : 0 } : {}),
    };
  }
  if (program === 'orca') {
    const input = await readHeadText(join(jobDirectory, inputName));
    const opt = input !== '' ? orcaIsOptimisation(input) : orcaIsOptimisationFromOutput(await readHeadText(outputPath));
    const requirements: Requirement[] = [{ needle: success, count: 1, cause: CAUSES.notFinished }];
    if (opt) requirements.push({ needle: ORCA_OPTIMIZATION_DONE, count: 1, cause: CAUSES.optNotConverged });
    return { kind: opt ? 'optimisation' : 'single run', requirements };
  }
  return { kind: 'run', requirements: [{ needle: success, count: 1, cause: CAUSES.notFinished }] };
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
