#!/usr/bin/env bash
# A checkpoint with a flipped byte or cut short (and a modified time series or
# manifest) is refused: exit 2, a message naming the file, and nothing in the
# run directory changes. --from-previous then resumes from the previous
# checkpoint and gives the uninterrupted time series.
# Usage: checkpoint_corrupt.sh KETENSIM MPIEXEC CONFIG WORKDIR [--set k=v ...]
set -uo pipefail
bin=$1 mpiexec=$2 config=$3 work=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
quiet=(--no-progress --log-level warn)
snapshot() { (cd "$1" && find . -printf '%p %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }
flip() {  # flip FILE OFFSET: invert one byte
  python3 - "$1" "$2" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read())
b[off] ^= 0xFF
open(p, 'wb').write(b)
PY
}

"$mpiexec" -np 2 "$bin" run "$config" -o "$work/ref" "${quiet[@]}" "$@" >/dev/null 2>&1 || fail "reference run"
KETENSIM_TEST_SIGNAL_AT_MONTH=2027-05 "$mpiexec" -np 2 "$bin" run "$config" -o "$work/base" "${quiet[@]}" "$@" \
  --set checkpoint.every_months=12 >/dev/null 2>&1
[ $? -eq 3 ] || fail "signalled run did not exit 3"
latest=checkpoints/ckpt-000029

refuse() {  # refuse RANKS CASE EXPECTED_FILE_NAME: resume must exit 2 naming the file, changing nothing
  local ranks=$1 case=$2 name=$3
  local launch=("$mpiexec" -np "$ranks")
  [ "$ranks" -eq 1 ] && launch=()
  snapshot "$work/$case" >"$work/$case.before"
  "${launch[@]}" "$bin" resume "$work/$case" "${quiet[@]}" >"$work/$case.out" 2>"$work/$case.err"
  local rc=$?
  [ "$rc" -eq 2 ] || { cat "$work/$case.err"; fail "$case: exit $rc, expected 2"; }
  grep -q "$name" "$work/$case.err" || { cat "$work/$case.err"; fail "$case: message does not name $name"; }
  snapshot "$work/$case" >"$work/$case.after"
  cmp -s "$work/$case.before" "$work/$case.after" || { diff "$work/$case.before" "$work/$case.after" | head; fail "$case: the run directory changed"; }
  echo "refused ($case): $(head -1 "$work/$case.err")"
}

cp -r "$work/base" "$work/flipped"
size=$(stat -c %s "$work/flipped/$latest/rank-000001.bin")
flip "$work/flipped/$latest/rank-000001.bin" $((size / 2))
refuse 2 flipped rank-000001.bin
grep -q -- "--from-previous" "$work/flipped.err" || fail "no hint at --from-previous"

cp -r "$work/base" "$work/cut"
truncate -s -100 "$work/cut/$latest/rank-000000.bin"
refuse 3 cut rank-000000.bin
grep -q "truncated" "$work/cut.err" || fail "cut: message does not say truncated"

cp -r "$work/base" "$work/manifest"
flip "$work/manifest/$latest/manifest.json" 200
refuse 1 manifest manifest.json

# A changed digit keeps the manifest valid JSON: its own checksum catches it.
cp -r "$work/base" "$work/manifest-digit"
python3 - "$work/manifest-digit/$latest/manifest.json" <<'PY'
import re, sys
p = sys.argv[1]
t = open(p).read()
m = re.search(r'"bytes": (\d)', t)
d = str((int(m.group(1)) + 1) % 10)
open(p, 'w').write(t[:m.start(1)] + d + t[m.end(1):])
PY
refuse 1 manifest-digit manifest.json
grep -q "checksum mismatch" "$work/manifest-digit.err" || fail "manifest-digit: not caught by the manifest checksum"

cp -r "$work/base" "$work/manifest-cut"
truncate -s 100 "$work/manifest-cut/$latest/manifest.json"
refuse 1 manifest-cut manifest.json

cp -r "$work/base" "$work/series"
flip "$work/series/timeseries.csv" 1000
refuse 1 series timeseries.csv

cp -r "$work/base" "$work/none"
rm -rf "$work/none/checkpoints"
refuse 1 none "no checkpoint"

# --from-previous skips the corrupt newest checkpoint, which is kept aside.
"$mpiexec" -np 2 "$bin" resume "$work/flipped" --from-previous "${quiet[@]}" >"$work/previous.out" 2>&1 ||
  { cat "$work/previous.out"; fail "resume --from-previous"; }
cmp -s "$work/ref/timeseries.csv" "$work/flipped/timeseries.csv" || fail "--from-previous: time series differs"
echo "identical: resumed --from-previous (ckpt-000024) after refusing the flipped ckpt-000029"
[ -d "$work/flipped/$latest.discarded" ] || fail "the refused checkpoint was not kept aside as .discarded"
echo ok
