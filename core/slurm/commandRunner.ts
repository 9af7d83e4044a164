// How the scheduler adapters run a command: an injectable function, with a default over execa.
import { execa } from 'execa';

export interface CommandOptions {
  /** Every call has one: a hung scheduler command must never hang the caller. */
  timeoutMs: number;
  cwd?: string;
  /** Added to (not replacing) the current environment. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CommandResult {
  /** The exit status; -1 when the command could not start or was killed (see `timedOut`, `error`). */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why the command could not run at all (not found, not executable…), or the killing signal. */
  error?: string;
}

/** Runs `file` with `args` (never through a shell) and resolves, never rejects, with what happened. */
export type CommandRunner = (file: string, args: readonly string[], options: CommandOptions) => Promise<CommandResult>;

/** The default runner: execa without a shell, `reject: false`, stdin closed, a timeout on every call. */
export const execaRunner: CommandRunner = async (file, args, options) => {
  const result = await execa(file, args, {
    reject: false,
    timeout: options.timeoutMs,
    // a command ignoring SIGTERM after its timeout is killed 2 s later rather than 5 s
    forceKillAfterDelay: 2000,
    stdin: 'ignore',
    stripFinalNewline: false,
    encoding: 'utf8',
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  const ran: CommandResult = {
    exitCode: result.exitCode ?? -1,
    stdout,
    stderr,
    timedOut: result.timedOut,
  };
  if (result.exitCode === undefined && !result.timedOut) {
    ran.error = result.signal !== undefined ? `killed by ${result.signal}` : (result.code ?? result.shortMessage);
  }
  return ran;
};

/** One line saying why a command failed, for error messages and logs. */
export function describeFailure(command: string, result: CommandResult, timeoutMs?: number): string {
  if (result.timedOut) return `${command} timed out${timeoutMs !== undefined ? ` after ${timeoutMs} ms` : ''}`;
  if (result.error !== undefined) return `${command} could not run: ${result.error}`;
  const detail = firstLine(result.stderr) || firstLine(result.stdout);
  return `${command} exited with ${result.exitCode}${detail ? `: ${detail}` : ''}`;
}

function firstLine(text: string): string {
  const trimmed = text.trim();
  const newline = trimmed.indexOf('\n');
  return (newline === -1 ? trimmed : trimmed.slice(0, newline)).slice(0, 300);
}
