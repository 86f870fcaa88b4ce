#!/bin/sh
# Same seed and parameters => bit-identical trajectory.csv, across repeated
# runs and across builds: {gcc, clang (when installed)} x {-O0, -O3} x
# {vector: the default build, whose kernels are multiversioned (SSE2 / AVX2 /
# AVX-512F clones, the CPU's best is run), sse2: -DSG_NO_CLONES, the baseline
# x86-64 code only} (src/kernels/vector.h, docs/determinism.md).
# Each variant is a separate build tree made by the project Makefile with the
# pinned floating-point flags.  Fails (exit 1) on any byte of difference.
# Negative control: an FMA-contracted build must be caught.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ARGS="--d 21 --k 5 --n 301 --steps 150 --sigma 1e-2 --quiet"
# the options of one case: the ReLU network's two losses (scalar and --outputs 3),
# and matrix sensing
args_for() {
  case "$1" in
    multi-*) echo "$ARGS --outputs 3 --k 6 --loss ${1#multi-}" ;; # issue 16
    sensing) echo "--model sensing --n1 12 --n2 10 --rank 2 --k 4 --m 100 --alpha 1e-3 --steps 80 --quiet --no-plots" ;;
    *) echo "$ARGS --loss $1" ;;
  esac
}
ref=""
run_variant() { # name cc opt loss isa
  [ -x "$tmp/b-$1/bin/shadowgd" ] || {
    case "$2/$5" in
      */sse2) extra=-DSG_NO_CLONES ;;
      *clang*/vector) extra=-march=x86-64-v3 ;; # no clones with clang (vector.h)
      *) extra= ;;
    esac
    make --no-print-directory -s CC="$2" OPT="$3" CFLAGS="$extra" BUILD="$tmp/b-$1" \
      BINDIR="$tmp/b-$1/bin" program >/dev/null
  }
  "$tmp/b-$1/bin/shadowgd" run $(args_for "$4") --out "$tmp/o-$1-$4"
}
status=0
for loss in empirical population multi-empirical multi-population sensing; do
  first=""
  for cc in ${CC_LIST:-gcc}; do
   for isa in vector sse2; do
    for opt in -O0 -O3; do
      name="$cc$opt-$isa"
      run_variant "$name" "$cc" "$opt" "$loss" "$isa"
      if [ -z "$first" ]; then
        first="$name"
        # the same build twice: identical
        "$tmp/b-$name/bin/shadowgd" run $(args_for "$loss") --out "$tmp/again-$loss"
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
done
# the builds are what their names say: the gcc vector builds carry the AVX2
# and AVX-512F clones of the kernels, the clang -O3 vector build AVX (ymm)
# code in sg_grad_W (-O0 does not vectorise), the sse2 builds neither
ymm() { objdump -d --no-show-raw-insn "$1" | awk '/<sg_grad_W[^>]*>:$/{on=1} on&&/^$/{on=0} on' | grep -c ymm || true; }
for b in "$tmp"/b-*-vector "$tmp"/b-*-sse2; do
  n=$(nm "$b/bin/shadowgd" | grep -c 'sg_grad_W\.avx\(2\|512f\)' || true)
  case "$b" in
    *gcc*-vector) [ "$n" -ge 2 ] || { echo "FAIL: $b has no AVX clones of sg_grad_W"; status=1; } ;;
    *-O3-vector) [ "$(ymm "$b/bin/shadowgd")" -ge 1 ] || { echo "FAIL: $b has no AVX code in sg_grad_W"; status=1; } ;;
    *-vector) ;;
    *) { [ "$n" -eq 0 ] && [ "$(ymm "$b/bin/shadowgd")" -eq 0 ]; } || { echo "FAIL: $b has AVX code"; status=1; } ;;
  esac
done
[ $status -eq 0 ] && echo "ok: vector builds carry AVX code (gcc: clones), sse2 builds none"
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
