#!/usr/bin/env bash
# Runs one config at 1, 2, 3 and 4 ranks, and at 3 ranks with shuffled message
# arrival, and requires byte-identical timeseries.csv files.
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
lines=$(wc -l <"$work/np1/timeseries.csv")
[ "$lines" -gt 10 ] || { echo "timeseries too short ($lines lines)"; exit 1; }
status=0
for other in np2 np3 np4 shuffled; do
  if cmp -s "$work/np1/timeseries.csv" "$work/$other/timeseries.csv"; then
    echo "identical: np1 vs $other ($lines lines)"
  else
    echo "DIFFERENT: np1 vs $other"
    diff "$work/np1/timeseries.csv" "$work/$other/timeseries.csv" | head -5
    status=1
  fi
done
exit $status
