// `npm run demo`: copies the shell pipeline into .demo/ (fresh each time) and runs it with
// `batchman run` — on SLURM when sbatch is on PATH, else on the embedded local executor.
import { cpSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = `${repo}.demo/shell-pipeline`;
rmSync(work, { recursive: true, force: true });
cpSync(`${repo}examples/shell-pipeline`, work, { recursive: true });
console.log(`demo batch copied to ${work}\n`);
const result = spawnSync(process.execPath, [`${repo}bin/batchman`, 'run', `${work}/batchfile.csv`, '--message', 'npm run demo'], { stdio: 'inherit' });
console.log(`\nThe job "broken" fails on purpose, so "report", which waits for it, is broken_dependency.`);
console.log(`Look around: ${work} (ledger, job folders, fail_output/), or run: bin/batchman history ${work}/batchfile.csv`);
// Exit 1 is the expected end of this demo (one job fails on purpose); anything else is a real problem.
process.exit(result.status === 1 || result.status === 0 ? 0 : (result.status ?? 1));
