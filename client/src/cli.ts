// Runs the bundled `batchman` CLI (dist/cli.js) with VS Code's own runtime: `process.execPath` with
// ELECTRON_RUN_AS_NODE=1 is a plain Node, so users need no separate Node. A detached runner started this way
// outlives the window.
import { execa } from 'execa';
import { slurmCommandsEnv } from '../../core/slurm/commandsEnv.js';
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
  /** The SLURM commands as configured: handed on as BATCHMAN_SBATCH… so the runner calls the same ones. */
  slurmCommands?: SlurmCommands;
}

export class BatchmanCli {
  constructor(private readonly cliPath: string) {}

  async run(args: readonly string[], options: CliOptions): Promise<CliResult> {
    const result = await execa(process.execPath, [this.cliPath, ...args], {
      cwd: options.cwd,
      env: { ELECTRON_RUN_AS_NODE: '1', ...slurmCommandsEnv(options.slurmCommands) },
      extendEnv: true,
      timeout: options.timeoutMs ?? 120_000,
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    return { exitCode: result.exitCode ?? -1, output: result.all ?? '', timedOut: result.timedOut };
  }
}
