// The fixed bash wrapper every local job runs under: it records the job's start and end as files.
import { createHash, randomBytes } from 'node:crypto';
import * as fsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';

/**
 * The wrapper is constant text (no user input is ever inside it); everything variable arrives as
 * arguments and is only ever used quoted. It runs detached from whoever submitted the job, so the
 * job's end is recorded even when that process was `kill -9`ed.
 *
 * `set -m` gives the job its own process group (pgid = the job's pid): a cancel or a time limit
 * signals the job and everything it started, while the wrapper stays alive to record the end.
 * File names carry the facts (pids, times, exit code) so one directory listing tells every job's
 * state; each file is created in one step, so a reader never sees half of one.
 */
export const WRAPPER_SCRIPT = `# Batchman local executor wrapper. Generated, constant text: do not edit.
# usage: bash WRAPPER JOBS_DIR JOB_ID TIME_LIMIT_SECONDS KILL_GRACE_SECONDS SCRIPT
set -u
set -m
d=$1
id=$2
limit=$3
grace=$4
script=$5
child=
killer=
watchdog=
cancel_asked=

ms() {
  if [ -n "\${EPOCHREALTIME-}" ]; then
    t=\${EPOCHREALTIME/[.,]/}
    printf '%s' "\${t%???}"
  else
    printf '%s000' "$(date +%s)"
  fi
}

# A cancel: SIGTERM to the job's whole group now, SIGKILL after the grace period.
cancel_job() {
  if [ -z "$child" ]; then cancel_asked=1; return; fi
  if [ -n "$killer" ]; then return; fi
  kill -TERM -- "-$child" 2>/dev/null
  # once more shortly after: a job signalled while it was still starting may have missed the first
  ( sleep 0.2 || sleep 1; kill -TERM -- "-$child"; sleep "$grace"; kill -KILL -- "-$child" ) &
  killer=$!
}
trap cancel_job TERM INT HUP

# Cancelled before it started: it never runs.
for f in "$d/$id".cancel.*; do
  if [ -e "$f" ]; then : > "$d/$id.end.0.$(ms)"; exit 0; fi
  break
done

start=$(ms)
bash -- "$script" </dev/null &
child=$!
# From here on the wrapper's own messages (job-control notices) must not reach the job's output.
exec >/dev/null 2>&1
: > "$d/$id.run.$$.$child.$start"

# A cancel that came before the run file existed left a marker instead of a signal.
for f in "$d/$id".cancel.*; do
  if [ -e "$f" ]; then cancel_asked=1; fi
  break
done
if [ -n "$cancel_asked" ]; then cancel_job; fi

if [ "$limit" -gt 0 ]; then
  ( sleep "$limit"; : > "$d/$id.timeout"; kill -TERM -- "-$child"; sleep "$grace"; kill -KILL -- "-$child" ) &
  watchdog=$!
fi

# A trapped signal interrupts wait; wait again until the job has really ended, then take its status.
code=0
while :; do
  wait "$child"
  code=$?
  kill -0 "$child" 2>/dev/null || break
  # still alive: interrupted by a trap, or stopped; do not spin while it stays stopped
  sleep 0.2 || sleep 1
done
wait "$child"
last=$?
if [ "$last" -ne 127 ]; then code=$last; fi

if [ -n "$watchdog" ]; then kill -KILL -- "-$watchdog"; fi
if [ -n "$killer" ]; then kill -KILL -- "-$killer"; fi
# Like SLURM at the end of a batch step: nothing the job left behind outlives it.
kill -TERM -- "-$child" 2>/dev/null
: > "$d/$id.end.$code.$(ms)"
`;

/** The wrapper's file name: its content hash, so a new version never overwrites one a job still runs. */
export function wrapperFileName(): string {
  const hash = createHash('sha256').update(WRAPPER_SCRIPT).digest('hex').slice(0, 12);
  return `wrapper-${hash}.sh`;
}

type WrapperFs = Pick<typeof fsPromises, 'stat' | 'writeFile' | 'rename' | 'unlink'>;

/** Writes the wrapper into `stateDir` unless it is already there; returns its path. */
export async function installWrapper(stateDir: string, fs: WrapperFs = fsPromises): Promise<string> {
  const path = join(stateDir, wrapperFileName());
  try {
    const info = await fs.stat(path);
    if (info.size === Buffer.byteLength(WRAPPER_SCRIPT)) return path;
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  // temp + rename: a concurrent submitter, or bash reading it, only ever sees the whole file
  const temp = join(stateDir, `.${wrapperFileName()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(temp, WRAPPER_SCRIPT, { mode: 0o644 });
  try {
    await fs.rename(temp, path);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  return path;
}
