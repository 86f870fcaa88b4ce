#!/bin/sh
# Divergence and leaving the proved region (issue 6, item 3): the run stops
# at the first bad state, exits 3 with one stderr line naming the step and
# the component, and its outputs stay parseable and mutually consistent
# (tests/check_outputs.py).  A converging run exits 0 and passes the same
# consistency checks.
# Usage: divergence.sh [BIN]
set -u
BIN=${1:-bin/shadowgd}
PY=${PYTHON:-python3}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0; n=0
# case EXIT STATUS STEP REASON COMPONENT ARGS...
case_() {
  want=$1 status=$2 step=$3 reason=$4 comp=$5; shift 5
  n=$((n + 1)); out="$tmp/o$n"
  "$BIN" run --quiet --digest --dump --out "$out" "$@" 2>"$tmp/err"; rc=$?
  msg=""
  [ $rc -eq "$want" ] || msg="exit $rc, expected $want"
  if [ -z "$msg" ] && [ "$want" -eq 3 ]; then
    [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -qF "at step $step: $comp" "$tmp/err" ||
      msg="stderr: $(cat "$tmp/err")"
  fi
  [ -n "$msg" ] || msg=$($PY "$here/check_outputs.py" "$out" "$status" "$step" "$reason" "$comp") ||
    true
  if [ -n "$msg" ]; then echo "FAIL: [$*] $msg"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
  [ -n "${TABLE:-}" ] && printf '| `%s` | %s | `%s` |\n' "$*" "$rc" "$(head -n 1 "$tmp/err")" >> "$TABLE"
}
# The parameters' box |W|, |v| <= 1e8 is the region where the Eva proof shows
# a GD step free of overflow and NaN (safe_region.h): inside it no state can
# become non-finite, so every divergence below is reported as outside_region,
# one step before the state could overflow.
case_ 3 diverged 2 outside_region "W[1,1]" --d 10 --k 2 --n 50 --sigma 1 --mu 1e3 --steps 100
case_ 3 diverged 1 outside_region "W[1,1]" --loss population --d 10 --k 2 --sigma 1 --mu 1e30 --steps 100
case_ 3 diverged 0 outside_region "W[1,1]" --d 10 --k 2 --n 50 --sigma 1e90 --steps 10
case_ 3 diverged 0 outside_region "W[1,1]" --loss population --d 10 --k 2 --sigma 1e100 --steps 10
# data outside the proved region (|y| > 1e12) stops at step 0 (a step
# size outside it, mu > 1e3, is now refused by the CLI: tests/reliability.sh)
printf '1e13 0 0\n' > "$tmp/big_target.txt"
case_ 3 stopped 0 - "label y[0]" --d 3 --k 2 --n 10 --sigma 1e-10 --target "$tmp/big_target.txt" --steps 10
case_ 0 completed - - -                   --d 10 --k 2 --n 50 --sigma 1e-2 --steps 300
case_ 0 completed - - -                   --loss population --d 10 --k 4 --sigma 1e-2 --steps 300
echo "divergence: $pass passed, $fail failed"
[ $fail -eq 0 ]
