#!/bin/sh
# The main job at a small size (and resume, divergence, a bad input) under
# valgrind memcheck: zero errors and zero leaks of any kind, i.e. every
# log says "ERROR SUMMARY: 0 errors" and "All heap blocks were freed".
# Usage: valgrind.sh [BIN]
set -u
BIN=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0; n=0
vg() { # EXPECTED-EXIT ARGS...
  want=$1; shift
  n=$((n + 1))
  valgrind --log-file="$tmp/vg$n.log" --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=all --errors-for-leak-kinds=all \
    "$BIN" "$@" >/dev/null 2>"$tmp/err"
  rc=$?
  if [ $rc -ne "$want" ] || ! grep -q "ERROR SUMMARY: 0 errors" "$tmp/vg$n.log" ||
     ! grep -q "All heap blocks were freed" "$tmp/vg$n.log"; then
    echo "FAIL: valgrind [$*]: exit $rc (expected $want)"
    grep -E "ERROR SUMMARY|in use at exit|definitely|Invalid|uninit" "$tmp/vg$n.log" | head
    fail=$((fail + 1))
  else
    echo "ok: valgrind [$*]: $(grep -o 'total heap usage.*' "$tmp/vg$n.log"), 0 errors"
    pass=$((pass + 1))
  fi
}
# the main job (the paper's setting, make run) cut to 30 steps
vg 0 run --steps 30 --quiet --out "$tmp/paper"
S="--d 20 --k 2 --n 200 --steps 40 --sigma 1e-2 --quiet"
vg 0 run $S --dump --digest --checkpoint-every 10 --out "$tmp/main"
vg 0 run --loss population --d 20 --k 4 --steps 40 --out "$tmp/pop"
SHADOWGD_TEST_KILL_AT_STEP=25 "$BIN" run $S --digest --checkpoint-every 10 --out "$tmp/k" \
  >/dev/null 2>&1
vg 0 resume "$tmp/k" --quiet
vg 3 run --d 10 --k 2 --n 50 --sigma 1 --mu 1e3 --steps 100 --quiet --out "$tmp/div"
vg 2 run --d 3 --target /nonexistent --out "$tmp/bad"
vg 2 resume "$tmp/main"
# matrix sensing (LAPACK measurements, its shadow, audit and checkpoint section)
M="--model sensing --n1 8 --n2 6 --rank 2 --k 3 --m 30 --steps 20 --quiet --no-plots"
vg 0 run $M --dump --checkpoint-every 5 --out "$tmp/sens"
SHADOWGD_TEST_KILL_AT_STEP=12 "$BIN" run $M --checkpoint-every 5 --out "$tmp/sk" >/dev/null 2>&1
vg 0 resume "$tmp/sk" --quiet
vg 2 run --model sensing --rank 40 --out "$tmp/sbad"
echo "valgrind: $pass passed, $fail failed"
[ $fail -eq 0 ]
