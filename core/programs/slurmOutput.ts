// Evidence from SLURM's own messages in `slurm-{id}.out` (time limit, out of memory, cancellation).
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { readTail } from './fileScan.js';
import { listSlurmOutputIds, slurmOutputName } from './files.js';
import { SLURM_MESSAGES } from './markers.js';

export interface SlurmEvidence {
  /** TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED or CANCELLED. */
  cause: string;
  /** `slurm-123.out: slurmstepd: error: *** JOB 123 ON n1 CANCELLED AT … DUE TO TIME LIMIT ***`. */
  evidence: string;
  file: string;
}

/**
 * Looks for SLURM's failure messages at the end of `slurm-{jobId}.out` (or of the newest such file when
 * no id is given). Undefined when there is no such file, it was last written before `notBefore`
 * (an earlier attempt's), or it holds no SLURM message.
 */
export async function readSlurmEvidence(jobDirectory: string, jobId?: number, notBefore?: number): Promise<SlurmEvidence | undefined> {
  let id = jobId !== undefined && jobId >= 0 ? jobId : undefined;
  if (id === undefined) id = (await listSlurmOutputIds(jobDirectory)).at(-1);
  if (id === undefined) return undefined;
  const file = slurmOutputName(id);
  let tail;
  try {
    // The program may print its whole output here; SLURM's messages come last.
    tail = await readTail(join(jobDirectory, file));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  if (notBefore !== undefined && tail.mtimeMs < notBefore) return undefined;
  return slurmEvidenceInText(tail.text, file);
}

/** The first SLURM message (in SLURM_MESSAGES order) found in `text`. */
export function slurmEvidenceInText(text: string, file: string): SlurmEvidence | undefined {
  for (const message of SLURM_MESSAGES) {
    const at = text.indexOf(message.text);
    if (at === -1) continue;
    const start = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const line = text.slice(start, newline === -1 ? text.length : newline).trim();
    return { cause: message.cause, evidence: `${file}: ${line}`, file };
  }
  return undefined;
}
