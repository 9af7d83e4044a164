// Entry point of the `batchman` command-line bundle: runs the command; anything that escapes it is one line, no stack.
import { processOutput } from './output.js';
import { internalError } from './internalError.js';
import { runCli } from './run.js';

const command = process.argv[2] ?? 'batchman';
// A rejection or exception outside the command's own handling (a timer, a stray promise) is said in one line and
// ends the process with 1, as the command's own failures do.
const fail = (error: unknown) => {
  processOutput.err(internalError(command, error));
  process.exit(1);
};
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);

void runCli(process.argv.slice(2), processOutput).then((code) => {
  process.exitCode = code;
});
