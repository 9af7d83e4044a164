// Two batches on a real disk for the file-event tests, each its own root: `a/` and `b/`, each with a batchfile of
// xTB jobs whose folders and inputs exist, one job whose folder does not, and a CREST job whose own script runs it on
// an input that is missing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** xTB jobs with a folder and an input (`mol/j00` … `mol/j09`). */
export const PRESENT_JOBS = Array.from({ length: 10 }, (_, i) => `j${String(i).padStart(2, '0')}`);
/** An xTB job whose folder is not there at first. */
export const ABSENT_JOB = 'late';
/** A CREST job without `conf.xyz`, whose `conf.sh` runs `crest h2o2.xyz` (also missing). */
export const SCRIPTED_JOB = 'conf';

export function batchfileText(): string {
  const rows = [...PRESENT_JOBS, ABSENT_JOB].map((name) => `${name}|mol/${name}|xtb|`);
  return ['root_directory=.', 'job_basename|job_directory|program|pipe', ...rows, `${SCRIPTED_JOB}|mol/${SCRIPTED_JOB}|crest|`, ''].join('\n');
}

/** The 0-based line of a job's row in `batchfileText()`. */
export function lineOf(job: string): number {
  return batchfileText().split('\n').findIndex((line) => line.startsWith(`${job}|`));
}

export interface BatchOnDisk {
  /** The batch's root folder (the batchfile's folder). */
  readonly root: string;
  readonly uri: string;
  /** A path in the root. */
  path(relative: string): string;
  /** The `file:` URI of a path in the root. */
  uriOf(relative: string): string;
}

export interface TwoBatches {
  readonly a: BatchOnDisk;
  readonly b: BatchOnDisk;
  readonly text: string;
  remove(): Promise<void>;
}

export async function createTwoBatches(): Promise<TwoBatches> {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-file-events-'));
  const text = batchfileText();
  const batch = async (name: string): Promise<BatchOnDisk> => {
    const root = join(dir, name);
    for (const job of PRESENT_JOBS) {
      await mkdir(join(root, 'mol', job), { recursive: true });
      await writeFile(join(root, 'mol', job, `${job}.xyz`), '1\n\nH 0 0 0\n');
    }
    await mkdir(join(root, 'mol', SCRIPTED_JOB), { recursive: true });
    await writeFile(join(root, 'mol', SCRIPTED_JOB, `${SCRIPTED_JOB}.sh`), '#!/bin/bash\ncrest h2o2.xyz --gfn2 > conf.out\n');
    await writeFile(join(root, 'batchfile.csv'), text);
    return {
      root,
      uri: pathToFileURL(join(root, 'batchfile.csv')).href,
      path: (relative) => join(root, relative),
      uriOf: (relative) => pathToFileURL(join(root, relative)).href,
    };
  };
  return { a: await batch('a'), b: await batch('b'), text, remove: () => rm(dir, { recursive: true, force: true }) };
}
