#!/usr/bin/env bash
# Alternating A/B timing of two or more ketensim binaries on one config: this
# VM's speed drifts by a third over minutes, so binaries are compared run for
# run, in turn, never in blocks. Prints per run the wall time of the whole
# mpirun, its peak RSS (largest rank) and the phase times from manifest.json.
#
#   bash bench/ab.sh [-n RANKS] [-r ROUNDS] CONFIG LABEL=BINARY LABEL=BINARY ... [-- --set key=value ...]
#
# e.g. bash bench/ab.sh -r 2 configs/nl-full.yaml before=/tmp/ketensim.old after=build/release/bin/ketensim \
#        -- --set time.warmup_months=0 --set time.end=2027-12
# Not part of ctest. Run directories go to out/ab/LABEL (overwritten).
set -euo pipefail
ranks=2
rounds=2
while getopts "n:r:" opt; do
  case "$opt" in
    n) ranks=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) echo "usage: $0 [-n RANKS] [-r ROUNDS] CONFIG LABEL=BINARY ... [-- --set k=v ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -ge 2 ]] || { echo "usage: $0 [-n RANKS] [-r ROUNDS] CONFIG LABEL=BINARY ... [-- --set k=v ...]" >&2; exit 2; }
config=$1
shift
pairs=()
while [[ $# -gt 0 && $1 != "--" ]]; do
  [[ $1 == *=* ]] || { echo "not LABEL=BINARY: $1" >&2; exit 2; }
  pairs+=("$1")
  shift
done
[[ $# -gt 0 ]] && shift  # the --
source "$(dirname "$0")/../.ci/env.sh"
mkdir -p out/ab
for ((round = 1; round <= rounds; ++round)); do
  for pair in "${pairs[@]}"; do
    label=${pair%%=*} binary=${pair#*=}
    [[ -x $binary ]] || { echo "$binary: not an executable" >&2; exit 2; }
    /usr/bin/time -f "%e %M" -o "out/ab/$label.time" mpirun -np "$ranks" "$binary" run "$config" \
      -o "out/ab/$label" --overwrite --no-progress --log-level warn "$@" >/dev/null
    read -r wall rss <"out/ab/$label.time"
    /usr/bin/python3 - "$label" "$round" "$wall" "$rss" "out/ab/$label/manifest.json" <<'PY'
import json, sys
label, rnd, wall, rss, manifest = sys.argv[1:]
p = json.load(open(manifest))["phase_wall_seconds"]
load = open("/proc/loadavg").read().split()[0]
print(f"round {rnd} {label}: wall {float(wall):.1f} s, peak RSS {int(rss) // 1024} MiB, set-up "
      f"{p['setup']:.2f} s, consumers {p['consumers']:.2f} s, social {p['social']:.2f} s, load {load}",
      flush=True)
PY
  done
done
