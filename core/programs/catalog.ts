// The programs a batchfile may name: their canonical ids, descriptions and the files a job folder holds.

export const PROGRAM_IDS = ['gaussian', 'orca', 'crest', 'xtb', 'pyaroma', 'shell'] as const;

export type ProgramId = (typeof PROGRAM_IDS)[number];

export interface ProgramInfo {
  readonly id: ProgramId;
  readonly displayName: string;
  readonly description: string;
  /** Extension of the job's input file, `{basename}{inputExtension}`. */
  readonly inputExtension: string;
  /** Extension of the program's main output, `{basename}{outputExtension}`. */
  readonly outputExtension: string;
  /** True when the input is a bare geometry that a coords pipe can supply on its own. */
  readonly inputIsGeometry: boolean;
  /** True when the program reads orbitals piped in (`orbitals{DIR,FILE.gbw}`). */
  readonly acceptsOrbitals: boolean;
}

export const PROGRAMS: Readonly<Record<ProgramId, ProgramInfo>> = {
  gaussian: {
    id: 'gaussian',
    displayName: 'Gaussian',
    description: 'Gaussian quantum chemistry: input `{basename}.gjf`, output `{basename}.log`. Success needs `Normal termination of Gaussian` (twice for opt+freq).',
    inputExtension: '.gjf',
    outputExtension: '.log',
    inputIsGeometry: false,
    acceptsOrbitals: false,
  },
  orca: {
    id: 'orca',
    displayName: 'ORCA',
    description: 'ORCA quantum chemistry: input `{basename}.inp`, output `{basename}.out`. Success needs `ORCA TERMINATED NORMALLY`; takes orbitals (`.gbw`) through an `orbitals` pipe.',
    inputExtension: '.inp',
    outputExtension: '.out',
    inputIsGeometry: false,
    acceptsOrbitals: true,
  },
  crest: {
    id: 'crest',
    displayName: 'CREST',
    description: 'CREST conformer search: input geometry `{basename}.xyz`, output `{basename}.out`. Success needs `CREST terminated normally`.',
    inputExtension: '.xyz',
    outputExtension: '.out',
    inputIsGeometry: true,
    acceptsOrbitals: false,
  },
  xtb: {
    id: 'xtb',
    displayName: 'xTB',
    description: 'xTB semi-empirical quantum chemistry: input geometry `{basename}.xyz`, output `{basename}.out`, final geometry `xtbopt.xyz`. Success needs `* finished run on`.',
    inputExtension: '.xyz',
    outputExtension: '.out',
    inputIsGeometry: true,
    acceptsOrbitals: false,
  },
  pyaroma: {
    id: 'pyaroma',
    displayName: 'pyAroma',
    description: 'pyAroma aromaticity analysis: script `{basename}.py`, output `{basename}.out`. Success needs `pyAroma terminated normally`.',
    inputExtension: '.py',
    outputExtension: '.out',
    inputIsGeometry: false,
    acceptsOrbitals: false,
  },
  shell: {
    id: 'shell',
    displayName: 'Shell',
    description: 'Any shell job: script `{basename}.sh`, output `{basename}.out`. Success is exit code 0.',
    inputExtension: '.sh',
    outputExtension: '.out',
    inputIsGeometry: false,
    acceptsOrbitals: false,
  },
};

/** Program names are case-insensitive in batchfiles. */
export function programById(name: string): ProgramInfo | undefined {
  const id = name.trim().toLowerCase();
  return (PROGRAM_IDS as readonly string[]).includes(id) ? PROGRAMS[id as ProgramId] : undefined;
}
