// The job detail's 3D view in Chromium (the production bundles, a stub host, as test/webview does): a job's detail
// with a 200-atom molecule and its 50-frame optimisation posted → the viewer's model holds every atom and is drawn.
// Cold: a fresh page each time, so the 3D library (dist/webview-3d.js) is fetched and started too; warm: another job
// shown in the same page. Also the size of the bundles the panel loads.
import { loadavg } from 'node:os';
import type { DashboardJobResults } from '../core/dashboard/jobResultsMessage.js';
import { JobDetailMessage, RevealJobMessage, SnapshotMessage, message } from '../core/dashboard/protocol.js';
import type { DashboardJob, DashboardJobDetail } from '../core/dashboard/protocol.js';
import { openDashboard } from '../test/webview/harness.js';
import { median, preparePageBench } from './pageBench.js';
import { scratchBatch } from '../test/webview/batchFixture.js';

const ATOMS = 200;
const FRAMES = 50;
const LOADS = 5;
const GOAL_MS = 500;

/** C66H134, a zig-zag alkane: 66 carbons and two hydrogens on each, one more at each end (200 atoms). */
function alkane(shift: number): { elements: string[]; coords: number[] } {
  const elements: string[] = [];
  const coords: number[] = [];
  const carbons = 66;
  for (let i = 0; i < carbons; i++) {
    const x = i * 1.26 + shift;
    const y = i % 2 === 0 ? 0 : 0.87;
    elements.push('C');
    coords.push(x, y, 0);
    const away = i % 2 === 0 ? -0.63 : 0.63;
    elements.push('H', 'H');
    coords.push(x, y + away, 0.89, x, y + away, -0.89);
    if (i === 0 || i === carbons - 1) {
      elements.push('H');
      coords.push(x + (i === 0 ? -1.09 : 1.09), y, 0);
    }
  }
  return { elements, coords };
}

function job(name: string): DashboardJob {
  return {
    basename: name, directory: `/scratch/calcs/${name}`, program: 'xtb', status: 'succeeded', jobId: '1', slurmState: null, reason: null,
    elapsed: '0:10', exitCode: 0, cause: null, submittedAt: '2026-01-01T08:00:00.000Z', startedAt: '2026-01-01T08:00:00.000Z',
    endedAt: '2026-01-01T08:00:10.000Z', restarts: 0, lastEvent: { status: 'succeeded', at: '2026-01-01T08:00:10.000Z' }, key: name, label: name,
  };
}

function detail(key: string): DashboardJobDetail {
  const frames = Array.from({ length: FRAMES }, (_, step) => {
    const { coords } = alkane((FRAMES - 1 - step) * 0.01);
    return { step: step + 1, energy: -200 - step * 1e-4, coords };
  });
  const { elements, coords } = alkane(0);
  const results: DashboardJobResults = {
    normalTermination: true, scfEnergy: -200.0049, finalEnergy: -200.0049, zpe: null, enthalpy: null, gibbs: null, temperature: null,
    frequencies: null, imaginaryFrequencies: null,
    optimization: { steps: FRAMES, converged: true, energies: frames.map((frame) => frame.energy), maxForce: frames.map((_, i) => 0.05 / (i + 1)) },
    geometry: elements.map((element, i) => ({ element, x: coords[i * 3]!, y: coords[i * 3 + 1]!, z: coords[i * 3 + 2]! })),
    problems: [],
    trajectory: { elements, frames, total: FRAMES, source: 'xtbopt.log' },
  };
  return { key, history: [], runInfo: null, runInfoError: null, outputTail: null, files: { output: true, input: true, folder: true }, results, at: new Date().toISOString() };
}

interface PageTest {
  posted: unknown[];
  sendAndTime(message: unknown, doneSelector: string, doneText?: string): Promise<number>;
}

export async function runMolecule3dBench(): Promise<void> {
  if (!(await preparePageBench(['dist/webview.js', 'dist/webview-3d.js']))) return;
  const jobs = [job('alkane_a'), job('alkane_b')];
  const snapshot = message(SnapshotMessage, { batch: scratchBatch(), jobs, links: [], history: [], at: new Date().toISOString() });
  const drawn = `[data-testid="molecule-3d"][data-atom-count="${ATOMS}"]`;
  const dashboard = await openDashboard();
  try {
    const { page } = dashboard;
    const send = (value: unknown, selector: string, text?: string) =>
      page.evaluate(([m, s, t]) => (globalThis as unknown as { __test: PageTest }).__test.sendAndTime(m, s as string, t as string | undefined), [value, selector, text] as const);
    const cold: number[] = [];
    const warm: number[] = [];
    for (let load = 0; load < LOADS; load++) {
      await page.goto(dashboard.url);
      await page.waitForFunction(() => (globalThis as unknown as { __test: PageTest }).__test.posted.length > 0);
      await send(snapshot, '[data-testid="shown-count"]');
      await send(message(RevealJobMessage, { key: 'alkane_a' }), '[data-testid="job-detail"] .detail-title', 'alkane_a');
      cold.push(await send(message(JobDetailMessage, { detail: detail('alkane_a') }), drawn));
      await send(message(RevealJobMessage, { key: 'alkane_b' }), '[data-testid="job-detail"] .detail-title', 'alkane_b');
      warm.push(await send(message(JobDetailMessage, { detail: detail('alkane_b') }), drawn));
    }
    const load = loadavg().map((value) => value.toFixed(2)).join(' ');
    console.log(`3D view of a ${ATOMS}-atom molecule (${FRAMES} frames), detail posted → drawn, cold (library loaded): median ${median(cold).toFixed(0)} ms over ${LOADS} fresh pages (${cold.map((ms) => ms.toFixed(0)).join(', ')}; goal ≤ ${GOAL_MS} ms) at load ${load}`);
    console.log(`3D view of a ${ATOMS}-atom molecule, another job in the same page: median ${median(warm).toFixed(0)} ms (${warm.map((ms) => ms.toFixed(0)).join(', ')}; goal ≤ ${GOAL_MS} ms)`);
  } finally {
    await dashboard.close();
  }
}
