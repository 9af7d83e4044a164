// The test cluster's controller alone, stopped and started again under running work: `scontrol shutdown
// slurmctld` stops only slurmctld (jobs go on under slurmd; squeue and sbatch fail until it is back), and
// it is started again as start-local-slurm.sh starts it (the daemon forks, then `scontrol ping` answers).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { waitFor } from './cluster.js';

const BASE = process.env.SLURM_LOCAL_BASE ?? '/tmp/batchman-slurm';
const PID_FILE = join(BASE, 'run', 'slurm', 'slurmctld.pid');

async function controllerPid(): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(PID_FILE, 'utf8')).trim());
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    const state = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(' ')[2];
    return comm === 'slurmctld' && state !== 'Z' ? pid : undefined;
  } catch {
    return undefined;
  }
}

const pings = async () => (await execa('scontrol', ['ping'], { reject: false, timeout: 10_000 })).exitCode === 0;

/** Stops the controller and waits until its process is gone (root only). */
export async function stopController(): Promise<void> {
  await execa('scontrol', ['shutdown', 'slurmctld'], { timeout: 30_000 });
  await waitFor('slurmctld to exit', async () => (await controllerPid()) === undefined, { timeoutMs: 60_000 });
}

/** Starts the controller the way the start script does and waits until it answers (root only). */
export async function startController(): Promise<void> {
  if ((await controllerPid()) === undefined) await execa('/usr/sbin/slurmctld', [], { timeout: 60_000 });
  await waitFor('slurmctld to answer', pings, { timeoutMs: 60_000, intervalMs: 250 });
}

/** Stops the controller, keeps it away for `downMs`, and starts it again. */
export async function restartController(downMs: number): Promise<void> {
  await stopController();
  await new Promise((resolve) => setTimeout(resolve, downMs));
  await startController();
}
