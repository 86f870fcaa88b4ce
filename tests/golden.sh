#!/bin/sh
# Golden outputs: the "no behaviour change" proof of a refactoring.
#
# tests/golden/outputs.sha256 holds the SHA-256 digests of the outputs of a
# fixed set of runs, recorded with the program as it was *before* a
# refactoring (`tests/golden.sh OLD_BIN --record`, commit the file and say
# which revision recorded it in tests/golden/RECORDED).  The check reruns the
# same set with BIN and compares: trajectory.csv, the data dump, summary.json
# without its wall-clock members, and stdout without the wall-clock line.
# Any difference fails, naming the run and the file.  The test needs no git
# history, only the committed digests.
#
# A change that is *meant* to change outputs re-records the digests in its
# own commit and says so.
#
# Usage: golden.sh [BIN] [--record]
set -u
BIN=${1:-bin/shadowgd}
MODE=${2:-check}
here=$(dirname "$0")
ref="$here/golden/outputs.sha256"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# name|arguments (every run writes its data dump: --dump)
RUNS='default|
population|--loss population --steps 300
k4-xavier-sigma1|--k 4 --init xavier --sigma 1 --steps 400
stuck-xavier-seed5|--init xavier --seed 5
small-k3|--k 3 --d 20 --n 400 --steps 200 --no-plots'

# summary.json without wall-clock members ("timing" block, "*seconds*") and
# without the provenance block "source" (command line with the temporary
# --out, the source revision: both differ from run to run by design)
notime() { sed '/"timing": {/,/}/d; /"source": {/,/}/d; /"[a-z_]*seconds[a-z_]*": /d' "$1"; }
# stdout without the wall-clock line and with the directory made neutral
nostdclock() { sed -e '/^steps [0-9]* .*s\/step)$/d' -e "s|$2|DIR|g" "$1"; }

digest_dir() { # NAME DIR STDOUT -> lines "sha256  NAME/file"
  for f in trajectory.csv $(cd "$2" && ls data 2>/dev/null | sed 's|^|data/|'); do
    printf '%s  %s/%s\n' "$(sha256sum < "$2/$f" | cut -d' ' -f1)" "$1" "$f"
  done
  printf '%s  %s/summary.json\n' "$(notime "$2/summary.json" | sha256sum | cut -d' ' -f1)" "$1"
  printf '%s  %s/stdout\n' "$(nostdclock "$3" "$2" | sha256sum | cut -d' ' -f1)" "$1"
}

: > "$tmp/now"
echo "$RUNS" | while IFS='|' read -r name args; do
  # shellcheck disable=SC2086 # the arguments are word lists on purpose
  "$BIN" run --out "$tmp/$name" --dump --no-plots $args > "$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
  [ $rc -eq 0 ] || { echo "FAIL: golden run $name exited $rc: $(head -1 "$tmp/$name.err")"; }
  digest_dir "$name" "$tmp/$name" "$tmp/$name.out" >> "$tmp/now"
done
# a resumed run: killed by itself after step 120 (checkpoint every 50) and
# resumed; its outputs are the uninterrupted small-k3 run's own digests
# under another name, recorded as the old program made them
SHADOWGD_TEST_KILL_AT_STEP=120 "$BIN" run --out "$tmp/resumed" --dump --no-plots --k 3 \
  --d 20 --n 400 --steps 200 --checkpoint-every 50 >/dev/null 2>&1
"$BIN" resume "$tmp/resumed" > "$tmp/resumed.out" 2>"$tmp/resumed.err" ||
  echo "FAIL: golden resume exited $?: $(head -1 "$tmp/resumed.err")"
digest_dir resumed "$tmp/resumed" "$tmp/resumed.out" >> "$tmp/now"

if [ "$MODE" = --record ]; then
  mkdir -p "$here/golden"
  cp "$tmp/now" "$ref"
  echo "golden: recorded $(wc -l < "$ref") digests in $ref"
  exit 0
fi
[ -f "$ref" ] || { echo "FAIL: no $ref"; exit 1; }
compare() { # REF NOW -> prints FAIL lines, returns the number of failures
  nf=0
  while read -r sum file; do
    got=$(grep "  $file\$" "$2" | cut -d' ' -f1)
    [ "$got" = "$sum" ] || { nf=$((nf + 1)); echo "FAIL: golden: $file differs from the recorded program's"; }
  done < "$1"
  cut -d' ' -f3 "$1" > "$tmp/names"
  extra=$(cut -d' ' -f3 "$2" | grep -vxF -f "$tmp/names")
  [ -z "$extra" ] || { nf=$((nf + 1)); echo "FAIL: golden: outputs without a recorded digest: $extra"; }
  return $nf
}
compare "$ref" "$tmp/now" > "$tmp/report"; fail=$?
cat "$tmp/report"
pass=$(( $(wc -l < "$ref") - fail ))
# negative control: one digest of the recorded set altered must be caught
sed '1s/^./x/' "$ref" > "$tmp/broken"
if compare "$tmp/broken" "$tmp/now" >/dev/null; then
  fail=$((fail + 1)); echo "FAIL: golden: an altered digest was not caught"
else pass=$((pass + 1)); fi
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
