// Rules on each job row: field count, names, folders, programs and the optional SLURM columns.
import { PROGRAM_IDS } from '../../programs/catalog.js';
import type { OptionalColumn } from '../columns.js';
import { cellOf } from '../document.js';
import { modelFacts } from '../model.js';
import { nearestWord } from '../nearest.js';
import { Severity } from '../types.js';
import type { Rule } from './context.js';

export const fieldCountRule: Rule = ({ model }, report) => {
  const header = model.document.header;
  if (!header) return;
  const expected = header.columns.length;
  for (const row of model.document.rows) {
    const count = row.cellCount;
    if (count !== expected) {
      report('row-field-count', Severity.Error, row.range, `This row has ${count} field${count === 1 ? '' : 's'}; the header has ${expected} columns.`);
    }
  }
};

const BASENAME_FORBIDDEN = /[/\\\0]/;

export const basenameRule: Rule = ({ model }, report) => {
  const { document } = model;
  if (!document.header?.indexOf.has('job_basename')) return;
  // The same basename in two folders is fine: a job is its folder + basename, as in CCBatchMan, whose generators
  // reuse the step names in every molecule folder. The same folder twice is the directory rule's.
  for (const job of model.jobs) {
    if (job.basename === '') {
      const cell = cellOf(document, job.row, 'job_basename');
      report('basename-empty', Severity.Error, cell?.raw.range ?? job.row.range, 'The job has no `job_basename`.');
      continue;
    }
    if (BASENAME_FORBIDDEN.test(job.basename)) {
      const range = cellOf(document, job.row, 'job_basename')?.value.range ?? job.row.range;
      report('basename-invalid', Severity.Error, range, 'A `job_basename` names files in the job folder: it may not contain `/`, `\\` or NUL.');
    }
  }
};

export const directoryRule: Rule = ({ model }, report) => {
  const { document } = model;
  if (!document.header?.indexOf.has('job_directory')) return;
  for (const job of model.jobs) {
    const first = model.jobsByPath.first(job.path)!;
    if (first === job.index) continue;
    const other = model.jobs[first]!;
    const cell = cellOf(document, job.row, 'job_directory');
    const folder = job.directory || '(root)';
    // CCBatchMan keeps one run_info.json (status, job id) and reads the newest slurm-*.out per folder, so two jobs
    // in one folder overwrite each other's state there: one job per folder is what it effectively supports.
    const message = other.basename === job.basename
      ? `\`${job.basename}\` in \`${folder}\` is already the job on line ${other.row.line + 1}: a job is its folder + basename, and each appears once.`
      : `The folder \`${folder}\` is already used by \`${other.basename}\` on line ${other.row.line + 1}; each job needs its own folder (run_info.json and slurm-*.out are per folder).`;
    report('directory-duplicate', Severity.Error, cell?.value.range ?? job.row.range, message);
  }
};

export const programRule: Rule = ({ model }, report) => {
  const { document } = model;
  const programAt = document.header?.indexOf.get('program');
  if (programAt === undefined) return;
  for (const job of model.jobs) {
    // A row too short to have the column has no program cell (the field count rule reports it).
    if (job.program || programAt >= job.row.cellCount) continue;
    const cell = job.row.cell(programAt)!;
    if (job.programName === '') {
      report('program-empty', Severity.Error, cell.raw.range, `The job has no program: one of ${PROGRAM_IDS.join(', ')}.`);
    } else if (!job.program) {
      const suggestion = nearestWord(job.programName, PROGRAM_IDS);
      report(
        'program-unknown',
        Severity.Error,
        cell.value.range,
        `Unknown program \`${job.programName}\`: expected one of ${PROGRAM_IDS.join(', ')}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        suggestion ? { suggestion } : undefined,
      );
    }
  }
};

const CORES = /^[1-9]\d*$/;
const MEMORY = /^[1-9]\d*(\.\d+)?\s*([KMGT]B?)?$/i;
const PARTITION = /^[A-Za-z0-9_.-]+$/;

const OPTIONAL_FORMATS: Readonly<Record<OptionalColumn, { test: (value: string) => boolean; expected: string }>> = {
  cores: { test: (value) => CORES.test(value), expected: 'a positive whole number of cores' },
  memory: { test: (value) => MEMORY.test(value), expected: 'memory like `4GB`, `4000M` or `4000` (MB)' },
  walltime: { test: isWalltime, expected: 'a time limit `HH:MM:SS` or `D-HH:MM:SS`' },
  partition: { test: (value) => PARTITION.test(value), expected: 'a partition name (letters, digits, `_`, `-`, `.`)' },
};

export const optionalColumnsRule: Rule = ({ model }, report) => {
  const { document } = model;
  const present: { column: OptionalColumn; index: number }[] = [];
  for (const column of Object.keys(OPTIONAL_FORMATS) as OptionalColumn[]) {
    const index = document.header?.indexOf.get(column);
    if (index !== undefined) present.push({ column, index });
  }
  if (present.length === 0) return;
  // A row's verdict is kept with its facts: after a keystroke only the edited row is checked again.
  const suspects: number[] = [];
  const rows = document.rows;
  const allFacts = modelFacts(model);
  for (let i = 0; i < rows.length; i++) {
    const facts = allFacts?.[i];
    if (facts?.optionalCellsValid === true) continue;
    let valid = true;
    for (const { column, index } of present) {
      const value = rows[i]!.valueText(index);
      // '' also when the row is too short to have the cell.
      if (value !== '' && !OPTIONAL_FORMATS[column].test(value)) valid = false;
    }
    if (facts) facts.optionalCellsValid = valid;
    if (!valid) suspects.push(i);
  }
  // Reported column by column, as the rule always has.
  for (const { column, index } of present) {
    const format = OPTIONAL_FORMATS[column];
    for (const i of suspects) {
      const row = rows[i]!;
      const value = row.valueText(index);
      if (value === '' || format.test(value)) continue;
      report(`${column}-invalid`, Severity.Error, row.cell(index)!.value.range, `\`${value}\` is not a valid ${column}: expected ${format.expected}.`);
    }
  }
};

const WALLTIME = /^(?:(\d+)-)?(\d+):(\d{2}):(\d{2})$/;

/** SLURM accepts `HH:MM:SS` (hours may exceed 24) and `D-HH:MM:SS` (hours below 24). */
function isWalltime(value: string): boolean {
  const match = WALLTIME.exec(value);
  if (!match) return false;
  const hasDays = match[1] !== undefined;
  const [hours, minutes, seconds] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (minutes >= 60 || seconds >= 60) return false;
  return !hasDays || (hours < 24 && match[2]!.length <= 2);
}
