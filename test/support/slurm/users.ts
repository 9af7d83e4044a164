// Running Batchman as another user on the test cluster: commands through runuser, a PATH that user may
// search, the CLI where that user may read it, and files handed to that user.
import { chown, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { CLI_BUNDLE, REPO_ROOT } from '../build.js';
import { idsOf, sharedDir, which } from './cluster.js';

export function runAs(user: string, file: string, args: readonly string[], env: Record<string, string> = {}, timeout = 60_000) {
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  return user === 'root'
    ? execa(file, [...args], { reject: false, timeout, env })
    : execa('runuser', ['-u', user, '--', 'env', ...assignments, file, ...args], { reject: false, timeout });
}

/** Wrappers first, then node and SLURM's commands (root's PATH has folders a normal user cannot search). */
export function userPath(wrapDir: string): string {
  const dirs = [wrapDir, dirname(process.execPath), dirname(which('sbatch') ?? '/usr/bin/sbatch'), '/usr/local/bin', '/usr/bin', '/bin'];
  return [...new Set(dirs)].join(delimiter);
}

/** `bin/batchman` when the user may read and run it (as users do); else the self-contained bundle from a readable copy. */
export async function batchmanFor(user: string): Promise<{ file: string; args: string[] }> {
  const bin = join(REPO_ROOT, 'bin/batchman');
  const probe = await runAs(user, 'test', ['-x', bin, '-a', '-r', bin, '-a', '-r', CLI_BUNDLE]);
  if (probe.exitCode === 0) return { file: bin, args: [] };
  const copyDir = await sharedDir('batchman-cli-');
  await writeFile(join(copyDir, 'cli.js'), await readFile(CLI_BUNDLE), { mode: 0o644 });
  await writeFile(join(copyDir, 'package.json'), '{"type":"commonjs"}\n', { mode: 0o644 });
  return { file: process.execPath, args: [join(copyDir, 'cli.js')] };
}

export async function ownBy(user: string, path: string): Promise<void> {
  if (user === 'root') return;
  const { uid, gid } = await idsOf(user);
  await chown(path, uid, gid);
}
