#!/usr/bin/env bash
# A private, single-node Slurm for tests: munged + slurmctld + slurmd started in
# a scratch folder (no systemd), following design/TOOLCHAIN.md.
# Source it, then:  slurm_local_start SCRATCH [CPUS]  ...  slurm_local_stop
# Sets SLURM_CONF for the Slurm commands. slurm_local_start returns 1 with a
# message in SLURM_LOCAL_WHY when Slurm is not installed or does not start.

slurm_local_start() {
  local scratch=$1 cpus=${2:-8}
  SLURM_LOCAL_DIR=$scratch
  SLURM_LOCAL_WHY=""
  for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol srun; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
      SLURM_LOCAL_WHY="$tool not found (install Debian's slurm-wlm and munge: bash .ci/setup)"
      return 1
    fi
  done
  export PATH="$PATH:/usr/sbin"
  mkdir -p "$scratch"/{munge,state,spool,log,run}
  # munged wants its socket folder and all parents world-executable.
  chmod 755 "$scratch" "$scratch/munge"
  local d=$scratch
  while [ "$d" != "/" ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  mungekey -c -f -k "$scratch/munge/munge.key" >/dev/null 2>&1 ||
    dd if=/dev/urandom of="$scratch/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 600 "$scratch/munge/munge.key"
  local sock=$scratch/munge/munge.socket
  if ! munged --force -S "$sock" --key-file "$scratch/munge/munge.key" \
      --log-file "$scratch/log/munged.log" --pid-file "$scratch/run/munged.pid" \
      --seed-file "$scratch/munge/munged.seed" >/dev/null 2>&1; then
    SLURM_LOCAL_WHY="munged did not start (see $scratch/log/munged.log)"
    return 1
  fi
  local host
  host=$(hostname -s)
  SLURM_CONF=$scratch/slurm.conf
  export SLURM_CONF
  cat >"$SLURM_CONF" <<CONF
ClusterName=ketensim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$((20000 + RANDOM % 20000))
SlurmdPort=$((40000 + RANDOM % 20000))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock,cred_expire=5
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
MpiDefault=pmix
ReturnToService=2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/run/slurmctld.pid
SlurmdPidFile=$scratch/run/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
KillWait=10
MinJobAge=600
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  if ! slurmctld -f "$SLURM_CONF" -i >"$scratch/log/slurmctld.out" 2>&1; then
    SLURM_LOCAL_WHY="slurmctld did not start (see $scratch/log/slurmctld.log)"
    return 1
  fi
  if ! slurmd -f "$SLURM_CONF" -N "$host" >"$scratch/log/slurmd.out" 2>&1; then
    SLURM_LOCAL_WHY="slurmd did not start (see $scratch/log/slurmd.log)"
    return 1
  fi
  local i
  for i in $(seq 1 100); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qx idle; then return 0; fi
    sleep 0.2
  done
  SLURM_LOCAL_WHY="the node did not become idle: $(sinfo -h -o '%t %E' 2>&1 | head -1)"
  return 1
}

slurm_local_stop() {
  local scratch=${SLURM_LOCAL_DIR:-}
  [ -n "$scratch" ] || return 0
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet -u "$(id -un)" >/dev/null 2>&1 || true
    scontrol shutdown >/dev/null 2>&1 || true
  fi
  local pidfile pid i
  for pidfile in "$scratch/run/slurmd.pid" "$scratch/run/slurmctld.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null)
    [ -n "$pid" ] || continue
    for i in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  munged --stop -S "$scratch/munge/munge.socket" >/dev/null 2>&1 || true
  if [ -f "$scratch/run/munged.pid" ]; then
    pid=$(cat "$scratch/run/munged.pid" 2>/dev/null)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  fi
}
