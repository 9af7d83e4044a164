// The few sbatch options the local executor honours, read from `#SBATCH` lines and extra arguments.
import { parseSlurmDuration } from '../slurm/states.js';

export interface LocalJobOptions {
  /** Seconds; 0 = no limit (absent, `0`, `UNLIMITED`, `INFINITE`). */
  timeLimitSeconds: number;
  jobName?: string;
  cpusPerTask?: number;
}

/**
 * The arguments of the script's `#SBATCH` lines, in order. Like sbatch, reading stops at the first
 * line that is neither blank nor a comment.
 */
export function scriptDirectives(script: string): string[] {
  const args: string[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    const match = /^#SBATCH\s+(.*)$/.exec(line);
    if (!match?.[1]) continue;
    const body = match[1].replace(/\s#.*$/, '');
    // words as a shell would split them, quotes removed (`-J "a b"`, `--job-name='x'`)
    for (const word of body.match(/(?:"[^"]*"|'[^']*'|[^\s"'])+/g) ?? []) args.push(unquote(word));
  }
  return args;
}

/**
 * Reads the honoured options from sbatch arguments; later ones win, so pass the script's
 * directives first and the command line after (sbatch's own precedence). Others are ignored.
 */
export function localJobOptions(args: readonly string[]): LocalJobOptions {
  const options: LocalJobOptions = { timeLimitSeconds: 0 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const take = (long: string, short: string): string | undefined => {
      if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
      if (arg === long || arg === short) return args[++i];
      if (short !== '' && arg.startsWith(short) && arg.length > short.length && !arg.startsWith('--')) return arg.slice(short.length);
      return undefined;
    };
    let value: string | undefined;
    if ((value = take('--time', '-t')) !== undefined) options.timeLimitSeconds = timeLimit(value);
    else if ((value = take('--job-name', '-J')) !== undefined) options.jobName = value;
    else if ((value = take('--cpus-per-task', '-c')) !== undefined) {
      const cpus = Number(value);
      if (Number.isInteger(cpus) && cpus > 0) options.cpusPerTask = cpus;
    }
  }
  return options;
}

function timeLimit(value: string): number {
  if (/^(unlimited|infinite)$/i.test(value.trim())) return 0;
  return parseSlurmDuration(value) ?? 0;
}

function unquote(word: string): string {
  return word.replace(/"([^"]*)"|'([^']*)'/g, (_all, double: string | undefined, single: string | undefined) => double ?? single ?? '');
}
