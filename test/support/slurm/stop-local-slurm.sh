#!/usr/bin/env bash
# stop-local-slurm.sh — stop the daemons that start-local-slurm.sh started for the tests,
# found ONLY through the PID files it wrote (never by name).
# Running jobs are cancelled first (set SLURM_LOCAL_KEEP_JOBS=1 to skip) so no
# job step keeps running after slurmd is gone. Idempotent.
set -uo pipefail
BASE=${SLURM_LOCAL_BASE:-/tmp/batchman-slurm}
log() { echo "[stop-local-slurm] $*" >&2; }
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -E "$0" "$@"; fi
  log "must run as root"; exit 1
fi

gone() { # pid: true once the process has exited (a zombie waiting for init to reap it counts as gone)
  [ ! -r "/proc/$1/stat" ] && return 0
  [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

alive_pid() { # pidfile name -> echoes pid if that process is alive with that name
  local p; [ -r "$1" ] || return 1; p=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$p" ] && [ -r "/proc/$p/comm" ] && [ "$(cat "/proc/$p/comm")" = "$2" ] && ! gone "$p" && echo "$p"
}

# cancel jobs while slurmctld is still up, and wait for their steps to finish
if [ "${SLURM_LOCAL_KEEP_JOBS:-0}" != 1 ] && alive_pid "$BASE/run/slurm/slurmctld.pid" slurmctld >/dev/null; then
  ids=$(squeue -h -o '%i' 2>/dev/null | tr '\n' ' ')
  if [ -n "${ids// /}" ]; then
    log "cancelling jobs: $ids"
    # shellcheck disable=SC2086
    scancel $ids 2>/dev/null || true
    for _ in $(seq 1 40); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.25; done
  fi
fi

stop_one() { # pidfile name
  local pid
  pid=$(alive_pid "$1" "$2") || { log "$2: not running"; rm -f "$1"; return 0; }
  log "stopping $2 (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do gone "$pid" && break; sleep 0.1; done
  if ! gone "$pid"; then log "$2 did not stop in 30s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$1"
}

stop_one "$BASE/run/slurm/slurmd.pid"     slurmd
stop_one "$BASE/run/slurm/slurmctld.pid"  slurmctld
stop_one "$BASE/run/slurm/slurmdbd.pid"   slurmdbd
stop_one "$BASE/run/mysql/mariadbd.pid"   mariadbd
stop_one "$BASE/run/munge/munged.pid"     munged
log "done"
exit 0
