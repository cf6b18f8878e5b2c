#!/usr/bin/env bash
# The Slurm and PBS job scripts' handling of a launcher that the forwarded
# warning signal ends (exit code 128 + 10): the job must be requeued (Slurm) or
# resubmitted (PBS) so that the next attempt resumes or confirms the run, not
# recorded as failed. Runs the scripts outside a batch system: a fake launcher
# (a shell that the signal ends, or one that exits with a given code), fake
# scontrol and qsub that record their arguments, and the script's own shell
# sent SIGUSR1 the way Slurm's --signal=B:USR1 or PBS's walltime TERM does.
#
#   forwarded_signal.sh SOURCE_DIR WORK_DIR
set -uo pipefail
src=$1 work=$2
rm -rf "$work" && mkdir -p "$work/bin"
fail() { echo "FAIL: $*"; for f in "$work"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }

# Fakes: scontrol/qsub record their call; scontrol then ends the batch shell as
# Slurm does when it requeues a job.
cat >"$work/bin/scontrol" <<'SH'
#!/bin/bash
echo "scontrol $*" >>"$FAKE_LOG"
kill -KILL "$PPID"
SH
cat >"$work/bin/qsub" <<'SH'
#!/bin/bash
echo "qsub $*" >>"$FAKE_LOG"
SH
# The launcher: "signal" waits for the forwarded SIGUSR1 and is ended by it;
# "exit N" exits with N after a moment.
cat >"$work/launcher.sh" <<'SH'
#!/bin/bash
case $FAKE_MODE in
  signal) touch "$FAKE_READY"; sleep 30 & wait $! ;;
  exit*) touch "$FAKE_READY"; sleep 0.2; exit "${FAKE_MODE#exit }" ;;
esac
SH
chmod +x "$work/bin/scontrol" "$work/bin/qsub" "$work/launcher.sh"

# run_case NAME MODE SCRIPT ARGS...: runs the script, signals its shell once the
# launcher runs (MODE signal), and leaves the script's output in NAME.log.
run_case() {
  local name=$1 mode=$2
  shift 2
  rm -f "$work/ready"
  (
    export PATH="$work/bin:$PATH" FAKE_LOG="$work/$name.calls.log" FAKE_MODE=$mode FAKE_READY="$work/ready"
    export KETENSIM=true KETENSIM_LAUNCH="$work/launcher.sh"
    export SLURM_JOB_ID=41 SLURM_ARRAY_JOB_ID=40 SLURM_ARRAY_TASK_ID=1 SLURM_RESTART_COUNT=0 SLURM_NTASKS=1
    export PBS_ARRAY_INDEX=1 KETENSIM_ARGS="$work/sweep.yaml $work/out-$name"
    if [ "${NO_ARRAY:-0}" = 1 ]; then unset SLURM_ARRAY_JOB_ID SLURM_ARRAY_TASK_ID; fi
    exec bash "$@"
  ) >"$work/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -e "$work/ready" ] && break; sleep 0.1; done
  [ -e "$work/ready" ] || fail "$name: the launcher never started"
  if [ "$mode" = signal ]; then kill -USR1 "$pid"; fi
  wait "$pid" 2>/dev/null  # (a shell that the fake scontrol ended reports it)
  echo $? >"$work/$name.rc"
  touch "$work/$name.calls.log"
}

# Slurm: array task and single run, ended by the forwarded signal: requeued.
run_case slurm_array signal "$src/cluster/slurm/sweep_array.sbatch" "$work/sweep.yaml" "$work/out"
grep -q "the run step ended by the forwarded signal (exit code 138): requeueing 40_1" "$work/slurm_array.log" ||
  fail "slurm_array: no requeue after the launcher was ended by the signal"
grep -qx "scontrol requeue 40_1" "$work/slurm_array.calls.log" || fail "slurm_array: scontrol requeue not called"
NO_ARRAY=1 run_case slurm_run signal "$src/cluster/slurm/run.sbatch" "$work/config.yaml" "$work/run"
grep -q "the run step ended by the forwarded signal (exit code 138): requeueing 41$" "$work/slurm_run.log" ||
  fail "slurm_run: no requeue after the launcher was ended by the signal"
# The same exit code without a forwarded signal is a failure, not a requeue.
run_case slurm_fail "exit 138" "$src/cluster/slurm/sweep_array.sbatch" "$work/sweep.yaml" "$work/out"
[ "$(cat "$work/slurm_fail.rc")" = 138 ] || fail "slurm_fail: exit code $(cat "$work/slurm_fail.rc"), not 138"
grep -q "failed with exit code 138" "$work/slurm_fail.log" || fail "slurm_fail: failure not logged"
[ ! -s "$work/slurm_fail.calls.log" ] || fail "slurm_fail: requeued a run that failed by itself"
# A launcher that ends normally: complete, no requeue.
run_case slurm_ok "exit 0" "$src/cluster/slurm/sweep_array.sbatch" "$work/sweep.yaml" "$work/out"
[ "$(cat "$work/slurm_ok.rc")" = 0 ] || fail "slurm_ok: exit code $(cat "$work/slurm_ok.rc")"
[ ! -s "$work/slurm_ok.calls.log" ] || fail "slurm_ok: requeued a complete run"

# PBS: the job resubmits itself (qsub) and ends with 0.
run_case pbs_array signal "$src/cluster/pbs/sweep_array.pbs"
grep -q "the run step ended by the forwarded signal (exit code 138): resubmitting" "$work/pbs_array.log" ||
  fail "pbs_array: no resubmission after the launcher was ended by the signal"
grep -q "^qsub -v KETENSIM_ATTEMPT=1,.*KETENSIM_RUN_INDEX=1 .*sweep_array.pbs$" "$work/pbs_array.calls.log" ||
  fail "pbs_array: qsub not called with the script (and nothing else) as its job"
[ "$(cat "$work/pbs_array.rc")" = 0 ] || fail "pbs_array: exit code $(cat "$work/pbs_array.rc")"
echo "forwarded-signal handling: Slurm requeues, PBS resubmits; plain failures and completions unchanged"
