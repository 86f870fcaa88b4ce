#!/bin/sh
# Every bad input to `shadowgd run` / `shadowgd resume` must give exit status
# 2, exactly one line on stderr that names the flag (or command) and the
# offending value, nothing on stdout, and write nothing: the output
# directory must not exist afterwards (or be unchanged when it existed).
# A few good inputs at the edges must still be accepted.
# Usage: bad_inputs.sh [BIN]; TABLE=file also writes the README table rows.
set -u
BIN=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0; n=0
ok()  { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# target files
printf '1 0 0\n' > "$tmp/a3.txt"
printf '1, nan, 0\n' > "$tmp/nan.txt"
printf '1 2\n' > "$tmp/short.txt"
printf '1 2 3 4\n' > "$tmp/long.txt"
printf '0 0 -0\n' > "$tmp/zero.txt"
printf '1 x2 3\n' > "$tmp/garbage.txt"
printf '1 1e400 0\n' > "$tmp/huge.txt"
printf '1e200 1e200 0\n' > "$tmp/norm.txt"
printf '1 1e-400 0\n' > "$tmp/under.txt"
: > "$tmp/empty.txt"
head -c 300 /dev/zero > "$tmp/nul.txt"
mkdir "$tmp/adir" "$tmp/ckdir"
printf 'not a checkpoint\n' > "$tmp/ckdir/checkpoint.bin"
mkdir "$tmp/full"; : > "$tmp/full/keep"
: > "$tmp/afile"

# case SUB1 SUB2 ARGS...: SUB1 and SUB2 must occur in the one stderr line
case_() {
  s1=$1; s2=$2; shift 2
  n=$((n + 1)); out="$tmp/o$n"
  before=$(ls -la "$tmp/full" "$tmp/adir" "$tmp/ckdir" 2>&1)
  "$BIN" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
  rc=$?
  lines=$(wc -l < "$tmp/stderr")
  line=$(head -n 1 "$tmp/stderr")
  shown=$(printf '%s ' "$@" | sed "s|$tmp|T|g; s|T/o$n|OUT|g")
  if [ -n "${TABLE:-}" ]; then
    printf '| `%s` | %s | `%s` |\n' "${shown% }" "$rc" \
      "$(printf '%s' "$line" | sed "s|$tmp|T|g; s|T/o$n|OUT|g; s/|/\\\\|/g")" >> "$TABLE"
  fi
  [ $rc -eq 2 ] || { bad "[$shown] exit $rc, expected 2"; return; }
  [ "$lines" -eq 1 ] || { bad "[$shown] $lines stderr lines, expected 1"; return; }
  case "$line" in *"$s1"*) ;; *) bad "[$shown] stderr lacks '$s1': $line"; return;; esac
  case "$line" in *"$s2"*) ;; *) bad "[$shown] stderr lacks '$s2': $line"; return;; esac
  [ ! -s "$tmp/stdout" ] || { bad "[$shown] wrote to stdout"; return; }
  [ ! -e "$out" ] || { bad "[$shown] created the output directory"; return; }
  [ "$before" = "$(ls -la "$tmp/full" "$tmp/adir" "$tmp/ckdir" 2>&1)" ] ||
    { bad "[$shown] changed an existing directory"; return; }
  ok
}
R() { s1=$1; s2=$2; shift 2; case_ "$s1" "$s2" run --out "$tmp/o$((n + 1))" --steps 5 "$@"; }

# flags and syntax
R "--bogus" "unknown"            --bogus 1
R "--sig" "unknown"              --sig 1e-3
R "--stepsx" "unknown"           --stepsx=4
R "'-d'" "unexpected"            -d 5
R "'extra'" "unexpected"         extra
R "'--'" "unexpected"            --
R "--d" "needs a value"          --d
R "--quiet" "'1'"                --quiet=1
# integers
R "--d" "'abc'"                  --d abc
R "--d" "'0'"                    --d 0
R "--d" "'-3'"                   --d -3
R "--d" "'1000001'"              --d 1000001
R "--d" "'99999999999999999999'" --d 99999999999999999999
R "--d" "'12abc'"                --d 12abc
R "--d" "' 5'"                   --d " 5"
R "--d" "''"                     --d ""
R "--d" "'5.0'"                  --d 5.0
R "--d" "'0x10'"                 --d 0x10
R "--d" "'--k'"                  --d --k 3
R "--k" "'0'"                    --k 0
R "--k" "'2.5'"                  --k 2.5
R "--n" "'0'"                    --n 0
R "--n" "'100000001'"            --n 100000001
R "--steps" "'-1'"               --steps -1
R "--steps" "'1e3'"              --steps 1e3
R "--steps" "'1000000001'"       --steps 1000000001
R "--checkpoint-every" "'-1'"    --checkpoint-every -1
R "--checkpoint-every" "'x'"     --checkpoint-every x
# doubles
R "--sigma" "'nan'"              --sigma nan
R "--sigma" "'inf'"              --sigma inf
R "--sigma" "'-1'"               --sigma -1
R "--sigma" "'0'"                --sigma 0
R "--sigma" "'-0'"               --sigma -0
R "--sigma" "'1e-400'"           --sigma 1e-400
R "--sigma" "'1e-310'"           --sigma 1e-310
R "--sigma" "'1e101'"            --sigma 1e101
R "--sigma" "'1e400'"            --sigma 1e400
R "--sigma" "'1e-3x'"            --sigma 1e-3x
R "--sigma" "'0x'"               --sigma 0x
R "--sigma" "' 1'"               --sigma " 1"
R "--mu" "'NaN'"                 --mu NaN
R "--mu" "'-inf'"                --mu -inf
R "--mu" "'-0.1'"                --mu -0.1
R "--mu" "'0'"                   --mu 0
R "--mu" "'1e309'"               --mu 1e309
R "--mu" "'0.1,'"                --mu 0.1,
# seed and enumerations
R "--seed" "'-1'"                --seed -1
R "--seed" "'18446744073709551616'" --seed 18446744073709551616
R "--seed" "'0x'"                --seed 0x
R "--seed" "'1.5'"               --seed 1.5
R "--seed" "'abc'"               --seed abc
R "--loss" "'foo'"               --loss foo
R "--init" "'Theory'"            --init Theory
# sizes whose products overflow the 2^31-1 element limit
R "--n 100000000" "--d 100"      --n 100000000 --d 100
R "--k 1000000" "--d 3000"       --k 1000000 --d 3000
R "--n 3000000" "--k 1000"       --n 3000000 --k 1000 --d 1
R "--k 50000" "pairwise"         --loss population --k 50000 --d 1
# within every per-buffer limit but about 51 GiB in total: refused up front
# (checked only where the machine has less memory than that)
mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
if [ "${mem_kb:-0}" -gt 0 ] && [ "$mem_kb" -lt 50000000 ]; then
  R "--n 100000000" "GiB"        --n 100000000 --k 21 --d 21
fi
# target files
R "--target" "''"                --target ""
R "--target" "'--quiet'"         --target --quiet
R "--target" "missing.txt"       --d 3 --target "$tmp/missing.txt"
R "--target" "is a directory"    --d 3 --target "$tmp/adir"
R "--target" "nan.txt"           --d 3 --target "$tmp/nan.txt"
R "--target" "short.txt"         --d 3 --target "$tmp/short.txt"
R "--target" "long.txt"          --d 3 --target "$tmp/long.txt"
R "--target" "zero.txt"          --d 3 --target "$tmp/zero.txt"
R "--target" "garbage.txt"       --d 3 --target "$tmp/garbage.txt"
R "--target" "huge.txt"          --d 3 --target "$tmp/huge.txt"
R "--target" "norm.txt"          --d 3 --target "$tmp/norm.txt"
R "--target" "underflows"        --d 3 --target "$tmp/under.txt"
R "--target" "empty.txt"         --d 3 --target "$tmp/empty.txt"
R "--target" "nul.txt"           --d 3 --target "$tmp/nul.txt"
# output directory
R "--out" "''"                   --out ""
R "--out" "afile"                --out "$tmp/afile"
R "--out" "full"                 --out "$tmp/full"
R "--out" "a\\x0ab"             --out "$(printf 'a\nb')"
R "--out" "a\\xffb"             --out "$(printf 'a\377b')"
R "--target" "UTF-8"             --target "$(printf '\300\200')"
# resume
case_ "resume" "missing DIR"     resume
case_ "resume" "'x'"             resume "$tmp/adir" x
case_ "resume" "checkpoint.bin"  resume "$tmp/adir"
case_ "resume" "bad magic"       resume "$tmp/ckdir"
case_ "command" "'runn'"         runn

# good inputs at the edges are accepted
good() {
  n=$((n + 1))
  if "$BIN" run --quiet --steps 2 --d 3 --k 2 --n 10 --out "$tmp/g$n" "$@" 2>"$tmp/stderr"; then
    ok
  else
    bad "good input [$*] rejected: $(cat "$tmp/stderr")"
  fi
}
good --loss population --sigma 1e-300 --mu 1e100 --steps 0
good --sigma=0x1p-10 --mu=2.2250738585072014e-308
good --seed 18446744073709551615
good --seed 0xFFFFFFFFFFFFFFFF
good --target "$tmp/a3.txt"
good --target "$tmp/a3.txt" --out "$tmp/adir"
good --d 1 --k 1 --n 1
good --out "$tmp/full" --force
# --seed 010 is decimal ten, not octal eight
"$BIN" run --quiet --steps 1 --d 3 --k 2 --n 10 --seed 010 --out "$tmp/s010" &&
"$BIN" run --quiet --steps 1 --d 3 --k 2 --n 10 --seed 10 --out "$tmp/s10" &&
cmp -s "$tmp/s010/trajectory.csv" "$tmp/s10/trajectory.csv" && ok || bad "--seed 010 is not ten"

echo "bad_inputs: $pass passed, $fail failed"
[ $fail -eq 0 ]
