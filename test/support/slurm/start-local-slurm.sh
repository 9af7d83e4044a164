#!/usr/bin/env bash
# start-local-slurm.sh — install (if missing), configure and start a real single-node SLURM
# cluster for Batchman's tests (munge + slurmctld + slurmd, optionally mariadb + slurmdbd for
# sacct) on Debian 12 WITHOUT systemd, and make sure the non-root test user exists.
# Idempotent: daemons already running from our PID files are left alone (restarted when the
# configuration changed). Exits 0 once `sinfo` shows this node idle.
#
# Test-friendly settings (why they differ from a production cluster):
#   - KillWait=2, OverTimeLimit=0: a job over its time limit gets SIGTERM and SIGKILL 2 s later
#     (default 30 s), so a TIMEOUT ends soon after the limit. SLURM time limits are whole
#     minutes (`--time=00:00:05` becomes 1:00); a test that wants TIMEOUT in seconds submits with
#     `--time=1` and, as root, moves the running job's end closer with
#     `scontrol update JobId=N EndTime=<soon>`: SLURM's own limit check then ends it TIMEOUT
#     within ~10-20 s.
#   - Memory is a consumable resource and enforced: with a writable cgroup v1 memory
#     hierarchy, task/cgroup (ConstrainRAMSpace) lets the kernel's OOM killer stop a job over
#     its --mem and SLURM records OUT_OF_MEMORY; without one, jobacct_gather/linux with
#     OverMemoryKill kills it instead (SLURM 22.05 then records FAILED, signal 9).
#   - DefMemPerCPU: jobs without --mem do not claim the whole node's memory.
#   - With accounting, limits are enforced (AccountingStorageEnforce=associations,limits,qos) as on
#     a real site: root and the test user submit through QOS normal (no limits); a second user
#     (SLURM_LOCAL_LIMIT_USER) has the default QOS `limited` with MaxSubmitJobsPerUser, so the
#     submission past the limit is refused by SLURM itself.
#
# Environment knobs:
#   SLURM_LOCAL_BASE       logs/pids directory              (default /tmp/batchman-slurm)
#   SLURM_LOCAL_DBD        1 = also mariadb+slurmdbd (sacct) (default 1; 0 = no accounting)
#   SLURM_LOCAL_MINJOBAGE  seconds finished jobs stay in squeue (default 300)
#   SLURM_LOCAL_TIMEOUT    seconds to wait for the node to become idle (default 90)
#   SLURM_LOCAL_USER       non-root test user to create      (default batchuser; empty = none)
#   SLURM_LOCAL_LIMIT_USER a user whose default QOS limits its queued jobs (default batchlimit;
#                          empty = none; needs accounting)
#   SLURM_LOCAL_SUBMIT_LIMIT  that QOS's MaxSubmitJobsPerUser (default 3)
#   SLURM_LOCAL_MEMORY     cgroup | kill | none: how --mem is enforced (default: cgroup when
#                          /sys/fs/cgroup/memory accepts a new group, else kill)
set -euo pipefail

BASE=${SLURM_LOCAL_BASE:-/tmp/batchman-slurm}
WITH_DBD=${SLURM_LOCAL_DBD:-1}
MINJOBAGE=${SLURM_LOCAL_MINJOBAGE:-300}
TIMEOUT=${SLURM_LOCAL_TIMEOUT:-90}
TEST_USER=${SLURM_LOCAL_USER-batchuser}
LIMIT_USER=${SLURM_LOCAL_LIMIT_USER-batchlimit}
SUBMIT_LIMIT=${SLURM_LOCAL_SUBMIT_LIMIT:-3}
MEMORY=${SLURM_LOCAL_MEMORY:-auto}
APT_OPTS=(-o DPkg::Lock::Timeout=600 -y --no-install-recommends)

log() { echo "[start-local-slurm] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -E "$0" "$@"; fi
  die "must run as root"
fi

# ---------------------------------------------------------------- install
need_pkgs=()
for pair in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_pkgs+=("${pair#*:}")
done
if [ "$WITH_DBD" = 1 ]; then
  command -v slurmdbd >/dev/null 2>&1 || need_pkgs+=(slurmdbd)
  command -v mariadbd >/dev/null 2>&1 || need_pkgs+=(mariadb-server)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing: ${need_pkgs[*]}"
  # no systemd here: keep package postinst scripts from starting services through
  # /etc/init.d (everything is started by hand below)
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  # the package lists are refreshed once, and only because something is missing
  apt-get -o DPkg::Lock::Timeout=600 update >&2 || log "apt-get update failed; trying the install anyway"
  ok=0
  for try in 1 2 3; do
    if DEBIAN_FRONTEND=noninteractive apt-get install "${APT_OPTS[@]}" "${need_pkgs[@]}" >&2; then ok=1; break; fi
    log "apt-get install failed (try $try); retrying"
    sleep 5
  done
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$ok" = 1 ] || die "apt-get install failed"
fi

# ---------------------------------------------------------------- test users
[ "$WITH_DBD" = 1 ] || LIMIT_USER=""   # a limit needs accounting to be enforced
for user in $TEST_USER $LIMIT_USER; do
  if ! id -u "$user" >/dev/null 2>&1; then
    log "creating user $user"
    useradd -m -s /bin/bash "$user"
  fi
done

# ---------------------------------------------------------------- dirs
H=$(hostname -s)
install -d -m 0755 "$BASE" "$BASE/logs" "$BASE/run"
# munged rejects log folders it considers insecure
chown root:root "$BASE" "$BASE/logs" "$BASE/run"; chmod 0755 "$BASE" "$BASE/logs" "$BASE/run"
install -d -o munge -g munge -m 0700 "$BASE/logs/munge" "$BASE/run/munge"
install -d -o slurm -g slurm -m 0755 "$BASE/logs/slurm" "$BASE/run/slurm"
install -d -o munge -g munge -m 0755 /run/munge
install -d -o slurm -g slurm -m 0755 /var/lib/slurm /var/lib/slurm/slurmctld
install -d -m 0755 /var/lib/slurm/slurmd /etc/slurm

# is the process in PIDFILE alive and named NAME?
alive() { # pidfile name
  local p; [ -r "$1" ] || return 1; p=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$p" ] && [ -r "/proc/$p/comm" ] && [ "$(cat "/proc/$p/comm")" = "$2" ] &&
    [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]   # a zombie not yet reaped is dead
}
wait_for() { # seconds description command...
  local n=$1 what=$2; shift 2
  for _ in $(seq 1 $((n * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  die "timed out waiting for $what"
}
stop_pidfile() { # pidfile name
  local p; alive "$1" "$2" || return 0; p=$(cat "$1")
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 120); do alive "$1" "$2" || return 0; sleep 0.25; done
  die "$2 (pid $p) did not stop"
}

# ---------------------------------------------------------------- munge
if [ ! -s /etc/munge/munge.key ]; then
  log "creating munge key"
  mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key; chmod 0600 /etc/munge/munge.key
munge_ok() { munge -n | unmunge; }
if alive "$BASE/run/munge/munged.pid" munged; then
  log "munged already running (ours)"
elif munge_ok >/dev/null 2>&1; then
  log "a munged not started by this script already answers on /run/munge; using it"
else
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged --force \
    --pid-file="$BASE/run/munge/munged.pid" --log-file="$BASE/logs/munge/munged.log"
  wait_for 15 munged munge_ok
fi

# ---------------------------------------------------------------- memory enforcement
cgroup_v1_memory_ok() {
  local probe=/sys/fs/cgroup/memory/batchman-probe-$$
  [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] || [ -f /sys/fs/cgroup/memory/cgroup.procs ] || return 1
  mkdir "$probe" 2>/dev/null || return 1
  rmdir "$probe" 2>/dev/null || true
}
if [ "$MEMORY" = auto ]; then
  if cgroup_v1_memory_ok; then MEMORY=cgroup; else MEMORY=kill; fi
fi
case "$MEMORY" in
  cgroup)
    task_plugin=task/cgroup
    acct_gather="JobAcctGatherType=jobacct_gather/linux"
    new_cgroup_conf=$(cat <<CONF
# written by start-local-slurm.sh — let the kernel enforce --mem (OUT_OF_MEMORY)
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainRAMSpace=yes
ConstrainSwapSpace=no
ConstrainCores=no
ConstrainDevices=no
CONF
)
    ;;
  kill)
    task_plugin=task/none
    # sample each job's memory every second and kill a job over its --mem
    acct_gather="JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill"
    new_cgroup_conf=""
    ;;
  none)
    task_plugin=task/none
    acct_gather="JobAcctGatherType=jobacct_gather/none"
    new_cgroup_conf=""
    ;;
  *) die "SLURM_LOCAL_MEMORY must be cgroup, kill or none (got '$MEMORY')" ;;
esac
log "memory enforcement: $MEMORY"

# ---------------------------------------------------------------- slurm.conf
# the real hardware as slurmd itself detects it (CPUs, sockets, cores, threads, RealMemory)
HW=$(slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]* //')
acct_lines="AccountingStorageType=accounting_storage/none"
if [ "$WITH_DBD" = 1 ]; then
  # limits as a real site enforces them: a user needs an association, QOS limits refuse submissions
  acct_lines="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
AccountingStorageEnforce=associations,limits,qos"
fi
new_conf=$(cat <<CONF
# written by start-local-slurm.sh — single-node test cluster
ClusterName=localcluster
SlurmctldHost=$H(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=$task_plugin
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
SlurmctldPidFile=$BASE/run/slurm/slurmctld.pid
SlurmdPidFile=$BASE/run/slurm/slurmd.pid
SlurmctldLogFile=$BASE/logs/slurm/slurmctld.log
SlurmdLogFile=$BASE/logs/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SchedulerType=sched/backfill
# start batch jobs ~1 s after sbatch instead of ~3 s (default batch_sched_delay=3)
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
$acct_lines
$acct_gather
JobCompType=jobcomp/none
MinJobAge=$MINJOBAGE
# a job over its time limit: SIGTERM, then SIGKILL 2 s later; no grace minutes
OverTimeLimit=0
KillWait=2
NodeName=$H NodeAddr=127.0.0.1 $HW State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
)
conf_changed=0
if [ ! -f /etc/slurm/slurm.conf ] || [ "$(cat /etc/slurm/slurm.conf)" != "$new_conf" ]; then
  printf '%s\n' "$new_conf" > /etc/slurm/slurm.conf; chmod 644 /etc/slurm/slurm.conf; conf_changed=1
fi
if [ -n "$new_cgroup_conf" ]; then
  if [ ! -f /etc/slurm/cgroup.conf ] || [ "$(cat /etc/slurm/cgroup.conf)" != "$new_cgroup_conf" ]; then
    printf '%s\n' "$new_cgroup_conf" > /etc/slurm/cgroup.conf; chmod 644 /etc/slurm/cgroup.conf; conf_changed=1
  fi
elif [ -f /etc/slurm/cgroup.conf ]; then
  rm -f /etc/slurm/cgroup.conf; conf_changed=1
fi

# ---------------------------------------------------------------- mariadb + slurmdbd
if [ "$WITH_DBD" = 1 ]; then
  install -d -o mysql -g mysql -m 0755 /run/mysqld "$BASE/run/mysql" "$BASE/logs/mysql"
  db_ok() { mariadb -e 'select 1'; }
  if alive "$BASE/run/mysql/mariadbd.pid" mariadbd; then
    log "mariadbd already running (ours)"
  elif db_ok >/dev/null 2>&1; then
    log "a mariadb not started by this script already answers on /run/mysqld/mysqld.sock; using it"
  else
    if [ ! -d /var/lib/mysql/mysql ]; then
      log "initialising /var/lib/mysql"
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >&2
    fi
    log "starting mariadbd (unix socket only)"
    setsid nohup /usr/sbin/mariadbd --user=mysql --skip-networking \
      --socket=/run/mysqld/mysqld.sock --pid-file="$BASE/run/mysql/mariadbd.pid" \
      --log-error="$BASE/logs/mysql/mariadb.err" </dev/null >/dev/null 2>&1 &
    wait_for 60 mariadbd db_ok
  fi
  mariadb -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmdbpass';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
  new_dbd=$(cat <<CONF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=slurm
DebugLevel=info
LogFile=$BASE/logs/slurm/slurmdbd.log
PidFile=$BASE/run/slurm/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=slurmdbpass
StorageLoc=slurm_acct_db
CONF
)
  if [ ! -f /etc/slurm/slurmdbd.conf ] || [ "$(cat /etc/slurm/slurmdbd.conf)" != "$new_dbd" ]; then
    printf '%s\n' "$new_dbd" > /etc/slurm/slurmdbd.conf
    stop_pidfile "$BASE/run/slurm/slurmdbd.pid" slurmdbd
  fi
  chown slurm:slurm /etc/slurm/slurmdbd.conf; chmod 600 /etc/slurm/slurmdbd.conf
  if alive "$BASE/run/slurm/slurmdbd.pid" slurmdbd; then
    log "slurmdbd already running (ours)"
  else
    log "starting slurmdbd"
    /usr/sbin/slurmdbd
    wait_for 30 slurmdbd sacctmgr -n -P list cluster
  fi

  # ------------------------------------------------------------ associations and the limited QOS
  # Before slurmctld starts, so it enforces them from its first job. Each step checks first, so a
  # second run changes nothing (sacctmgr exits 1 when asked to add what exists).
  sacctmgr_has() { # entity name (as `sacctmgr -n -P show <entity> format=...` lists it)
    sacctmgr -n -P show "$1" format="$2" 2>/dev/null | grep -xF "$3" >/dev/null
  }
  sacctmgr_has cluster Cluster localcluster || sacctmgr -i add cluster localcluster >&2
  sacctmgr_has account Account chem || sacctmgr -i add account chem Cluster=localcluster Description=tests Organization=batchman >&2
  sacctmgr_has qos Name limited || sacctmgr -i add qos limited >&2
  if [ "$(sacctmgr -n -P show qos limited format=MaxSubmitJobsPerUser)" != "$SUBMIT_LIMIT" ]; then
    sacctmgr -i modify qos limited set MaxSubmitJobsPerUser="$SUBMIT_LIMIT" >&2
  fi
  user_assoc() { # user account qos default-qos: the user's association, created or put right
    sacctmgr -n -P show assoc user="$1" account="$2" format=User 2>/dev/null | grep -xF "$1" >/dev/null ||
      sacctmgr -i add user "$1" Account="$2" Cluster=localcluster >&2
    if [ "$(sacctmgr -n -P show assoc user="$1" account="$2" format=QOS,DefaultQOS)" != "$3|$4" ]; then
      sacctmgr -i modify user "$1" where account="$2" set QOS="$3" DefaultQOS="$4" >&2
    fi
  }
  user_assoc root root normal normal
  [ -z "$TEST_USER" ] || user_assoc "$TEST_USER" chem normal normal
  [ -z "$LIMIT_USER" ] || user_assoc "$LIMIT_USER" chem limited limited
fi

# ---------------------------------------------------------------- slurmctld + slurmd
start_daemon() { # name
  local pidfile="$BASE/run/slurm/$1.pid"
  if alive "$pidfile" "$1"; then
    if [ "$conf_changed" = 1 ]; then
      log "slurm.conf changed: restarting $1"
      stop_pidfile "$pidfile" "$1"
      "/usr/sbin/$1"
    else
      log "$1 already running (ours)"
    fi
  else
    log "starting $1"
    "/usr/sbin/$1"
  fi
}
start_daemon slurmctld
wait_for 30 slurmctld scontrol ping
start_daemon slurmd

# ---------------------------------------------------------------- wait for idle
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  st=$(sinfo -h -n "$H" -o '%T' 2>/dev/null | head -1 || true)
  case "$st" in
    idle|mixed|allocated) break ;;
    drained|draining|down|down\*|drained\*)
      scontrol update nodename="$H" state=resume >/dev/null 2>&1 || true ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || die "node $H not idle after ${TIMEOUT}s (state '$st'); see $BASE/logs/slurm/"
  sleep 0.5
done
log "cluster up: node $H is $st"
sinfo >&2
exit 0
