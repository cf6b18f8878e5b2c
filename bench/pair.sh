#!/usr/bin/env bash
# Paired timing of two ketensim binaries: both run at the same time, one rank
# each, each pinned to its own core, so that both see the same moment of this
# VM (whose speed drifts by a third over minutes, and one core at a time can
# slow down); the cores are swapped every round. Prints per round the phase
# times of both runs from manifest.json and the ratio B/A of their consumers
# phases; judge by the ratios of several rounds (a core's slowdown shows as
# ratios alternating about their mean).
#
#   bash bench/pair.sh [-r ROUNDS] CONFIG A_BINARY B_BINARY [-- --set key=value ...]
#
# e.g. bash bench/pair.sh -r 4 configs/nl-full.yaml /tmp/ketensim.old build/release/bin/ketensim \
#        -- --set time.warmup_months=0 --set time.end=2027-12
# Needs 2 cores and memory for two 1-rank runs. Not part of ctest. Run
# directories go to out/pair/a and out/pair/b (overwritten).
set -euo pipefail
rounds=4
while getopts "r:" opt; do
  case "$opt" in
    r) rounds=$OPTARG ;;
    *) echo "usage: $0 [-r ROUNDS] CONFIG A_BINARY B_BINARY [-- --set k=v ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -ge 3 ]] || { echo "usage: $0 [-r ROUNDS] CONFIG A_BINARY B_BINARY [-- --set k=v ...]" >&2; exit 2; }
config=$1 a=$2 b=$3
shift 3
[[ $# -gt 0 && $1 == "--" ]] && shift
for binary in "$a" "$b"; do
  [[ -x $binary ]] || { echo "$binary: not an executable" >&2; exit 2; }
done
source "$(dirname "$0")/../.ci/env.sh"
mkdir -p out/pair
for ((round = 1; round <= rounds; ++round)); do
  if ((round % 2)); then core_a=0 core_b=1; else core_a=1 core_b=0; fi
  taskset -c "$core_a" mpirun -np 1 --bind-to none "$a" run "$config" -o out/pair/a --overwrite \
    --no-progress --log-level warn "$@" >/dev/null &
  pid_a=$!
  taskset -c "$core_b" mpirun -np 1 --bind-to none "$b" run "$config" -o out/pair/b --overwrite \
    --no-progress --log-level warn "$@" >/dev/null &
  pid_b=$!
  wait "$pid_a"
  wait "$pid_b"
  /usr/bin/python3 - "$round" "$core_a" out/pair/a/manifest.json out/pair/b/manifest.json <<'PY'
import json, sys
rnd, core_a, fa, fb = sys.argv[1:]
a = json.load(open(fa))["phase_wall_seconds"]
b = json.load(open(fb))["phase_wall_seconds"]
print(f"round {rnd} (A on core {core_a}): A set-up {a['setup']:.2f} s, consumers {a['consumers']:.2f} s, "
      f"social {a['social']:.2f} s | B set-up {b['setup']:.2f} s, consumers {b['consumers']:.2f} s, "
      f"social {b['social']:.2f} s | B/A consumers {b['consumers'] / a['consumers']:.3f}", flush=True)
PY
done
