#!/usr/bin/env bash
# Checkpoint/restart gives the uninterrupted outputs byte for byte (timeseries.csv,
# adoptions.csv and subsidy_decisions.csv):
#  1. SIGTERM at a random month (test hook; KETENSIM_TEST_MONTH=N fixes it, the
#     month is printed) -> exit 3, status "checkpointed"; resumed on the same
#     number of ranks (2), on more (3) and on fewer (1).
#  2. kill -9 of every rank at another random month (test hook) -> resumed from
#     the last periodic checkpoint on 3 ranks; rows written after it are not
#     duplicated.
# Usage: checkpoint_resume.sh KETENSIM MPIEXEC CONFIG WORKDIR [--set k=v ...]
set -uo pipefail
bin=$1 mpiexec=$2 config=$3 work=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
same() {  # same REFERENCE_DIR OTHER_DIR LABEL: every output CSV
  for f in timeseries.csv adoptions.csv subsidy_decisions.csv; do
    if cmp -s "$1/$f" "$2/$f"; then echo "identical: $3: $f ($(wc -l <"$2/$f") lines)"; else
      echo "DIFFERENT: $3: $f"; diff "$1/$f" "$2/$f" | head -5; fail "$3: $f differs"; fi
  done
}
month_of() {  # month_of TICK -> YYYY-MM of that 0-based tick (runs start in 2025-01)
  printf '%04d-%02d' $((2025 + $1 / 12)) $(($1 % 12 + 1))
}
ckpt() { printf 'ckpt-%06d' "$1"; }
quiet=(--no-progress --log-level warn)

# Reference: uninterrupted, no periodic checkpoints.
"$mpiexec" -np 2 "$bin" run "$config" -o "$work/ref" "${quiet[@]}" "$@" >"$work/ref.out" 2>&1 ||
  { cat "$work/ref.out"; fail "reference run"; }

grep -q '^2025-01,' "$work/ref/timeseries.csv" || fail "the test assumes runs that start in 2025-01"
months=$(grep -c ',NL,' "$work/ref/timeseries.csv")
[ "$months" -ge 30 ] || fail "the test needs at least 30 months (got $months)"
# Signal after month index m (1-based count of months done), 13 <= m <= months-2,
# so that a periodic checkpoint (every 12 months) comes before it.
m=${KETENSIM_TEST_MONTH:-$((13 + RANDOM % (months - 14)))}
prev=$(((m - 1) / 12 * 12))
at=$(month_of $((m - 1)))
echo "SIGTERM after month $m ($at); previous periodic checkpoint $(ckpt $prev) (KETENSIM_TEST_MONTH=$m repeats this)"

# 1. SIGTERM after month m (raised on rank 0 only: the ranks must agree on it).
KETENSIM_TEST_SIGNAL_AT_MONTH=$at "$mpiexec" -np 2 "$bin" run "$config" -o "$work/sig" "${quiet[@]}" "$@" \
  --set checkpoint.every_months=12 >"$work/sig.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] || { cat "$work/sig.out"; fail "signalled run exit $rc, expected 3"; }
grep -q '"status": "checkpointed"' "$work/sig/manifest.json" || fail "manifest status is not checkpointed"
[ -d "$work/sig/checkpoints/$(ckpt $m)" ] || fail "no checkpoint after $at ($(ckpt $m))"
[ -d "$work/sig/checkpoints/$(ckpt $prev)" ] || fail "previous checkpoint $(ckpt $prev) not kept"
[ "$(ls "$work/sig/checkpoints" | wc -l)" -eq 2 ] || fail "expected 2 checkpoints kept: $(ls "$work/sig/checkpoints")"
tail -1 "$work/sig/timeseries.csv" | grep -q "^$at,NL," || fail "time series does not end at $at"
for n in 2 3 1; do cp -r "$work/sig" "$work/sig-np$n"; done
for n in 2 3 1; do
  "$mpiexec" -np "$n" "$bin" resume "$work/sig-np$n" "${quiet[@]}" >"$work/resume-np$n.out" 2>&1 ||
    { cat "$work/resume-np$n.out"; fail "resume on $n ranks"; }
  grep -q '"status": "complete"' "$work/sig-np$n/manifest.json" || fail "resumed run not complete"
  same "$work/ref" "$work/sig-np$n" "SIGTERM after $at on 2 ranks, resumed on $n"
done
"$bin" resume "$work/sig-np2" >"$work/again.out" 2>&1 || fail "resume of a complete run should exit 0"
grep -q "already complete" "$work/again.out" || fail "no 'already complete' message"

# 2. kill -9 of every rank after month k (not a multiple of 12); the last periodic
# checkpoint is after month floor(k / 12) * 12.
k=${KETENSIM_TEST_KILL_MONTH:-$((13 + RANDOM % (months - 14)))}
[ $((k % 12)) -ne 0 ] || k=$((k + 1))
kill_at=$(month_of $((k - 1)))
last=$((k / 12 * 12))
last_month=$(month_of $((last - 1)))
echo "kill -9 after month $k ($kill_at); last periodic checkpoint $(ckpt $last) after $last_month (KETENSIM_TEST_KILL_MONTH=$k)"
KETENSIM_TEST_KILL_AT_MONTH=$kill_at "$mpiexec" -np 2 "$bin" run "$config" -o "$work/kill" "${quiet[@]}" "$@" \
  --set checkpoint.every_months=12 >"$work/kill.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "killed run exited 0"
grep -q '"status": "running"' "$work/kill/manifest.json" || fail "manifest of the killed run is not 'running'"
grep -q "^$kill_at,NL," "$work/kill/timeseries.csv" || fail "no rows after the last checkpoint to truncate"
[ -d "$work/kill/checkpoints/$(ckpt $last)" ] || fail "no periodic checkpoint after $last_month: $(ls "$work/kill/checkpoints")"
"$mpiexec" -np 3 "$bin" resume "$work/kill" "${quiet[@]}" >"$work/resume-kill.out" 2>&1 ||
  { cat "$work/resume-kill.out"; fail "resume after kill -9"; }
same "$work/ref" "$work/kill" "kill -9 after $kill_at on 2 ranks, resumed on 3 from $last_month"
grep -q "\"from_month\": \"$last_month\"" "$work/kill/manifest.json" || fail "manifest does not record the resume"
echo ok
