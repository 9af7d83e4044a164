// Rules on each job row: field count, names, folders, programs and the optional SLURM columns.
import { PROGRAM_IDS } from '../../programs/catalog.js';
import type { OptionalColumn } from '../columns.js';
import { cellOf } from '../document.js';
import { nearestWord } from '../nearest.js';
import { Severity } from '../types.js';
import type { Rule } from './context.js';

export const fieldCountRule: Rule = ({ model }, report) => {
  const header = model.document.header;
  if (!header) return;
  const expected = header.columns.length;
  for (const row of model.document.rows) {
    if (row.cells.length !== expected) {
      report('row-field-count', Severity.Error, row.range, `This row has ${row.cells.length} field${row.cells.length === 1 ? '' : 's'}; the header has ${expected} columns.`);
    }
  }
};

export const basenameRule: Rule = ({ model }, report) => {
  const { document } = model;
  if (!document.header?.indexOf.has('job_basename')) return;
  for (const job of model.jobs) {
    const cell = cellOf(document, job.row, 'job_basename');
    const range = cell?.value.range ?? job.row.range;
    if (job.basename === '') {
      report('basename-empty', Severity.Error, cell?.raw.range ?? range, 'The job has no `job_basename`.');
      continue;
    }
    if (/[/\\\0]/.test(job.basename)) {
      report('basename-invalid', Severity.Error, range, 'A `job_basename` names files in the job folder: it may not contain `/`, `\\` or NUL.');
    }
    const first = model.jobsByBasename.get(job.basename)![0]!;
    if (first !== job.index) {
      report('basename-duplicate', Severity.Error, range, `\`${job.basename}\` is already the name of the job on line ${model.jobs[first]!.row.line + 1}; names must be unique.`);
    }
  }
};

export const directoryRule: Rule = ({ model }, report) => {
  const { document } = model;
  if (!document.header?.indexOf.has('job_directory')) return;
  for (const job of model.jobs) {
    const first = model.jobsByPath.get(job.path)![0]!;
    if (first === job.index) continue;
    const cell = cellOf(document, job.row, 'job_directory');
    report(
      'directory-duplicate',
      Severity.Error,
      cell?.value.range ?? job.row.range,
      `The folder \`${job.directory || '(root)'}\` is already used by \`${model.jobs[first]!.basename}\` on line ${model.jobs[first]!.row.line + 1}; each job needs its own folder.`,
    );
  }
};

export const programRule: Rule = ({ model }, report) => {
  const { document } = model;
  if (!document.header?.indexOf.has('program')) return;
  for (const job of model.jobs) {
    const cell = cellOf(document, job.row, 'program');
    if (!cell) continue;
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

const OPTIONAL_FORMATS: Readonly<Record<OptionalColumn, { test: (value: string) => boolean; expected: string }>> = {
  cores: { test: (value) => /^[1-9]\d*$/.test(value), expected: 'a positive whole number of cores' },
  memory: { test: (value) => /^[1-9]\d*(\.\d+)?\s*([KMGT]B?)?$/i.test(value), expected: 'memory like `4GB`, `4000M` or `4000` (MB)' },
  walltime: { test: isWalltime, expected: 'a time limit `HH:MM:SS` or `D-HH:MM:SS`' },
  partition: { test: (value) => /^[A-Za-z0-9_.-]+$/.test(value), expected: 'a partition name (letters, digits, `_`, `-`, `.`)' },
};

export const optionalColumnsRule: Rule = ({ model }, report) => {
  const { document } = model;
  for (const column of Object.keys(OPTIONAL_FORMATS) as OptionalColumn[]) {
    if (!document.header?.indexOf.has(column)) continue;
    const format = OPTIONAL_FORMATS[column];
    for (const row of document.rows) {
      const cell = cellOf(document, row, column);
      if (!cell || cell.value.text === '') continue;
      if (!format.test(cell.value.text)) {
        report(`${column}-invalid`, Severity.Error, cell.value.range, `\`${cell.value.text}\` is not a valid ${column}: expected ${format.expected}.`);
      }
    }
  }
};

/** SLURM accepts `HH:MM:SS` (hours may exceed 24) and `D-HH:MM:SS` (hours below 24). */
function isWalltime(value: string): boolean {
  const match = /^(?:(\d+)-)?(\d+):(\d{2}):(\d{2})$/.exec(value);
  if (!match) return false;
  const hasDays = match[1] !== undefined;
  const [hours, minutes, seconds] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (minutes >= 60 || seconds >= 60) return false;
  return !hasDays || (hours < 24 && match[2]!.length <= 2);
}
