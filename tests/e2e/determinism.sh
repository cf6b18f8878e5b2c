#!/usr/bin/env bash
# Runs one config at 1, 2, 3 and 4 ranks, at 3 ranks with shuffled message
# arrival, and at 2 and 3 ranks with the other partition (one block of ids per
# rank instead of companies and households spread separately), and requires
# byte-identical output CSV files (timeseries, adoptions, subsidy decisions).
# Usage: determinism.sh KETENSIM MPIEXEC CONFIG WORKDIR [--set k=v ...]
set -euo pipefail
bin=$1 mpiexec=$2 config=$3 work=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
run() {
  local n=$1 out=$2
  shift 2
  "$mpiexec" -np "$n" "$bin" run "$config" -o "$work/$out" --no-progress --log-level warn "$@" >"$work/$out.stdout" 2>&1 ||
    { echo "run at $n ranks failed:"; cat "$work/$out.stdout"; exit 1; }
}
for n in 1 2 3 4; do run "$n" "np$n" "$@"; done
run 3 shuffled "$@" --set engine.shuffle_arrivals=true
run 2 blocks2 "$@" --set engine.partition=BLOCKS
run 3 blocks3 "$@" --set engine.partition=BLOCKS
lines=$(wc -l <"$work/np1/timeseries.csv")
[ "$lines" -gt 10 ] || { echo "timeseries too short ($lines lines)"; exit 1; }
status=0
for other in np2 np3 np4 shuffled blocks2 blocks3; do
  for csv in "$work"/np1/*.csv; do
    name=$(basename "$csv")
    if cmp -s "$csv" "$work/$other/$name"; then
      echo "identical: np1 vs $other $name ($(wc -l <"$csv") lines)"
    else
      echo "DIFFERENT: np1 vs $other $name"
      diff "$csv" "$work/$other/$name" | head -5
      status=1
    fi
  done
done
exit $status
