// Rules on pipes: syntax, names, duplicates, orbitals on non-ORCA jobs, upstream jobs, cycles, bracket style.
import { posix } from 'node:path';
import { PIPE_NAMES } from '../pipes.js';
import type { PipeName } from '../pipes.js';
import { nearestWord } from '../nearest.js';
import { Severity } from '../types.js';
import type { Rule } from './context.js';

export const pipeSyntaxRule: Rule = ({ model }, report) => {
  for (const row of model.document.rows) {
    for (const problem of row.pipe.problems) report(problem.code, problem.severity, problem.range, problem.message);
  }
};

const PIPE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KIND_BIT: Readonly<Record<PipeName, number>> = { coords: 1, orbitals: 2 };

export const pipeNameRule: Rule = ({ model }, report) => {
  for (const job of model.jobs) {
    const commands = job.row.pipe.commands;
    let seen = 0;
    for (const command of commands) {
      const kind = command.kind;
      // A known kind is `coords` or `orbitals` in some case: always a well-formed name.
      if (!kind) {
        const name = command.name;
        if (name.text === '' || !PIPE_NAME_PATTERN.test(name.text)) continue;
        const suggestion = nearestWord(name.text, PIPE_NAMES);
        report(
          'pipe-unknown-name',
          Severity.Error,
          name.range,
          `Unknown pipe \`${name.text}\`: expected \`coords\` or \`orbitals\` (CCBatchMan would silently ignore it).${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
          suggestion ? { suggestion } : undefined,
        );
        continue;
      }
      if ((seen & KIND_BIT[kind]) !== 0) {
        report('pipe-duplicate-name', Severity.Error, command.range, `This job already has a \`${kind}\` pipe; a job takes at most one of each.`);
      }
      seen |= KIND_BIT[kind];
      if (kind === 'orbitals' && job.program && !job.program.acceptsOrbitals) {
        report('pipe-orbitals-non-orca', Severity.Warning, command.name.range, `Only ORCA jobs read piped orbitals; this job runs ${job.program.displayName}.`);
      }
    }
  }
};

export const pipeTargetRule: Rule = ({ model, disk }, report) => {
  // Only a disk that holds the batch's root can say whether a folder outside the batch exists: without it (disk checks
  // off, or a batch moved from another machine) such a pipe is reported for information, never as an error.
  let rootChecked: boolean | undefined;
  const diskChecks = (): boolean => (rootChecked ??= disk !== undefined && model.rootPath !== undefined && disk.kind(model.rootPath) === 'directory');
  for (const job of model.jobs) {
    for (const pipe of job.pipes) {
      if (pipe.noTransfer) continue;
      if (pipe.upstream !== undefined && pipe.upstream !== job.index && pipe.targetPath !== job.path) continue;
      // Only a reported pipe builds its DIR span.
      const dir = pipe.command.dir!;
      if (pipe.upstream === job.index || pipe.targetPath === job.path) {
        report('pipe-self', Severity.Error, dir.range, `\`${dir.text}\` is this job's own folder: a job cannot pipe from itself (use \`./\` for no transfer).`);
        continue;
      }
      if (pipe.upstream !== undefined) continue;
      const shown = model.rootPath ? pipe.targetPath : posix.relative('/', pipe.targetPath) || '.';
      if (!diskChecks()) {
        report('pipe-upstream-missing', Severity.Information, dir.range, `\`${dir.text}\` (${shown}) is no job of this batch, and its folder was not looked for (no disk checks, or the root is not on this machine): nothing waits for it; its file is copied if it is there.`);
      } else if (disk!.kind(pipe.targetPath) === 'directory') {
        report('pipe-upstream-outside-batch', Severity.Warning, dir.range, `\`${dir.text}\` (${shown}) is no job of this batch; the folder exists, so the file is copied but nothing waits for it.`);
      } else {
        report('pipe-upstream-missing', Severity.Error, dir.range, `\`${dir.text}\` (${shown}) is no job of this batch and no folder on disk.`);
      }
    }
  }
};

export const cycleRule: Rule = ({ model }, report) => {
  for (const cycle of model.cycles) {
    const members = new Set(cycle);
    const names = cycle.map((index) => model.jobs[index]!.basename || `line ${model.jobs[index]!.row.line + 1}`);
    for (const index of cycle) {
      const job = model.jobs[index]!;
      for (const pipe of job.pipes) {
        if (pipe.upstream === undefined || !members.has(pipe.upstream) || pipe.upstream === index) continue;
        report('dependency-cycle', Severity.Error, pipe.command.dir!.range, `Dependency cycle: ${names.join(' → ')} → ${names[0]}; none of these jobs could ever start.`);
      }
    }
  }
};

export const pipeStyleRule: Rule = ({ model }, report) => {
  // CCBatchMan's pipe pattern reads braces only: an angle-bracket pipe is silently dropped there, with its dependency.
  for (const row of model.document.rows) {
    for (const command of row.pipe.commands) {
      if (command.style !== 'angle') continue;
      const name = command.name.text || 'NAME';
      report(
        'pipe-angle-brackets',
        Severity.Information,
        command.range,
        `CCBatchMan cannot read \`${name}<…>\`: it silently drops the pipe (and the wait for it). Batchman reads both; \`${name}{…}\` works in both.`,
        { suggestion: 'brace' },
      );
    }
  }
};
