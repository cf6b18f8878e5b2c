#!/usr/bin/env bash
# A bad config must give a one-line error naming file:line and the key path,
# exit code 2, and create no run directory.
# Usage: bad_config.sh KETENSIM CONFIG EXPECTED_KEY WORKDIR
set -uo pipefail
bin=$1 config=$2 key=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
"$bin" run "$config" -o "$work/run" --no-progress >"$work/stdout" 2>"$work/stderr"
rc=$?
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$work/stderr"; exit 1; }
[ "$rc" -eq 2 ] || fail "exit code $rc, expected 2"
[ ! -e "$work/run" ] || fail "run directory was created"
[ "$(wc -l <"$work/stderr")" -eq 1 ] || fail "error is not one line"
name=$(basename "$config")
grep -Eq "$name:[0-9]+:[0-9]+" "$work/stderr" || fail "no file:line:column for $name"
grep -Fq "$key" "$work/stderr" || fail "key '$key' not named"
echo "ok: $(cat "$work/stderr")"
