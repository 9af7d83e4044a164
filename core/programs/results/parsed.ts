// What a program's results parser returns: our results and the values CCBatchMan's rules would have read.
import type { JobResults } from '../../results/types.js';

/** CCBatchMan's `{basename}.json` values for one output, under its rule files' own keys. */
export type CcbatchmanValues = Record<string, number | boolean | null>;

export interface ParsedOutput {
  readonly results: JobResults;
  readonly ccbatchman: CcbatchmanValues;
}

/** A program's results parser: the job's folder and basename, its main output's path. */
export type ResultsParser = (output: string, directory: string, basename: string) => Promise<ParsedOutput>;
