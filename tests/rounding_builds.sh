#!/bin/sh
# rounding_builds.sh -- the round-off bounds do not depend on the build
# (issue 11, item 6): a program built with `make CFLAGS=` (which used to
# drop -frounding-math from bounds.o) and the clang sanitizer build compute
# bit-identical bounds -- the trajectory's max_err_ratio column and the
# audit block of summary.json -- as the ordinary build.  Negative control:
# a build whose fesetround does nothing (bounds evaluated in round to
# nearest) must be told apart, so the comparison is not vacuous.
# Usage: rounding_builds.sh BIN BUILD_DIR
set -u
BIN=$1
OUT=$2
MAKE=${MAKE:-make}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
mkdir -p "$OUT"
fail=0
build() { # NAME MAKE-ARGS... -> $OUT/NAME/bin/shadowgd
  name=$1; shift
  nice $MAKE --no-print-directory -s BUILD="$OUT/$name" BINDIR="$OUT/$name/bin" "$@" program \
    > "$OUT/$name.log" 2>&1 || { echo "FAIL: build $name: $(tail -3 "$OUT/$name.log")"; exit 1; }
}
build nocflags CFLAGS=
build san CC=clang CFLAGS="$SAN"
build broken CFLAGS="-Wno-error -include $(cd "$(dirname "$0")" && pwd)/fe_noop.h"
# the bound figures of a run: the ratio column and the audit block
figures() { # BIN DIR ARGS...
  prog=$1; dir=$2; shift 2
  ASAN_OPTIONS=detect_leaks=1:exitcode=86 "$prog" run --out "$dir" --force --quiet --no-plots "$@" \
    || echo "FAIL: $prog exited $?"
  python3 - "$dir" <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/trajectory.csv")))
print("\n".join(r["max_err_ratio"] for r in rows))
a = json.load(open(d + "/summary.json"))["audit"]
for k in sorted(a):
    if "seconds" not in k:
        print(k, json.dumps(a[k], sort_keys=True))
PY
}
for args in "--k 3 --d 20 --n 400 --steps 40" "--loss population --k 3 --d 10 --steps 40"; do
  # shellcheck disable=SC2086
  figures "$BIN" "$OUT/run-ref" $args > "$OUT/ref.txt"
  for which in nocflags san; do
    # shellcheck disable=SC2086
    figures "$OUT/$which/bin/shadowgd" "$OUT/run-$which" $args > "$OUT/$which.txt"
    if cmp -s "$OUT/ref.txt" "$OUT/$which.txt"; then
      echo "ok: $which build: same bounds ($args)"
    else
      echo "FAIL: $which build computes other bounds ($args):"
      diff "$OUT/ref.txt" "$OUT/$which.txt" | head -5
      fail=1
    fi
  done
  # shellcheck disable=SC2086
  figures "$OUT/broken/bin/shadowgd" "$OUT/run-broken" $args > "$OUT/broken.txt"
  if cmp -s "$OUT/ref.txt" "$OUT/broken.txt"; then
    echo "FAIL: the comparison misses bounds evaluated in round to nearest ($args)"; fail=1
  else
    echo "ok: negative control: round-to-nearest bounds told apart ($args)"
  fi
done
[ $fail -eq 0 ]
