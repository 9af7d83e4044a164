// Runs the bundled `batchman` CLI (dist/cli.js) with VS Code's own runtime: `process.execPath` with
// ELECTRON_RUN_AS_NODE=1 is a plain Node, so users need no separate Node. A detached runner started this way
// outlives the window.
import { delimiter, dirname, isAbsolute } from 'node:path';
import { execa } from 'execa';
import type { SlurmCommands } from '../../core/slurm/slurmScheduler.js';

export interface CliResult {
  exitCode: number;
  /** stdout and stderr interleaved. */
  output: string;
  timedOut: boolean;
}

export interface CliOptions {
  cwd: string;
  timeoutMs?: number;
  /** The SLURM commands as configured: their folders go first on PATH so the runner finds the same ones. */
  slurmCommands?: SlurmCommands;
}

export class BatchmanCli {
  constructor(private readonly cliPath: string) {}

  async run(args: readonly string[], options: CliOptions): Promise<CliResult> {
    const result = await execa(process.execPath, [this.cliPath, ...args], {
      cwd: options.cwd,
      env: { ELECTRON_RUN_AS_NODE: '1', PATH: pathWith(options.slurmCommands) },
      extendEnv: true,
      timeout: options.timeoutMs ?? 120_000,
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    return { exitCode: result.exitCode ?? -1, output: result.all ?? '', timedOut: result.timedOut };
  }
}

/**
 * The runner calls sbatch/squeue/sacct/scancel by name; where the settings name them by absolute path, their folders
 * are put first on PATH. (A wrapper with another name than the command cannot be passed this way: the CLI has no
 * option for it yet.)
 */
export function pathWith(commands: SlurmCommands | undefined, path = process.env.PATH ?? ''): string {
  if (!commands) return path;
  const dirs = Object.entries(commands)
    .filter(([name, command]) => isAbsolute(command) && command.endsWith(`/${name}`))
    .map(([, command]) => dirname(command));
  return [...new Set(dirs), ...path.split(delimiter).filter((p) => p !== '')].join(delimiter);
}
