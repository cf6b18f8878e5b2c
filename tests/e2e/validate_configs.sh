#!/usr/bin/env bash
# Every shipped config passes `ketensim validate` (alone and with each overlay),
# and every sweep file in configs/sweeps expands (`ketensim sweep --count`).
# Usage: validate_configs.sh KETENSIM CONFIGS_DIR
set -uo pipefail
bin=$1 configs=$2
fail() { echo "FAIL: $*"; exit 1; }
n=0
for f in "$configs"/*.yaml "$configs"/validation/*.yaml; do
  "$bin" validate "$f" || fail "$f does not validate"
  n=$((n + 1))
done
for f in "$configs"/*.yaml; do
  for o in "$configs"/overlays/*.yaml; do
    "$bin" validate "$f" --overlay "$o" >/dev/null || fail "$f with overlay $o does not validate"
    n=$((n + 1))
  done
done
for s in "$configs"/sweeps/*.yaml; do
  count=$("$bin" sweep "$s" --count) || fail "sweep file $s is refused"
  [ "$count" -gt 0 ] || fail "sweep file $s has no runs"
  echo "ok: $s ($count runs)"
done
echo "validated $n config combinations"
