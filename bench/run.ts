// `npm run bench`: every benchmark in turn, each printing its figures; the SLURM ones need a cluster.
import { availableParallelism } from 'node:os';
import { runLspBench } from './lsp.js';
import { runLspFileEventsBench } from './lspFileEvents.js';
import { runParseBench } from './parse.js';
import { runSlurmPollBench } from './slurmPoll.js';
import { runStatusSlurmBench } from './statusSlurm.js';
import { runTreeBench } from './tree.js';
import { runActivationBench } from './activation.js';
import { runRunnerBench } from './runnerSlurm.js';
import { runDashboardBench } from './dashboard.js';
import { runMolecule3dBench } from './molecule3d.js';
import { runResultsTabBench } from './resultsTab.js';
import { benchPictures } from './pictures.js';
import { runRunProgressBench } from './runProgress.js';
import { runResultsBench } from './results.js';
import { runFinishedBatchBench } from './finishedBatch.js';
import { runHoverResultsBench } from './hoverResults.js';

const BENCHES: readonly [string, () => Promise<void>][] = [
  ['batchfile parse + validate', () => runParseBench()],
  ['language server', () => runLspBench()],
  ['file events on the language server, 2,000 jobs', () => runLspFileEventsBench()],
  ['Batches tree, 10,000 jobs', async () => void (await runTreeBench())],
  ['extension activation and bundle sizes', async () => void (await runActivationBench())],
  ['SLURM poll', () => runSlurmPollBench()],
  ['SLURM status, 1,000 jobs', () => runStatusSlurmBench()],
  ['runner: submitting 1,000 jobs, CPU per tick, memory', () => runRunnerBench()],
  ['batchman run output, 10,000 jobs', async () => void (await runRunProgressBench())],
  ['dashboard webview, 10,000 jobs', () => runDashboardBench()],
  ['dashboard pictures: graph layout and timeline', () => benchPictures()],
  ['dashboard job detail: the 3D view of a 200-atom molecule', () => runMolecule3dBench()],
  ['dashboard Results tab, 10,000 jobs', () => runResultsTabBench()],
  ['results: a 200 MB Gaussian log, batchman results over 1,000 jobs', () => runResultsBench()],
  ['results in the row hover and tree tooltips beside a 200 MB log', () => runHoverResultsBench()],
  ['dashboard job detail of a running job beside a 200 MB log: first read, refreshes as the log grows', async () => (await import('./runningDetail.js')).runRunningDetailBench()],
  ['finished 10,000-job batch: batchman status and run', () => runFinishedBatchBench()],
  // The ledger bench is a script: importing it runs it.
  ['ledger', async () => void (await import('./ledgerBench.js'))],
];

console.log(`batchman benchmarks on ${availableParallelism()} cores, node ${process.version}`);
// `npm run bench -- WORD…` runs the benchmarks whose name has one of the words; a bare `--` is no word.
const only = process.argv.slice(2).filter((word) => word !== '--');
const chosen = BENCHES.filter(([name]) => only.length === 0 || only.some((word) => name.toLowerCase().includes(word.toLowerCase())));
if (chosen.length === 0) {
  console.error(`no benchmark's name has ${only.map((word) => `"${word}"`).join(' or ')}; they are:\n${BENCHES.map(([name]) => `  ${name}`).join('\n')}`);
  process.exit(2);
}
for (const [name, run] of chosen) {
  console.log(`\n## ${name}`);
  await run();
}
