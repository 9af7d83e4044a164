// Finds out whether SLURM's commands are on PATH, without a shell (`which` would need one).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findOnPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function slurmAvailable(path?: string): boolean {
  return findOnPath('squeue', path) !== undefined && findOnPath('sbatch', path) !== undefined;
}
