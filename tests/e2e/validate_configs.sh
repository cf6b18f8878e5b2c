#!/usr/bin/env bash
# Every shipped config passes `ketensim validate` (alone and with each overlay),
# and every sweep file in configs/sweeps expands (`ketensim sweep --count`).
# One process per overlay (validate takes many files): MPI start-up is the cost.
# Usage: validate_configs.sh KETENSIM CONFIGS_DIR
set -uo pipefail
bin=$1 configs=$2
fail() { echo "FAIL: $*"; exit 1; }
shopt -s nullglob
all=("$configs"/*.yaml "$configs"/validation/*.yaml)
top=("$configs"/*.yaml)
[ "${#top[@]}" -ge 8 ] || fail "expected the scenario configs in $configs"
"$bin" validate "${all[@]}" || fail "a config does not validate"
n=${#all[@]}
for o in "$configs"/overlays/*.yaml; do
  "$bin" validate "${top[@]}" --overlay "$o" >/dev/null || fail "a config with overlay $o does not validate"
  n=$((n + ${#top[@]}))
done
for s in "$configs"/sweeps/*.yaml; do
  count=$("$bin" sweep "$s" --count) || fail "sweep file $s is refused"
  [ "$count" -gt 0 ] || fail "sweep file $s has no runs"
  echo "ok: $s ($count runs)"
done
echo "validated $n config combinations"
