#!/bin/sh
# Atomic outputs (issue 6, item 2): write errors are reported (exit 1, one
# stderr line naming the file and the error) and never leave a file under
# its final name; --force replaces a non-empty directory and removes the
# stale outputs of an earlier run.  Write errors are provoked with the
# file-size limit (ulimit -f, SIGXFSZ ignored, so write() fails with
# EFBIG), which works for every user including root.
# Usage: outputs.sh [BIN]
set -u
BIN=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
limited() { # KB ARGS...: run BIN with files limited to KB kilobytes
  kb=$1; shift
  bash -c 'ulimit -f "$1"; trap "" XFSZ; shift; exec "$@"' sh "$kb" "$BIN" "$@"
}
# expect_ioerr NAME DIR PATTERN: exit 1, one line matching PATTERN, and no
# output under a final name, no temporary
expect_ioerr() {
  if [ "$rc" -ne 1 ]; then bad "$1: exit $rc, expected 1"; return; fi
  [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "$3" "$tmp/err" ||
    { bad "$1: stderr: $(cat "$tmp/err")"; return; }
  left=$(cd "$2" && find . -type f | sort | tr '\n' ' ')
  case "$left" in
    *trajectory.csv*|*summary.json*|*checkpoint.bin*|*.tmp*|*X.csv*)
      bad "$1: left behind: $left"; return;;
  esac
  ok
  [ -n "${TABLE:-}" ] && printf '| %s | %s | `%s` |\n' "$1" "$rc" \
    "$(sed "s|$tmp|T|g" "$tmp/err")" >> "$TABLE"
}

# trajectory.csv larger than the limit
limited 8 run --quiet --out "$tmp/traj" 2>"$tmp/err"; rc=$?
expect_ioerr "trajectory.csv over a 8 KiB file-size limit" "$tmp/traj" "write error on .*trajectory.csv.tmp: File too large"
# the run stops at the first failed write instead of computing on: a
# million steps of the paper's size would take minutes, the failure must come
# within 60 s
start=$(date +%s)
timeout 60 sh -c 'ulimit -f 8; trap "" XFSZ; exec "$@"' sh "$BIN" run --quiet --steps 1000000 \
  --out "$tmp/early" 2>"$tmp/err"; rc=$?
expect_ioerr "1e6 steps, 8 KiB limit: stops at the first failed row" "$tmp/early" \
  "write error on .*trajectory.csv.tmp: File too large"
echo "outputs: the 1e6-step run failed after $(( $(date +%s) - start )) s"
# --dump: X.csv larger than the limit
limited 64 run --quiet --dump --steps 3 --out "$tmp/dump" 2>"$tmp/err"; rc=$?
expect_ioerr "data/X.csv over a 64 KiB limit" "$tmp/dump" "write error on .*X.csv.tmp"
# a checkpoint larger than the limit (k*d = 10000 parameters: 160 KB)
limited 64 run --quiet --d 1000 --k 10 --n 20 --steps 20 --checkpoint-every 5 \
  --out "$tmp/ckpt" 2>"$tmp/err"; rc=$?
expect_ioerr "checkpoint.bin over a 64 KiB limit" "$tmp/ckpt" "checkpoint.bin.tmp"
# a directory that cannot be created
"$BIN" run --quiet --steps 3 --out /proc/shadowgd-test 2>"$tmp/err"; rc=$?
mkdir -p "$tmp/proc"
expect_ioerr "--out /proc/shadowgd-test" "$tmp/proc" "cannot create directory /proc/shadowgd-test"

# SIGINT without checkpoints: exit 130, one line, the temporary removed
"$BIN" run --quiet --steps 1000000 --out "$tmp/int" 2>"$tmp/err" & pid=$!
i=0
while [ ! -e "$tmp/int/trajectory.csv.tmp" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
sleep 0.2
kill -INT $pid 2>/dev/null
wait $pid; rc=$?
left=$(cd "$tmp/int" && find . -type f | tr '\n' ' ')
[ $rc -eq 130 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "interrupted by signal 2" "$tmp/err" &&
  [ -z "$left" ] && ok || bad "SIGINT: exit $rc, left '$left': $(cat "$tmp/err")"
[ -n "${TABLE:-}" ] && printf '| %s | %s | `%s` |\n' "SIGINT, no checkpoints" "$rc" \
  "$(sed "s|$tmp|T|g" "$tmp/err")" >> "$TABLE"

# --force: stale outputs of an earlier run are removed, the new ones written
"$BIN" run --quiet --steps 20 --d 5 --n 30 --dump --checkpoint-every 5 --out "$tmp/f" &&
  : > "$tmp/f/trajectory.csv.tmp" && : > "$tmp/f/other.txt" ||
  bad "--force: first run failed"
"$BIN" run --quiet --steps 20 --d 5 --n 30 --out "$tmp/f" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "use --force" "$tmp/err" && ok || bad "non-empty --out accepted without --force"
# (the first run's figures are stale too: the new run writes only the
# gnuplot scripts, --no-plots)
"$BIN" run --quiet --steps 7 --d 5 --n 30 --out "$tmp/f" --force --no-plots || bad "--force run failed"
left=$(cd "$tmp/f" && find . -type f | sort | tr '\n' ' ')
[ "$left" = "./audit.gp ./fig3.gp ./final_state.csv ./other.txt ./summary.json ./trajectory.csv " ] && ok ||
  bad "--force left: $left"
[ "$(wc -l < "$tmp/f/trajectory.csv")" -eq 9 ] && ok || bad "--force: trajectory not replaced"
# an existing empty directory is accepted
mkdir "$tmp/empty"
"$BIN" run --quiet --steps 3 --d 5 --n 30 --out "$tmp/empty" && ok || bad "empty --out refused"

echo "outputs: $pass passed, $fail failed"
[ $fail -eq 0 ]
