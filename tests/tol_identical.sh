#!/bin/sh
# The invariant audit's per-step work (round-off tolerances, exact residuals
# of HOMOG and IMBAL) changes speed, never bytes (issue 14, item 4).
#
# tests/golden.sh covers six runs; this adds the shapes the audit's fast
# paths special-case: k = 1, 3, 5, 7, 16 (the forward pass switches path at
# k = 4), n not a multiple of 4 (the tolerance pass's sample blocks), tiny
# d and n, the population loss, --outputs 2, --freeze-v, each with and
# without the MPFR trajectory (it runs the tolerances a second time, with
# u = 2^-p).  Every file of every output directory is digested (summary.json
# without its wall-clock and provenance members, as in golden.sh), and
# stdout without its clock line.
#
# Usage:
#   tol_identical.sh BIN              compare with tests/golden/tol_identical.sha256
#   tol_identical.sh BIN --record     (re)write that file from BIN
#   tol_identical.sh BIN --against OLD  compare BIN with another binary directly
set -u
BIN=${1:-bin/shadowgd}
MODE=${2:-check}
OLD=${3:-}
here=$(dirname "$0")
ref="$here/golden/tol_identical.sha256"
tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT

# name|arguments; "-ns" runs skip the MPFR trajectory
RUNS='default|
default-ns|--no-shadow-trajectory
pop|--loss population --steps 120
pop-ns|--loss population --steps 120 --no-shadow-trajectory
k1-n2001|--k 1 --n 2001 --d 37 --steps 40
k1-n2001-ns|--k 1 --n 2001 --d 37 --steps 40 --no-shadow-trajectory
k3-n2002|--k 3 --n 2002 --steps 40 --init xavier --sigma 1
k3-n2002-ns|--k 3 --n 2002 --steps 40 --init xavier --sigma 1 --no-shadow-trajectory
k5-n2003|--k 5 --n 2003 --d 50 --steps 40 --init balanced
k5-n2003-ns|--k 5 --n 2003 --d 50 --steps 40 --init balanced --no-shadow-trajectory
k7-n2001|--k 7 --n 2001 --d 30 --steps 40 --init xavier --sigma 1 --seed 3
k7-n2001-ns|--k 7 --n 2001 --d 30 --steps 40 --init xavier --sigma 1 --seed 3 --no-shadow-trajectory
k16-n2002|--k 16 --n 2002 --d 64 --steps 20 --init xavier --sigma 1
k16-n2002-ns|--k 16 --n 2002 --d 64 --steps 20 --init xavier --sigma 1 --no-shadow-trajectory
k2-n7-d3|--k 2 --n 7 --d 3 --steps 60 --mu 0.3 --sigma 1 --init xavier
k4-n5-d1-ns|--k 4 --n 5 --d 1 --steps 60 --sigma 1 --init xavier --no-shadow-trajectory
freeze-ns|--freeze-v --steps 100 --no-shadow-trajectory
noaudit-ns|--audit-every 0 --no-shadow-trajectory --steps 200
out2-ns|--outputs 2 --steps 60 --no-shadow-trajectory
out2|--outputs 2 --steps 30'

notime() { sed '/"timing": {/,/}/d; /"source": {/,/}/d; /"[a-z_]*seconds[a-z_]*": /d' "$1"; }
nostdclock() { sed -e '/^steps [0-9]* .*s\/step)$/d' -e "s|$2|DIR|g" "$1"; }

# run_set BIN TAG -> $tmp/TAG.sums, lines "sha256  NAME/file"
run_set() {
  : > "$tmp/$2.sums"
  echo "$RUNS" | while IFS='|' read -r name args; do
    dir="$tmp/$2/$name"
    # shellcheck disable=SC2086 # the arguments are word lists on purpose
    OPENBLAS_NUM_THREADS=1 "$1" run --out "$dir" --no-plots $args > "$dir.out" 2> "$dir.err"
    echo "rc $?" >> "$dir.out"
    for f in $(cd "$dir" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); do
      if [ "$f" = summary.json ]; then s=$(notime "$dir/$f" | sha256sum)
      else s=$(sha256sum < "$dir/$f"); fi
      printf '%s  %s/%s\n' "${s%% *}" "$name" "$f"
    done >> "$tmp/$2.sums"
    printf '%s  %s/stdout\n' "$(nostdclock "$dir.out" "$dir" | sha256sum | cut -d' ' -f1)" \
      "$name" >> "$tmp/$2.sums"
  done
}

mkdir -p "$tmp/now" "$tmp/old"
run_set "$BIN" now
case $MODE in
--record)
  cp "$tmp/now.sums" "$ref"
  echo "tol-identical: recorded $(wc -l < "$ref") digests in $ref"
  exit 0 ;;
--against)
  [ -n "$OLD" ] || { echo "usage: $0 BIN --against OLD_BIN"; exit 2; }
  run_set "$OLD" old
  want="$tmp/old.sums" ;;
*)
  [ -f "$ref" ] || { echo "FAIL: no $ref"; exit 1; }
  want="$ref" ;;
esac

# every digest line must match, and no file may be missing or extra
compare() { # WANT GOT -> FAIL lines, returns the number of failures
  diff "$1" "$2" > "$tmp/diff"
  cnf=$(grep -c '^[<>]' "$tmp/diff")
  grep '^>' "$tmp/diff" | sed 's/^> [0-9a-f]*  /FAIL: tol-identical: differs or extra: /'
  grep '^<' "$tmp/diff" | sed 's/^< [0-9a-f]*  /FAIL: tol-identical: differs or missing: /' |
    sort -u | head -40
  return "$cnf"
}
compare "$want" "$tmp/now.sums"; fail=$?
total=$(wc -l < "$want")
pass=$((total - $(grep -c '^<' "$tmp/diff")))
[ "$pass" -ge 0 ] || pass=0
# negative control: one altered digest is caught
sed '1s/^./x/' "$want" > "$tmp/broken"
if compare "$tmp/broken" "$tmp/now.sums" > /dev/null; then
  fail=$((fail + 1)); echo "FAIL: tol-identical: an altered digest was not caught"
else pass=$((pass + 1)); fi
echo "tol-identical: $pass passed, $fail failed ($total digests of $(echo "$RUNS" | wc -l) runs)"
[ "$fail" -eq 0 ]
