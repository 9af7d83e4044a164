// The words `batchman new` prints: the plan (molecules, jobs, folders, a sample input) and what was written.
import { relative } from 'node:path';
import type { NewBatchPlan, PlannedJob } from './plan.js';
import type { WriteSummary } from './write.js';

const STATE_WORDS: Readonly<Record<PlannedJob['state'], string>> = {
  new: 'new',
  update: 'inputs rewritten (no output yet)',
  same: 'unchanged',
  kept: 'kept: holds output',
};

/** The plan as a reader checks it before anything is written. */
export function describePlan(plan: NewBatchPlan, cwd = process.cwd()): string {
  const lines: string[] = [];
  const file = displayPath(plan.batchfilePath, cwd);
  lines.push(
    `pipeline ${plan.pipelineName}: ${plan.pipeline.steps.map((step) => `${step.name} (${step.program} ${step.runType})`).join(' → ')}`,
    `${plan.molecules.length} molecule${plural(plan.molecules.length)}, ${plan.jobs.length} job${plural(plan.jobs.length)}; ${plan.batchfileExists ? `${plan.addedRows} row${plural(plan.addedRows)} added to` : 'new batchfile'} ${file} (root_directory=${plan.rootValue})`,
    '',
  );
  lines.push(
    ...table(
      ['MOLECULE', 'ATOMS', 'CHARGE', 'MULT', 'FROM'],
      plan.molecules.map((molecule) => [
        molecule.name,
        String(molecule.atoms.length),
        `${molecule.charge}${molecule.chargeFrom === 'default' ? '' : ` (${molecule.chargeFrom})`}`,
        `${molecule.multiplicity}${molecule.multiplicityFrom === 'default' ? '' : ` (${molecule.multiplicityFrom})`}`,
        `${displayPath(molecule.source, cwd)}${molecule.frame === undefined ? '' : ` frame ${molecule.frame}`}`,
      ]),
    ),
    '',
  );
  lines.push(
    ...table(
      ['JOB', 'FOLDER', 'PROGRAM', 'PIPE', 'FOLDER STATE'],
      plan.jobs.map((job) => [job.basename, job.folder, job.program, job.pipe || '-', `${STATE_WORDS[job.state]}${job.inBatchfile ? ', row there' : ''}`]),
    ),
  );
  const sample = plan.jobs.find((job) => job.state !== 'kept') ?? plan.jobs[0];
  if (sample) {
    const input = sample.files[0]!;
    lines.push('', `${sample.folder}/${input.name}:`, ...input.text.replace(/\n+$/, '').split('\n').map((line) => `  ${line}`));
    if (sample.args.length > 0) lines.push(`{args} of its command: ${sample.args.join(' ')}`);
  }
  return lines.join('\n');
}

/** One paragraph after writing: what was made, what was left alone, what to do next. */
export function describeWritten(plan: NewBatchPlan, summary: WriteSummary, cwd = process.cwd()): string {
  const file = displayPath(plan.batchfilePath, cwd);
  const lines = [
    `${file}: ${plan.molecules.length} molecule${plural(plan.molecules.length)}, pipeline ${plan.pipelineName}; ${summary.written.length} job folder${plural(summary.written.length)} written, ${summary.rowsAdded} row${plural(summary.rowsAdded)} added${plan.batchfileExists ? '' : ' (new batchfile)'}`,
  ];
  if (summary.unchanged.length > 0) lines.push(`  ${summary.unchanged.length} already as planned`);
  if (summary.kept.length > 0) lines.push(`  ${summary.kept.length} kept as they are (they hold output): ${summary.kept.map((job) => job.folder).join(', ')}`);
  lines.push(`next: batchman validate ${file} && batchman run ${file}`);
  return lines.join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown === '' ? '.' : shown.startsWith('..') ? path : shown;
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
