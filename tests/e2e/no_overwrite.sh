#!/usr/bin/env bash
# An existing run directory is refused (exit 2, files untouched) unless --overwrite.
set -uo pipefail
bin=$1 config=$2 work=$3
rm -rf "$work"
mkdir -p "$work/run"
echo "precious" >"$work/run/keep.txt"
"$bin" run "$config" -o "$work/run" --no-progress --set time.end=2025-03 --set households.count=200 2>"$work/stderr"
rc=$?
[ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; exit 1; }
grep -q "already exists" "$work/stderr" || { echo "no clear message"; cat "$work/stderr"; exit 1; }
[ "$(cat "$work/run/keep.txt")" = "precious" ] || { echo "file was touched"; exit 1; }
"$bin" run "$config" -o "$work/run" --no-progress --overwrite --set time.end=2025-03 --set households.count=200 >/dev/null 2>&1 ||
  { echo "--overwrite run failed"; exit 1; }
[ ! -e "$work/run/keep.txt" ] || { echo "--overwrite kept old files"; exit 1; }
grep -q '"status": "complete"' "$work/run/manifest.json" || { echo "manifest not complete"; exit 1; }
echo ok
