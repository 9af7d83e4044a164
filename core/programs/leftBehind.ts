// What a job's program leaves in its folder for a pipe downstream, named for that job (completion and hover).
import type { ResolvedJob } from '../batchfile/model.js';
import { PROGRAMS } from './catalog.js';

export interface LeftBehindFile {
  /** The file's name in the job folder. */
  readonly name: string;
  /** What it is and when it is there. */
  readonly what: string;
}

/** The files `job`'s program leaves behind that a pipe of kind `pipe` takes; none when the program is unknown. */
export function leftBehindBy(job: Pick<ResolvedJob, 'basename' | 'program'>, pipe: 'coords' | 'orbitals'): LeftBehindFile[] {
  if (!job.program) return [];
  return PROGRAMS[job.program.id].leavesBehind.filter((left) => left.pipe === pipe).map((left) => ({ name: left.name(job.basename), what: left.what }));
}
