// A CommandRunner for unit tests: answers from a script and records every call it gets.
import { basename } from 'node:path';
import type { CommandOptions, CommandResult, CommandRunner } from '../../../core/slurm/commandRunner.js';

export interface RecordedCall {
  /** The command's base name (`squeue`, `sacct`…). */
  command: string;
  file: string;
  args: readonly string[];
  options: CommandOptions;
  /** The clock time of the call, when a clock was given. */
  at: number | undefined;
}

export type Responder = (call: RecordedCall) => Partial<CommandResult> | Promise<Partial<CommandResult>>;

export interface ScriptedRunner {
  run: CommandRunner;
  calls: RecordedCall[];
  /** How many calls went to this command. */
  count(command: string): number;
  callsTo(command: string): RecordedCall[];
  /** Replaces the responder (to script the next answers). */
  respond(responder: Responder): void;
}

export function scriptedRunner(responder: Responder, now?: () => number): ScriptedRunner {
  let current = responder;
  const calls: RecordedCall[] = [];
  const run: CommandRunner = async (file, args, options) => {
    const call: RecordedCall = { command: basename(file), file, args: [...args], options, at: now?.() };
    calls.push(call);
    const answer = await current(call);
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...answer };
  };
  return {
    run,
    calls,
    count: (command) => calls.filter((c) => c.command === command).length,
    callsTo: (command) => calls.filter((c) => c.command === command),
    respond: (next) => {
      current = next;
    },
  };
}
