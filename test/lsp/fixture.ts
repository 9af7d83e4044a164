// A broken batch on a real disk (temp folder with job folders and input files) shared by the protocol tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Line numbers (0-based) are part of the expectations below:
 * 3 opt, 4 freq (misspelt program), 5 sp (duplicate coords, no sp.inp), 6 guess (no folder, angle style),
 * 7/8 loopa/loopb (cycle), 9 ghost (pipe to nowhere), 10 far (pipes from three levels down).
 */
export const BROKEN_BATCHFILE = [
  'root_directory=.',
  '# broken on purpose',
  'job_basename|job_directory|program|pipe',
  'opt|mol/opt|xtb|',
  'freq|mol/freq|xtbb|coords{../opt,xtbopt.xyz}',
  'sp|mol/sp|orca|coords{../opt,};coords{../freq,}',
  'guess|mol/guess|orca|coords<../opt,xtbopt.xyz>',
  'loopa|mol/loopa|shell|coords{../loopb,}',
  'loopb|mol/loopb|shell|coords{../loopa,}',
  'ghost|mol/ghost|shell|coords{../nowhere,}',
  'far|other/deep/far|shell|coords{../../../mol/opt,opt.xyz}',
  '',
].join('\n');

/** What validation must report for BROKEN_BATCHFILE on the fixture's disk, in document order. */
export const BROKEN_EXPECTED: readonly { code: string; severity: number; range: string }[] = [
  { code: 'program-unknown', severity: 1, range: '4:14-18' },
  { code: 'input-missing', severity: 2, range: '5:0-2' },
  { code: 'pipe-duplicate-name', severity: 1, range: '5:31-47' },
  { code: 'job-folder-missing', severity: 2, range: '6:6-15' },
  { code: 'pipe-angle-brackets', severity: 3, range: '6:21-46' },
  { code: 'dependency-cycle', severity: 1, range: '7:29-37' },
  { code: 'dependency-cycle', severity: 1, range: '8:29-37' },
  { code: 'pipe-upstream-missing', severity: 1, range: '9:29-39' },
];

/** Folders that exist (mol/guess deliberately does not) and the files in them. */
const DISK: Readonly<Record<string, readonly string[]>> = {
  'mol/opt': ['opt.xyz', 'conf1.xyz', 'conf2.xyz', 'notes.txt'],
  'mol/freq': [],
  'mol/sp': [],
  'mol/loopa': ['loopa.sh'],
  'mol/loopb': ['loopb.sh'],
  'mol/ghost': ['ghost.sh'],
  'other/deep/far': ['far.sh'],
};

export interface Fixture {
  readonly dir: string;
  /** Absolute path of `batchfile.csv` in `dir`. */
  readonly path: string;
  readonly uri: string;
  /** A `file:` URI for another (unsaved-to-disk) batchfile in the same folder. */
  uriOf(name: string): string;
  remove(): Promise<void>;
}

export async function createFixture(text: string = BROKEN_BATCHFILE): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-lsp-'));
  for (const [folder, files] of Object.entries(DISK)) {
    await mkdir(join(dir, folder), { recursive: true });
    for (const file of files) await writeFile(join(dir, folder, file), `${file}\n`);
  }
  const path = join(dir, 'batchfile.csv');
  await writeFile(path, text);
  return {
    dir,
    path,
    uri: pathToFileURL(path).href,
    uriOf: (name) => pathToFileURL(join(dir, name)).href,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
