#!/usr/bin/env bash
# Checkpoint/restart gives the uninterrupted time series byte for byte:
#  1. SIGTERM at a month (test hook) -> exit 3, status "checkpointed"; resumed on
#     the same number of ranks (2), on more (3) and on fewer (1).
#  2. kill -9 of every rank at a month (test hook) -> resumed from the last
#     periodic checkpoint on 3 ranks; rows written after it are not duplicated.
# Usage: checkpoint_resume.sh KETENSIM MPIEXEC CONFIG WORKDIR [--set k=v ...]
set -uo pipefail
bin=$1 mpiexec=$2 config=$3 work=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
same() {  # same REFERENCE OTHER LABEL
  if cmp -s "$1" "$2"; then echo "identical: $3 ($(wc -l <"$2") lines)"; else
    echo "DIFFERENT: $3"; diff "$1" "$2" | head -5; fail "$3 differs"; fi
}
quiet=(--no-progress --log-level warn)

# Reference: uninterrupted, no periodic checkpoints.
"$mpiexec" -np 2 "$bin" run "$config" -o "$work/ref" "${quiet[@]}" "$@" >"$work/ref.out" 2>&1 ||
  { cat "$work/ref.out"; fail "reference run"; }

# 1. SIGTERM after 2027-05 (raised on rank 0 only: the ranks must agree on it).
KETENSIM_TEST_SIGNAL_AT_MONTH=2027-05 "$mpiexec" -np 2 "$bin" run "$config" -o "$work/sig" "${quiet[@]}" "$@" \
  --set checkpoint.every_months=12 >"$work/sig.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] || { cat "$work/sig.out"; fail "signalled run exit $rc, expected 3"; }
grep -q '"status": "checkpointed"' "$work/sig/manifest.json" || fail "manifest status is not checkpointed"
[ -d "$work/sig/checkpoints/ckpt-000029" ] || fail "no checkpoint after 2027-05 (ckpt-000029)"
[ -d "$work/sig/checkpoints/ckpt-000024" ] || fail "previous checkpoint ckpt-000024 not kept"
[ "$(ls "$work/sig/checkpoints" | wc -l)" -eq 2 ] || fail "expected 2 checkpoints kept: $(ls "$work/sig/checkpoints")"
tail -1 "$work/sig/timeseries.csv" | grep -q '^2027-05,NL,' || fail "time series does not end at 2027-05"
for n in 2 3 1; do cp -r "$work/sig" "$work/sig-np$n"; done
for n in 2 3 1; do
  "$mpiexec" -np "$n" "$bin" resume "$work/sig-np$n" "${quiet[@]}" >"$work/resume-np$n.out" 2>&1 ||
    { cat "$work/resume-np$n.out"; fail "resume on $n ranks"; }
  grep -q '"status": "complete"' "$work/sig-np$n/manifest.json" || fail "resumed run not complete"
  same "$work/ref/timeseries.csv" "$work/sig-np$n/timeseries.csv" "SIGTERM at 2027-05 on 2 ranks, resumed on $n"
done
"$bin" resume "$work/sig-np2" >"$work/again.out" 2>&1 || fail "resume of a complete run should exit 0"
grep -q "already complete" "$work/again.out" || fail "no 'already complete' message"

# 2. kill -9 of every rank after 2028-03; the last periodic checkpoint is after 2027-12.
KETENSIM_TEST_KILL_AT_MONTH=2028-03 "$mpiexec" -np 2 "$bin" run "$config" -o "$work/kill" "${quiet[@]}" "$@" \
  --set checkpoint.every_months=12 >"$work/kill.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "killed run exited 0"
grep -q '"status": "running"' "$work/kill/manifest.json" || fail "manifest of the killed run is not 'running'"
grep -q '^2028-02,NL,' "$work/kill/timeseries.csv" || fail "no rows after the last checkpoint to truncate"
[ -d "$work/kill/checkpoints/ckpt-000036" ] || fail "no periodic checkpoint after 2027-12: $(ls "$work/kill/checkpoints")"
"$mpiexec" -np 3 "$bin" resume "$work/kill" "${quiet[@]}" >"$work/resume-kill.out" 2>&1 ||
  { cat "$work/resume-kill.out"; fail "resume after kill -9"; }
same "$work/ref/timeseries.csv" "$work/kill/timeseries.csv" "kill -9 after 2028-03 on 2 ranks, resumed on 3 from 2027-12"
grep -q '"from_month": "2027-12"' "$work/kill/manifest.json" || fail "manifest does not record the resume"
echo ok
