// One job's results: from a current `{basename}.json` when there is one, else parsed from its output (and the file written when asked).
import { join } from 'node:path';
import { programById } from '../programs/catalog.js';
import type { ParsedOutput, ResultsParser } from '../programs/results/parsed.js';
import { fileStamp, readResultsFile, resultsFileObject, resultsFromFile, RESULTS_VERSION, writeResultsFile } from './resultsFile.js';
import { emptyResults } from './types.js';
import type { JobResults } from './types.js';

export interface ResultsJob {
  /** The job's resolved folder. */
  readonly directory: string;
  readonly basename: string;
  readonly program: string;
}

export interface ReadResultsOptions {
  /**
   * Write `{basename}.json` when it is missing or older than the output. Only for a job that has ended: a running
   * job's output changes under it, and CCBatchMan writes the file when a job ends too.
   */
  readonly writeFile: boolean;
}

export interface ReadResults {
  /** Null when the program has no results parser or the job folder holds no output. */
  readonly results: JobResults | null;
  /** Where it came from: a current file, a fresh parse, or nothing to read. */
  readonly from: 'file' | 'parsed' | 'none';
  /** The `{basename}.json` written, when one was. */
  readonly written?: string;
}

/** Reads a job's results; never throws for what its folder holds (an unreadable output is a problem in the results). */
export async function readJobResults(job: ResultsJob, options: ReadResultsOptions): Promise<ReadResults> {
  const program = programById(job.program);
  if (!program?.results) return { results: null, from: 'none' };
  const outputName = `${job.basename}${program.outputExtension}`;
  const outputPath = join(job.directory, outputName);
  const stamp = await fileStamp(outputPath);
  if (!stamp) return { results: null, from: 'none' };
  const existing = await readResultsFile(job.directory, job.basename);
  const cached = existing && resultsFromFile(existing, { name: outputName, ...stamp });
  if (cached) return { results: cached, from: 'file' };

  const parsed = await parseSafely(program.results, outputPath, job);
  if (!options.writeFile) return { results: parsed.results, from: 'parsed' };
  try {
    const object = resultsFileObject(parsed.results, parsed.ccbatchman, { output: outputName, ...stamp, version: RESULTS_VERSION }, existing);
    const written = await writeResultsFile(job.directory, job.basename, object);
    return { results: parsed.results, from: 'parsed', written };
  } catch {
    // A folder we may not write (another user's, read-only) still has results to show.
    return { results: parsed.results, from: 'parsed' };
  }
}

// The parsers turn what an output holds into problems; only the file system (a folder gone mid-read) can throw.
async function parseSafely(parse: ResultsParser, outputPath: string, job: ResultsJob): Promise<ParsedOutput> {
  try {
    return await parse(outputPath, job.directory, job.basename);
  } catch (error) {
    return { results: { ...emptyResults(), problems: [`the output could not be read: ${(error as Error).message}`] }, ccbatchman: {} };
  }
}
