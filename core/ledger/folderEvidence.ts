// What a job folder says of its job (run_info.json, its newest slurm-<id>.out, the program's verdict), read from disk
// with the folder listed first, or from the evidence kept of a settled job while its files are unchanged.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { programById } from '../programs/catalog.js';
import { jobFiles } from '../programs/files.js';
import { readOutcome } from '../programs/outcome.js';
import type { Outcome } from '../programs/outcome.js';
import { RunInfoCorruptError } from './errors.js';
import { RUN_INFO_NAME, readRunInfo } from './runInfo.js';
import type { RunInfo } from './runInfo.js';

/** What the verdict of a job's output is asked with, besides its folder, basename and program. */
export interface VerdictQuery {
  readonly jobId?: number;
  readonly exitCode?: number;
  readonly slurmEndState?: string;
}

/** The evidence of one job folder. */
export interface FolderEvidence {
  /** run_info.json; undefined when there is none. */
  readonly runInfo: RunInfo | undefined;
  /** run_info.json exists and cannot be read. */
  readonly runInfoCorrupt: boolean;
  /** The largest id of the folder's `slurm-<id>.out` files. */
  readonly newestSlurmId: number | undefined;
  /** The program's verdict (readOutcome) for this query; the job's program must be known. */
  outcome(query: VerdictQuery): Promise<Outcome>;
  /** The verdict for this query when it is known without reading anything (kept evidence); else undefined. */
  known?(query: VerdictQuery): Outcome | undefined;
}

interface EvidenceJob {
  readonly basename: string;
  /** Absolute job folder. */
  readonly directory: string;
  readonly program: string;
}

const SLURM_OUTPUT = /^slurm-(\d+)\.out$/;

/**
 * Reads a folder's evidence: one listing says which files exist, so a folder without run_info.json, output or
 * slurm-*.out (a job not started, or pending) costs one call instead of four failed opens — Node builds an error with
 * its stack for each, and a resumed runner of 10,000 pending jobs spent seconds there.
 */
export async function readFolderEvidence(job: EvidenceJob, listing?: string[] | { error: unknown }): Promise<FolderEvidence> {
  const names = listing === undefined ? await listFolder(job.directory) : namesOf(listing);
  let runInfo: RunInfo | undefined;
  let runInfoCorrupt = false;
  if (names === undefined || names.has(RUN_INFO_NAME)) {
    try {
      runInfo = await readRunInfo(job.directory);
    } catch (error) {
      if (!(error instanceof RunInfoCorruptError)) throw error;
      runInfoCorrupt = true;
    }
  }
  let newestSlurmId: number | undefined;
  let anySlurmOutput = false;
  for (const name of names ?? []) {
    const match = SLURM_OUTPUT.exec(name);
    if (!match) continue;
    anySlurmOutput = true;
    const id = Number(match[1]);
    if (Number.isSafeInteger(id) && (newestSlurmId === undefined || id > newestSlurmId)) newestSlurmId = id;
  }
  const program = programById(job.program);
  const outputListed = names === undefined || program === undefined || names.has(jobFiles(program.id, job.basename).output);
  return {
    runInfo,
    runInfoCorrupt,
    newestSlurmId,
    outcome: (query) => (outputListed || anySlurmOutput || query.exitCode !== undefined || query.slurmEndState !== undefined ? verdictOf(job, query) : Promise.resolve(NOTHING_WRITTEN)),
  };
}

/**
 * The verdict of a folder holding neither the output nor a slurm-*.out, asked without an exit code or SLURM state:
 * readOutcome finds no output and no SLURM message, so nothing ended (its evidence, the missing file, is not used
 * by the rebuild). `test/unit/folderEvidence.test.ts` holds readOutcome to it for every program.
 */
export const NOTHING_WRITTEN: Outcome = { status: 'no_output' };

export function verdictOf(job: EvidenceJob, query: VerdictQuery): Promise<Outcome> {
  return readOutcome({ program: job.program, jobDirectory: job.directory, basename: job.basename, ...query });
}

/** The folder's file names; empty when it does not exist, undefined when it cannot be listed for another reason. */
async function listFolder(directory: string): Promise<ReadonlySet<string> | undefined> {
  return namesOf(await readdir(directory).catch((error: unknown) => ({ error })));
}

function namesOf(listing: string[] | { error: unknown }): ReadonlySet<string> | undefined {
  if (Array.isArray(listing)) return new Set(listing);
  if (isErrno(listing.error, 'ENOENT')) return new Set();
  // Not a folder, not readable…: each file is read as if unlisted, and its error says what is wrong.
  return undefined;
}

/** The path of a job's output, as its program names it; undefined for an unknown program. */
export function outputPathOf(job: EvidenceJob): string | undefined {
  const program = programById(job.program);
  return program ? pathInFolder(job.directory, jobFiles(program.id, job.basename).output) : undefined;
}

/** A folder and a name the folder's own (no `/`, not `.` or `..`) may simply be joined by `/`. */
const PLAIN_NAME = /^(?!\.\.?$)[^/]+$/;
/** `//`, `/./`, `/../` or a trailing `/`, `/.`, `/..`: what path.join would rewrite. */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|\/$/;

/**
 * `join(folder, name)`, by concatenation when join would change nothing (an absolute, normal folder and a plain
 * name), as a job's resolved folder and its file names are: on a 10,000-job batch join's normalising was a tenth of
 * `status`.
 */
export function pathInFolder(folder: string, name: string): string {
  return folder.startsWith('/') && folder.length > 1 && !NOT_NORMAL.test(folder) && PLAIN_NAME.test(name) ? `${folder}/${name}` : join(folder, name);
}
