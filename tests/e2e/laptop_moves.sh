#!/usr/bin/env bash
# The laptop default on 2 ranks completes and moves real numbers: adoption
# changes over time, subsidies are spent and some firms exit.
set -euo pipefail
bin=$1 mpiexec=$2 config=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
start=$(date +%s.%N)
"$mpiexec" -np 2 "$bin" run "$config" -o "$work/run" --no-progress --log-level warn
end=$(date +%s.%N)
echo "wall time: $(echo "$end - $start" | bc) s"
grep -q '"status": "complete"' "$work/run/manifest.json"
ls "$work/run/logs/rank-0.log" "$work/run/logs/rank-1.log" >/dev/null
awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["product_group"] == "NL" {
    n++
    share = $col["adoption_share_firms"]
    if (n == 1) first = share
    last = share
    committed += $col["subsidy_committed_eur"]
    exits += $col["firm_exits"]
  }
  END {
    printf "months %d, circular firm share %s -> %s, subsidy committed %.0f EUR, exits %d\n", n, first, last, committed, exits
    if (n != 312) { print "expected 312 months"; exit 1 }
    if (last - first < 0.02) { print "adoption did not move"; exit 1 }
    if (committed <= 0) { print "no subsidy spent"; exit 1 }
    if (exits <= 0) { print "no firm exits"; exit 1 }
  }' "$work/run/timeseries.csv"
