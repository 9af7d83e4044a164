// Entry point of the `batchman` command-line bundle.
import { processOutput } from './output.js';
import { runCli } from './run.js';

void runCli(process.argv.slice(2), processOutput).then((code) => {
  process.exitCode = code;
});
