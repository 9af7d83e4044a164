// The local executor's jobs folder: its file-name grammar, and one listing parsed into per-job facts.

/**
 * Every fact about a local job is a file in the jobs folder, created in one step (an exclusive
 * create or a link), never rewritten:
 *
 * - `<id>.json`                              the job's spec (name, cwd, script…), published by link()
 * - `<id>.launch`                            the claim to start its wrapper, created exclusively ('wx'):
 *                                            by the submitter, or by a reader when the submitter died
 *                                            before it could; whoever creates it is the only one to start it
 * - `<id>.run.<wrapperPid>.<jobPid>.<startMs>` the wrapper started the job (its pgid = jobPid)
 * - `<id>.end.<exitStatus>.<endMs>`          the wrapper saw the job end
 * - `<id>.cancel.<uid>.<atMs>`               someone cancelled it
 * - `<id>.timeout`                           the wrapper's time limit fired
 * - `<id>.lost.<atMs>`                       a reader found it gone without an end record
 *
 * Names starting with `.` are temporary files; anything else that does not parse is ignored.
 * Because the facts are in the names, ONE directory listing gives every job's state.
 */
export interface LocalJobFacts {
  id: number;
  /** Every file of the job in the listing (for pruning). */
  files: string[];
  spec: boolean;
  /** Someone claimed the start of its wrapper (`<id>.launch`). */
  launch: boolean;
  run?: { wrapperPid: number; jobPid: number; startMs: number };
  end?: { status: number; endMs: number };
  cancel?: { uid: number; atMs: number };
  timeout: boolean;
  lost?: { atMs: number };
}

export interface JobListing {
  /** Jobs that have a spec file, by id. */
  jobs: Map<number, LocalJobFacts>;
  /** Files of ids without a spec: debris of a pruning that was interrupted. */
  orphans: LocalJobFacts[];
  /** The highest id with a spec, 0 when none: new ids start above it. */
  maxId: number;
}

export const specFileName = (id: number): string => `${id}.json`;
export const launchFileName = (id: number): string => `${id}.launch`;
export const endFileName = (id: number, status: number, endMs: number): string => `${id}.end.${status}.${endMs}`;
export const cancelFileName = (id: number, uid: number, atMs: number): string => `${id}.cancel.${uid}.${atMs}`;
export const lostFileName = (id: number, atMs: number): string => `${id}.lost.${atMs}`;

const NAME = /^(\d{1,15})\.(json|launch|run|end|cancel|timeout|lost)((?:\.\d{1,16})*)$/;
// How many numbers follow each kind of name.
const ARITY: Record<string, number> = { json: 0, launch: 0, run: 3, end: 2, cancel: 2, timeout: 0, lost: 1 };

/** Groups a listing of the jobs folder by job id. */
export function parseJobListing(names: Iterable<string>): JobListing {
  const all = new Map<number, LocalJobFacts>();
  for (const name of names) {
    const match = NAME.exec(name);
    if (!match) continue;
    const id = Number(match[1]);
    const kind = match[2] ?? '';
    const numbers = match[3] ? match[3].slice(1).split('.').map(Number) : [];
    if (numbers.length !== ARITY[kind]) continue;
    let job = all.get(id);
    if (!job) {
      job = { id, files: [], spec: false, launch: false, timeout: false };
      all.set(id, job);
    }
    job.files.push(name);
    const [a = 0, b = 0, c = 0] = numbers;
    switch (kind) {
      case 'json':
        job.spec = true;
        break;
      case 'launch':
        job.launch = true;
        break;
      case 'run':
        job.run = { wrapperPid: a, jobPid: b, startMs: c };
        break;
      case 'end':
        // one wrapper per job writes one end; keep the earliest should a copy ever appear
        if (!job.end || b < job.end.endMs) job.end = { status: a, endMs: b };
        break;
      case 'cancel':
        if (!job.cancel || b < job.cancel.atMs) job.cancel = { uid: a, atMs: b };
        break;
      case 'timeout':
        job.timeout = true;
        break;
      case 'lost':
        if (!job.lost || a < job.lost.atMs) job.lost = { atMs: a };
        break;
    }
  }
  const jobs = new Map<number, LocalJobFacts>();
  const orphans: LocalJobFacts[] = [];
  let maxId = 0;
  for (const [id, job] of all) {
    if (job.spec) {
      jobs.set(id, job);
      if (id > maxId) maxId = id;
    } else {
      orphans.push(job);
    }
  }
  return { jobs, orphans, maxId };
}
