#!/usr/bin/env bash
# Samples every rank of one KetenSim run with `perf record` (software clock
# event: this machine's VM exposes no hardware counters) and writes, per rank,
# the flat profile (self time per function) and the phase profile (time
# including callees, for the Simulation::phase_* functions) to OUT/.
#
#   bash bench/profile.sh [-n RANKS] [-o OUT] [-b BINARY] CONFIG [--set key=value ...]
#
# Use the `profile` preset (release + -g -fno-omit-frame-pointer) so that call
# graphs are complete: cmake --preset profile && cmake --build --preset profile
# Not part of ctest.
set -euo pipefail
ranks=2
out=out/profile
binary=build/profile/bin/ketensim
while getopts "n:o:b:" opt; do
  case "$opt" in
    n) ranks=$OPTARG ;;
    o) out=$OPTARG ;;
    b) binary=$OPTARG ;;
    *) echo "usage: $0 [-n RANKS] [-o OUT] [-b BINARY] CONFIG [--set key=value ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || { echo "usage: $0 [-n RANKS] [-o OUT] [-b BINARY] CONFIG [--set key=value ...]" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf not found (Debian: apt-get install linux-perf)" >&2; exit 1; }
[[ -x $binary ]] || { echo "$binary not found; build the profile preset first" >&2; exit 1; }
source "$(dirname "$0")/../.ci/env.sh"
config=$1
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Each rank records into its own file (Open MPI sets OMPI_COMM_WORLD_RANK).
mpirun -np "$ranks" bash -c 'exec perf record -q -e cpu-clock -F 499 -g -o "$0/perf.rank$OMPI_COMM_WORLD_RANK.data" -- "$@"' \
  "$out" "$binary" run "$config" -o "$out/run" --overwrite --no-progress "$@"
for ((r = 0; r < ranks; ++r)); do
  data=$out/perf.rank$r.data
  perf report -i "$data" --no-children --sort symbol --percent-limit 0.5 --stdio 2>/dev/null |
    grep -v '^$' | grep -v '^#' | grep -E '^ +[0-9]' > "$out/flat.rank$r.txt" || true
  perf report -i "$data" --children --sort symbol --stdio -g none 2>/dev/null |
    grep -E 'phase_|run_tick|setup|MPI_|PMPI_|main$' | head -40 > "$out/phases.rank$r.txt" || true
  echo "== rank $r: self time (flat.rank$r.txt)"
  head -25 "$out/flat.rank$r.txt"
  echo "== rank $r: including callees (phases.rank$r.txt)"
  cat "$out/phases.rank$r.txt"
done
