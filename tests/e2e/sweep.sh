#!/usr/bin/env bash
# `ketensim sweep` of 3 scenarios x 4 replicates in one mpirun, with groups of 1
# rank (2 groups) and of 2 ranks (2 groups on 4 ranks), gives per-run
# timeseries.csv, adoptions.csv and subsidy_decisions.csv byte-identical to separate `ketensim run`s; a re-submitted
# sweep skips complete runs; a sweep stopped by SIGTERM exits 3 and a
# re-submission finishes it; a bad sweep file is refused with file:line.
# Usage: sweep.sh KETENSIM MPIEXEC SWEEP_FILE CONFIG WORKDIR
set -uo pipefail
bin=$1 mpiexec=$2 sweep=$3 config=$(realpath "$4") work=$5
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
quiet=(--log-level warn)

# The runs of tests/data/sweep/three_by_four.yaml, written out independently.
common=(--set households.count=2000 --set time.end=2027-12)
cio=(--set government.schemes.cio.last_year=2030)
declare -A sets=(
  [imports]="--overlay $(dirname "$config")/overlays/cheap_imports.yaml"
  [cio-programme_share-0.5]="${cio[*]} --set government.programme_share=0.5"
  [cio-programme_share-1.0]="${cio[*]} --set government.programme_share=1.0"
)
for scenario in "${!sets[@]}"; do
  for k in 0 1 2 3; do
    # shellcheck disable=SC2086
    "$bin" run "$config" -o "$work/separate/$scenario/rep-$k" --no-progress "${quiet[@]}" "${common[@]}" \
      ${sets[$scenario]} --seed $((1000 + k)) >/dev/null 2>&1 || fail "separate run $scenario rep-$k"
  done
done

"$mpiexec" -np 2 "$bin" sweep "$sweep" -o "$work/groups1" "${quiet[@]}" >"$work/groups1.out" 2>&1 ||
  { cat "$work/groups1.out"; fail "sweep with groups of 1"; }
grep -q "2 group(s) of 1" "$work/groups1.out" || fail "not 2 groups of 1"
"$mpiexec" -np 4 "$bin" sweep "$sweep" -o "$work/groups2" --ranks-per-run 2 "${quiet[@]}" >"$work/groups2.out" 2>&1 ||
  { cat "$work/groups2.out"; fail "sweep with groups of 2"; }
grep -q "2 group(s) of 2" "$work/groups2.out" || fail "not 2 groups of 2"

check_all() {  # check_all SWEEP_DIR LABEL
  local n=0
  for scenario in "${!sets[@]}"; do
    for k in 0 1 2 3; do
      for f in timeseries.csv adoptions.csv subsidy_decisions.csv; do
        cmp -s "$work/separate/$scenario/rep-$k/$f" "$1/$scenario/rep-$k/$f" ||
          fail "$2: $scenario/rep-$k/$f differs from the separate run"
      done
      n=$((n + 1))
    done
  done
  [ "$(grep -c '"status": "complete"' "$1/sweep.json")" -eq 13 ] || fail "$2: sweep.json does not list 12 complete runs"
  echo "identical: $2, $n runs vs separate runs"
}
check_all "$work/groups1" "groups of 1 rank"
check_all "$work/groups2" "groups of 2 ranks"
cmp -s "$work/separate/imports/rep-0/timeseries.csv" "$work/separate/imports/rep-1/timeseries.csv" &&
  fail "replicates 0 and 1 are identical (seeds not used?)"
cmp -s "$work/separate/imports/rep-0/timeseries.csv" "$work/separate/cio-programme_share-1.0/rep-0/timeseries.csv" &&
  fail "scenarios imports and cio-programme_share-1.0 are identical"

# Re-submission: everything complete, nothing rerun.
before=$(stat -c %Y "$work/groups1/imports/rep-0/manifest.json")
sleep 1
"$mpiexec" -np 2 "$bin" sweep "$sweep" -o "$work/groups1" "${quiet[@]}" >"$work/again.out" 2>&1 || fail "re-submitted sweep"
[ "$(stat -c %Y "$work/groups1/imports/rep-0/manifest.json")" = "$before" ] || fail "a complete run was rerun"
grep -q "run complete" "$work/again.out" && fail "re-submitted sweep reran runs"
echo "re-submitted complete sweep: nothing rerun"

# Stopped by SIGTERM (rank 0 of each group, after 2026-06): exit 3; re-submission finishes it.
KETENSIM_TEST_SIGNAL_AT_MONTH=2026-06 "$mpiexec" -np 2 "$bin" sweep "$sweep" -o "$work/stopped" "${quiet[@]}" \
  >"$work/stopped.out" 2>&1
rc=$?
[ "$rc" -eq 3 ] || { cat "$work/stopped.out"; fail "stopped sweep exit $rc, expected 3"; }
grep -q '"checkpointed"' "$work/stopped/sweep.json" || fail "sweep.json lists no checkpointed run"
grep -q '"pending"' "$work/stopped/sweep.json" || fail "sweep.json lists no pending run"
"$mpiexec" -np 2 "$bin" sweep "$sweep" -o "$work/stopped" "${quiet[@]}" >"$work/finish.out" 2>&1 ||
  { cat "$work/finish.out"; fail "re-submitted stopped sweep"; }
check_all "$work/stopped" "stopped by SIGTERM and re-submitted"

# Job-array tasks start together on a folder that does not exist yet: none may
# see it half made (without sweep.json) and refuse it.
pids=()
for k in 0 1 2 3 4 5; do
  "$bin" sweep "$sweep" -o "$work/array" --run-index $k "${quiet[@]}" >"$work/array-$k.out" 2>&1 &
  pids+=($!)
done
for k in 0 1 2 3 4 5; do
  wait "${pids[$k]}" || { cat "$work/array-$k.out"; fail "concurrent array task $k failed"; }
done
for k in 0 1 2 3 4 5; do
  grep -q '"status": "complete"' "$work/array/$(sed -n "$((k + 1))p" <("$bin" sweep "$sweep" --list) | cut -f2)/manifest.json" ||
    fail "array task $k: run not complete"
done
echo "6 concurrent array tasks on a new folder: all complete"

# A different sweep into the same folder is refused.
sed 's/base_seed: 1000/base_seed: 2000/' "$sweep" >"$work/other.yaml"
sed -i "s#\.\./\.\./\.\./configs/laptop.yaml#$config#; s#\.\./\.\./\.\./configs/overlays#$(dirname "$config")/overlays#" "$work/other.yaml"
"$bin" sweep "$work/other.yaml" -o "$work/groups1" "${quiet[@]}" >/dev/null 2>"$work/other.err"
[ $? -eq 2 ] || fail "a different sweep into an existing sweep folder was not refused"
grep -q "different sweep" "$work/other.err" || fail "no clear message for a different sweep"

# Bad sweep file: exit 2 with file:line:column and the key.
printf 'name: bad\nreplicates: 2\nscenarios:\n  a:\n    config: %s\n    sett: [x=1]\n' "$config" >"$work/bad.yaml"
"$bin" sweep "$work/bad.yaml" -o "$work/bad" 2>"$work/bad.err"
[ $? -eq 2 ] || fail "bad sweep file: exit code"
grep -Eq 'bad.yaml:6:5: key .scenarios.a.sett.: unknown key; did you mean .set.' "$work/bad.err" || { cat "$work/bad.err"; fail "bad sweep file: message"; }
[ ! -e "$work/bad" ] || fail "bad sweep file created its output folder"
printf 'name: bad\nscenarios:\n  a:\n    config: %s\n    set: [households.count=-5]\n' "$config" >"$work/bad2.yaml"
"$bin" sweep "$work/bad2.yaml" -o "$work/bad2" 2>"$work/bad2.err"
[ $? -eq 2 ] || fail "bad override in a sweep: exit code"
grep -q "bad2.yaml:3:3: scenario 'a': --set households.count=-5" "$work/bad2.err" || { cat "$work/bad2.err"; fail "bad override: message"; }
echo ok
