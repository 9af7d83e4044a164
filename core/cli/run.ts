// Dispatches `batchman <command>` to its handler and turns errors into exit codes.
import type { CliOutput } from './output.js';
import { EXIT, USAGE, UsageError } from './usage.js';
import { internalError } from './internalError.js';
import { historyCommand } from './history.js';
import { cancelCommand } from './cancel.js';
import { runCommand } from './runCommand.js';
import { waitCommand } from './wait.js';
import { statusCommand } from './status.js';
import { resultsCommand } from './results.js';
import { validateCommand } from './validate.js';
import { newCommand } from './new.js';

type Command = (args: readonly string[], output: CliOutput) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  validate: validateCommand,
  status: statusCommand,
  run: runCommand,
  wait: waitCommand,
  cancel: cancelCommand,
  history: historyCommand,
  results: resultsCommand,
  new: newCommand,
};

export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    output.out(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    output.err(`batchman: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command(args, output);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      output.err(`batchman ${name}: ${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    output.err(internalError(name, error));
    return EXIT.failed;
  }
}

