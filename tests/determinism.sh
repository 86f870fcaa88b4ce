#!/bin/sh
# Same seed and parameters => bit-identical trajectory.csv, across repeated
# runs and across -O0 / -O3 builds (and clang -O2 when clang is installed).
# Each variant is a separate build tree made by the project Makefile with the
# pinned floating-point flags.  Fails (exit 1) on any byte of difference.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ARGS="--d 20 --k 3 --n 300 --steps 150 --sigma 1e-2 --quiet"
ref=""
run_variant() { # name cc opt loss
  make --no-print-directory -s CC="$2" OPT="$3" BUILD="$tmp/b-$1" BINDIR="$tmp/b-$1/bin" \
    program >/dev/null
  "$tmp/b-$1/bin/shadowgd" run $ARGS --loss "$4" --out "$tmp/o-$1-$4"
}
status=0
for loss in empirical population; do
  first=""
  for cc in ${CC_LIST:-gcc}; do
    for opt in -O0 -O3; do
      name="$cc$opt"
      run_variant "$name" "$cc" "$opt" "$loss"
      if [ -z "$first" ]; then
        first="$name"
        # the same build twice: identical
        "$tmp/b-$name/bin/shadowgd" run $ARGS --loss "$loss" --out "$tmp/again-$loss"
        cmp "$tmp/o-$name-$loss/trajectory.csv" "$tmp/again-$loss/trajectory.csv" \
          || { echo "FAIL: $loss: two runs of one build differ"; status=1; }
      else
        if cmp "$tmp/o-$first-$loss/trajectory.csv" "$tmp/o-$name-$loss/trajectory.csv"; then
          echo "ok: $loss: $name trajectory identical to $first"
        else
          echo "FAIL: $loss: $name trajectory differs from $first"; status=1
        fi
      fi
    done
  done
done
# the check can fail: a different seed must change the file
"$tmp/b-$first/bin/shadowgd" run $ARGS --loss empirical --seed 2 --out "$tmp/seed2"
if cmp -s "$tmp/o-$first-empirical/trajectory.csv" "$tmp/seed2/trajectory.csv"; then
  echo "FAIL: a different seed gave the same trajectory"; status=1
fi
# negative control: a build that contracts a*b+c into FMA (which the pinned
# flags forbid) must be caught by the same byte comparison
if grep -qw fma /proc/cpuinfo 2>/dev/null; then
  make --no-print-directory -s CC=gcc OPT=-O2 CFLAGS="-mfma -ffp-contract=fast" \
    BUILD="$tmp/b-fma" BINDIR="$tmp/b-fma/bin" program >/dev/null
  "$tmp/b-fma/bin/shadowgd" run $ARGS --loss empirical --out "$tmp/o-fma"
  if cmp -s "$tmp/o-$first-empirical/trajectory.csv" "$tmp/o-fma/trajectory.csv"; then
    echo "FAIL: an FMA-contracted build was not detected"; status=1
  else
    echo "ok: negative control: an FMA-contracted build gives a different trajectory"
  fi
else
  echo "note: CPU without FMA, FMA negative control skipped"
fi
[ $status -eq 0 ] && echo "determinism: 1 passed, 0 failed" || echo "determinism: 0 passed, 1 failed"
exit $status
