// `{basename}.json` in CCBatchMan's shape: its rule files' keys (E_el_au, G_au, normal_exit…) beside ours, and the output it was read from.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsAtomic.js';
import type { CcbatchmanValues } from '../programs/results/parsed.js';
import type { JobResults } from './types.js';

/** Bumped when a parser learns something new, so files written by an older Batchman are read again. */
export const RESULTS_VERSION = 1;

/** The output a `{basename}.json` was read from: when size and mtime still match, the file is current. */
export interface ResultsSource {
  readonly output: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly version: number;
}

const SOURCE_KEY = 'batchmanSource';
const RESULT_KEYS: readonly (keyof JobResults)[] = [
  'normalTermination', 'scfEnergy', 'finalEnergy', 'zpe', 'enthalpy', 'gibbs', 'temperature', 'frequencies', 'imaginaryFrequencies',
  'optimization', 'geometry', 'charge', 'multiplicity', 'method', 'wallSeconds', 'conformers', 'problems',
];

export function resultsFileName(basename: string): string {
  return `${basename}.json`;
}

/**
 * The object written: CCBatchMan's keys first (as its progcheck reads them), then ours under their own names, then
 * the source. Keys another tool put in an existing file are kept.
 */
export function resultsFileObject(results: JobResults, ccbatchman: CcbatchmanValues, source: ResultsSource, existing: Record<string, unknown> = {}): Record<string, unknown> {
  const ours: Record<string, unknown> = {};
  for (const key of RESULT_KEYS) ours[key] = results[key];
  return { ...existing, ...ccbatchman, ...ours, [SOURCE_KEY]: source };
}

/** The results a current file holds: its source must name this output, size, mtime and version; else undefined. */
export function resultsFromFile(object: unknown, output: { name: string; size: number; mtimeMs: number }): JobResults | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const record = object as Record<string, unknown>;
  const source = record[SOURCE_KEY] as Partial<ResultsSource> | undefined;
  if (!source || source.output !== output.name || source.size !== output.size || source.mtimeMs !== output.mtimeMs || source.version !== RESULTS_VERSION) {
    return undefined;
  }
  if (!Array.isArray(record.problems) || typeof record.normalTermination !== 'boolean') return undefined;
  const results: Record<string, unknown> = {};
  for (const key of RESULT_KEYS) results[key] = record[key] ?? null;
  return results as unknown as JobResults;
}

/** The file's parsed JSON, undefined when it is absent or not a JSON object. */
export async function readResultsFile(directory: string, basename: string): Promise<Record<string, unknown> | undefined> {
  try {
    // Python's json writes a value CCBatchMan's rules did not find (numpy's nan) as a bare NaN, which is no JSON.
    const text = (await readFile(join(directory, resultsFileName(basename)), 'utf8')).replace(/(:\s*)-?(?:NaN|Infinity)\b/g, '$1null');
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the file atomically; compact, as it may hold a long geometry and the optimisation's steps. Not fsynced
 * (ARCHITECTURE, decisions): it is a parse of the output, made again whenever it is missing or stale.
 */
export async function writeResultsFile(directory: string, basename: string, object: Record<string, unknown>): Promise<string> {
  const path = join(directory, resultsFileName(basename));
  await writeFileAtomic(path, `${JSON.stringify(object, null, '')}\n`, { durability: 'rebuildable' });
  return path;
}

/** Size and mtime of a file, undefined when it does not exist. */
export async function fileStamp(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const { size, mtimeMs, isFile } = await stat(path).then((stats) => ({ size: stats.size, mtimeMs: stats.mtimeMs, isFile: stats.isFile() }));
    return isFile ? { size, mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}
