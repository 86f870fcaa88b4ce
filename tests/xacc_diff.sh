#!/bin/sh
# xacc_diff.sh [REV [N]] -- the exact accumulator of this tree against the one
# of git revision REV (default 302df05, before the fixed-point z and the
# BMI2 clone; the revision's own xacc.h builds its file): N random sums (default 200000) through both, results and
# overflow flags bit-identical (tests/xacc_diff.c).  Run from the top of the
# tree; SG_XACC_NO_ASM=1 builds this tree's portable add chains instead.
set -e
REV=${1:-302df05}
N=${2:-200000}
CC=${CC:-gcc}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/old/shadow"
git show "$REV:src/shadow/xacc.c" > "$T/xacc_old.c"
git show "$REV:src/shadow/xacc.h" > "$T/old/shadow/xacc.h"
RN=""
for f in init clear add_xd dot_xd row_xd add_dd get; do
    RN="$RN -Dsg_xacc_$f=old_sg_xacc_$f"
done
RN="$RN -Dsg_xnum_from_mpfr=old_sg_xnum_from_mpfr -Dsg_xnum_from_double=old_sg_xnum_from_double"
FLAGS="-std=c11 -O2 -D_GNU_SOURCE -ffp-contract=off -Isrc -I."
$CC -I"$T/old" $FLAGS $RN -c "$T/xacc_old.c" -o "$T/old.o"
EXTRA=""
[ -n "$SG_XACC_NO_ASM" ] && EXTRA="-DSG_XACC_NO_ASM"
$CC $FLAGS $EXTRA -o "$T/diff" tests/xacc_diff.c src/shadow/xacc.c src/shadow/xnum_mpfr.c "$T/old.o" -lmpfr -lgmp -lm
"$T/diff" "$N"
