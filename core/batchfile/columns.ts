// The batchfile's columns: which are required, which optional, and what each one means.

export const REQUIRED_COLUMNS = ['job_basename', 'job_directory', 'program', 'pipe'] as const;
export const OPTIONAL_COLUMNS = ['cores', 'memory', 'walltime', 'partition'] as const;

export type RequiredColumn = (typeof REQUIRED_COLUMNS)[number];
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];
export type KnownColumn = RequiredColumn | OptionalColumn;

export const KNOWN_COLUMNS: readonly KnownColumn[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

export const COLUMN_DESCRIPTIONS: Readonly<Record<KnownColumn, string>> = {
  job_basename: 'The job\'s name, unique in the batch; its files are `{basename}.*` in the job folder.',
  job_directory: 'The job folder, relative to the root directory (absolute overrides; empty means the root).',
  program: 'The program that runs the job: gaussian, orca, crest, xtb, pyaroma or shell.',
  pipe: 'What the job takes from upstream jobs: `coords{DIR,FILE}` (final geometry) and `orbitals{DIR,FILE}` (ORCA .gbw), separated by `;`. DIR is relative to this job\'s folder.',
  cores: 'Optional: CPU cores for the job (a positive integer), passed to SLURM.',
  memory: 'Optional: memory for the job, like `4GB`, `4000M` or `4000` (MB), passed to SLURM.',
  walltime: 'Optional: time limit, `HH:MM:SS` or `D-HH:MM:SS`, passed to SLURM.',
  partition: 'Optional: the SLURM partition to submit to.',
};

export const ROOT_KEYS = ['root_directory', 'run_root_directory'] as const;

export function isKnownColumn(name: string): name is KnownColumn {
  return (KNOWN_COLUMNS as readonly string[]).includes(name);
}

export function isRequiredColumn(name: string): name is RequiredColumn {
  return (REQUIRED_COLUMNS as readonly string[]).includes(name);
}
