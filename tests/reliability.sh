#!/bin/sh
# reliability.sh -- issue 11, items 1-6, end to end: one writer per output
# directory, every output written or the run fails, memory, limits up
# front, inputs never destroyed, audit figures that cannot mislead.
# Each check states what the user gets; any deviation fails.
# Usage: reliability.sh BIN
set -u
BIN=${1:-bin/shadowgd}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0; fail=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL: $*"; }
# check NAME CONDITION...: the condition is a command
check() { name=$1; shift; if "$@"; then ok; else no "$name"; fi; }
lines() { wc -l < "$1" | tr -d ' '; }
SMALL="--k 3 --d 20 --n 400 --no-plots"

# ---- 1. one writer per output directory ----
"$BIN" run --out d1 $SMALL --steps 1500 --quiet 2> d1a.err & p1=$!
sleep 0.5
"$BIN" run --out d1 $SMALL --steps 10 --force --quiet 2> d1b.err; rc=$?
wait $p1; rc1=$?
check "lock: second run (--force) exits 2 (got $rc)" [ $rc -eq 2 ]
check "lock: one line naming the directory and the pid" \
  sh -c "[ \$(wc -l < d1b.err) -eq 1 ] && grep -q 'd1 is in use by another shadowgd (pid $p1)' d1b.err"
check "lock: first run completes (got $rc1)" [ $rc1 -eq 0 ]
check "lock: the first run's outputs are its own (1501 rows + header)" \
  sh -c "[ \$(wc -l < d1/trajectory.csv) -eq 1502 ] && grep -q '\"steps\": 1500' d1/summary.json"
check "lock: no lock file left after a normal exit" [ ! -e d1/.lock ]
# without --force, on a fresh directory
"$BIN" run --out d2 $SMALL --steps 1500 --quiet 2>/dev/null & p1=$!
sleep 0.5
"$BIN" run --out d2 $SMALL --steps 10 --quiet 2> d2b.err; rc=$?
wait $p1
check "lock: second run without --force exits 2 (got $rc)" [ $rc -eq 2 ]
check "lock: the complete trajectory is the first run's" [ "$(lines d2/trajectory.csv)" -eq 1502 ]
# two resumes at once
SHADOWGD_TEST_KILL_AT_STEP=100 "$BIN" run --out r1 $SMALL --steps 1200 --checkpoint-every 50 \
  >/dev/null 2>&1
"$BIN" resume r1 --quiet 2> r1a.err & p1=$!
sleep 0.5
"$BIN" resume r1 --quiet 2> r1b.err; rc=$?
wait $p1; rc1=$?
check "lock: second resume exits 2 (got $rc: $(head -1 r1b.err))" \
  sh -c "[ $rc -eq 2 ] && grep -q 'in use by another shadowgd' r1b.err"
check "lock: first resume completes (got $rc1: $(head -1 r1a.err))" [ $rc1 -eq 0 ]
"$BIN" run --out ref1 $SMALL --steps 1200 --quiet
check "lock: the resumed trajectory equals the uninterrupted one" \
  cmp -s r1/trajectory.csv ref1/trajectory.csv
# a stale lock file (the holder was killed -9) does not block
SHADOWGD_TEST_KILL_AT_STEP=60 "$BIN" run --out r2 $SMALL --steps 200 --checkpoint-every 50 \
  >/dev/null 2>&1
check "lock: a killed run leaves its lock file" [ -e r2/.lock ]
"$BIN" resume r2 --quiet; rc=$?
check "lock: a stale lock file does not block resume (got $rc)" [ $rc -eq 0 ]

# ---- 2. every output written, or the run fails ----
mkdir -p fake/fail fake/sleep fake/junk
printf '#!/bin/sh\n: > fig3.png; : > audit.png; echo "fake failure" >&2; exit 1\n' > fake/fail/gnuplot
printf '#!/bin/sh\nsleep 30\n' > fake/sleep/gnuplot
printf '#!/bin/sh\nprintf xx > fig3.png; printf xx > audit.png; exit 0\n' > fake/junk/gnuplot
chmod +x fake/*/gnuplot
PATH="$tmp/fake/fail:$PATH" "$BIN" run --out f1 --k 3 --d 20 --n 400 --steps 10 --plots \
  > f1.out 2> f1.err; rc=$?
check "figures: gnuplot failing gives exit 1 (got $rc)" [ $rc -eq 1 ]
check "figures: no PNG under the final names" sh -c '[ ! -e f1/fig3.png ] && [ ! -e f1/audit.png ]'
check "figures: the failed figures are not listed" sh -c '! grep -q "f1/fig3.png" f1.out'
check "figures: one line per failed figure" [ "$(grep -c 'not written: gnuplot exited with status 1' f1.err)" -eq 2 ]
check "figures: no temporary left" sh -c '[ -z "$(ls -A f1 | grep plot-)" ]'
check "figures: the rest of the outputs are there" sh -c '[ -s f1/summary.json ] && [ -s f1/trajectory.csv ]'
t0=$(date +%s)
PATH="$tmp/fake/sleep:$PATH" SHADOWGD_GNUPLOT_TIMEOUT=1 "$BIN" run --out f2 --k 3 --d 20 \
  --n 400 --steps 10 --plots > /dev/null 2> f2.err; rc=$?
t1=$(date +%s)
check "figures: a hung gnuplot is killed after the timeout (rc $rc, $((t1 - t0)) s)" \
  sh -c "[ $rc -eq 1 ] && [ $((t1 - t0)) -lt 20 ] && grep -q 'killed after 1 s' f2.err"
PATH="$tmp/fake/junk:$PATH" "$BIN" run --out f3 --k 3 --d 20 --n 400 --steps 10 --plots \
  > /dev/null 2> f3.err; rc=$?
check "figures: a damaged PNG is refused (got $rc)" \
  sh -c "[ $rc -eq 1 ] && [ ! -e f3/fig3.png ] && grep -q 'empty or damaged PNG' f3.err"
if command -v gnuplot >/dev/null 2>&1; then
  "$BIN" run --out f4 --k 3 --d 20 --n 400 --steps 10 --plots > f4.out 2>&1; rc=$?
  check "figures: real gnuplot draws both (rc $rc)" \
    sh -c "[ $rc -eq 0 ] && [ -s f4/fig3.png ] && [ -s f4/audit.png ] && grep -q 'f4/fig3.png' f4.out"
  "$BIN" run --out f5 --k 3 --d 20 --n 400 --steps 0 --plots > f5.out 2>&1; rc=$?
  check "figures: --steps 0 exits 0 and leaves no PNG (rc $rc)" \
    sh -c "[ $rc -eq 0 ] && [ ! -e f5/fig3.png ] && [ ! -e f5/audit.png ]"
  # a real full file system for gnuplot: its PNG exceeds the file-size limit
  ( ulimit -f 20 2>/dev/null; "$BIN" run --out f6 --k 3 --d 5 --n 20 --steps 3 --plots \
      --audit-every 0 --no-shadow-trajectory > f6.out 2> f6.err ); rc=$?
  check "figures: a PNG cut by a full file system is refused (rc $rc)" \
    sh -c "[ $rc -eq 1 ] && [ ! -e f6/fig3.png ] && [ ! -e f6/audit.png ]"
fi
# full disk while checkpointing: checkpoint.bin.tmp made a link to /dev/full
SHADOWGD_TEST_KILL_AT_STEP=120 "$BIN" run --out c1 $SMALL --steps 200 --checkpoint-every 50 \
  >/dev/null 2>&1
cp c1/checkpoint.bin ck.before
ln -s /dev/full c1/checkpoint.bin.tmp
"$BIN" resume c1 --quiet 2> c1.err; rc=$?
check "full disk: checkpoint write fails with exit 1 (got $rc)" [ $rc -eq 1 ]
check "full disk: the previous checkpoint is unchanged" cmp -s c1/checkpoint.bin ck.before
check "full disk: the trajectory temporary is kept" [ -s c1/trajectory.csv.tmp ]
check "full disk: the message says how to continue" grep -q 'shadowgd resume c1' c1.err
"$BIN" resume c1 --quiet; rc=$?
"$BIN" run --out ref2 $SMALL --steps 200 --quiet
check "full disk: resume afterwards completes, same trajectory (rc $rc)" \
  sh -c "[ $rc -eq 0 ] && cmp -s c1/trajectory.csv ref2/trajectory.csv"
# stdout on a full device
"$BIN" --help > /dev/full 2>/dev/null; rc=$?
check "stdout: --help > /dev/full exits 1 (got $rc)" [ $rc -eq 1 ]
"$BIN" run --help > /dev/full 2>/dev/null; rc=$?
check "stdout: run --help > /dev/full exits 1 (got $rc)" [ $rc -eq 1 ]
"$BIN" run --out s1 $SMALL --steps 5 > /dev/full 2> s1.err; rc=$?
check "stdout: the verdict table > /dev/full exits 1 (got $rc)" \
  sh -c "[ $rc -eq 1 ] && grep -q 'write error on standard output' s1.err"

# ---- 3. memory ----
SHADOWGD_TEST_MP_ALLOC_FAIL_AFTER=50000 "$BIN" run --out m1 $SMALL --steps 50 --quiet 2> m1.err
rc=$?
check "memory: a GMP allocation failure exits 1 with one line (got $rc)" \
  sh -c "[ $rc -eq 1 ] && [ \$(wc -l < m1.err) -eq 1 ] && grep -q 'out of memory' m1.err"
check "memory: no temporaries and no lock left" sh -c '[ -z "$(ls -A m1 2>/dev/null)" ]'
SHADOWGD_TEST_MP_ALLOC_FAIL_AFTER=50000 "$BIN" run --out m2 $SMALL --steps 50 --quiet \
  --checkpoint-every 10 2>/dev/null
check "memory: with checkpoints the trajectory temporary is kept" [ -s m2/trajectory.csv.tmp ]
"$BIN" resume m2 --quiet; rc=$?
check "memory: ... and the run resumes (rc $rc)" sh -c "[ $rc -eq 0 ] && [ -s m2/summary.json ]"
( ulimit -v 8000000 2>/dev/null; "$BIN" run --out m3 --n 1000000 --k 256 --d 1 --prec 1024 2> m3.err ); rc=$?
check "memory: the up-front check counts the MPFR shadow (rc $rc)" \
  sh -c "[ $rc -eq 2 ] && grep -q 'MPFR shadow and audit' m3.err && [ ! -e m3 ]"

# ---- 4. limits up front ----
q=0
for a in "--k 257" "--d 4097" "--n 1048577" "--mu 1000.5" "--mu 1e100"; do
  q=$((q + 1))
  # shellcheck disable=SC2086
  "$BIN" run --out lim$q $a > /dev/null 2> lim.err; rc=$?
  check "limits: $a exits 2 at once with the limit (rc $rc: $(head -1 lim.err))" \
    sh -c "[ $rc -eq 2 ] && [ \$(wc -l < lim.err) -eq 1 ] && grep -q 'at most' lim.err && [ ! -e lim$q ]"
done
"$BIN" run --out lp --loss population --k 257 --steps 1 --quiet --no-plots; rc=$?
check "limits: the population loss has no such limit (rc $rc)" [ $rc -eq 0 ]
for a in "--d +5" "--steps -0"; do
  q=$((q + 1))
  # shellcheck disable=SC2086
  "$BIN" run --out lim$q $a > /dev/null 2> lim.err; rc=$?
  check "limits: $a rejected (rc $rc: $(head -1 lim.err))" \
    sh -c "[ $rc -eq 2 ] && grep -q 'not an integer' lim.err && [ ! -e lim$q ]"
done
"$BIN" run -h > h.out 2>&1; rc=$?
check "help: run -h prints the options (rc $rc)" sh -c "[ $rc -eq 0 ] && grep -q -- '--checkpoint-every' h.out"
"$BIN" run --help > h.out
check "help: exit statuses 0 1 2 3 130 143 and the limits" \
  sh -c "grep -q '130 / 143' h.out && grep -q -- '--k <= 256' h.out && grep -q -- '--n <= 1048576' h.out"

# ---- 5. inputs never destroyed ----
"$BIN" run --out t1 --d 3 --steps 5 --dump --quiet --no-plots
cp t1/data/a.csv a.keep
"$BIN" run --out t1 --d 3 --steps 5 --target t1/data/a.csv --force --quiet --no-plots 2> t1.err
rc=$?
check "inputs: --force with --target inside the directory exits 2 (got $rc)" [ $rc -eq 2 ]
check "inputs: ... and the target is intact" cmp -s t1/data/a.csv a.keep
printf '1 \033[31mRED\n' > esc.txt
"$BIN" run --out t2 --d 2 --target esc.txt --steps 5 --quiet 2> t2.err; rc=$?
check "inputs: control bytes of a target file are escaped (rc $rc)" \
  sh -c "[ $rc -eq 2 ] && grep -q 'x1b' t2.err && ! grep -q \"\$(printf '\\033')\" t2.err"
printf '1e-200 0 0\n' > tiny.txt
"$BIN" run --out t3 --d 3 --target tiny.txt --steps 5 --quiet --no-plots; rc=$?
check "inputs: a tiny non-zero target is accepted (rc $rc)" [ $rc -eq 0 ]

# ---- 6. audit figures that cannot mislead ----
"$BIN" run --out b1 --loss population --k 3 --d 10 --sigma 1e-163 --steps 20 --no-plots > b1.out
check "BOUND: infinite bounds make BOUND not-applicable (inconclusive)" \
  grep -q '^BOUND *not-applicable .*inconclusive' b1.out
check "BOUND: components_checked counts only compared components" \
  sh -c 'grep -q "\"components_checked\": 0," b1/summary.json && grep -q "\"infinite_bounds\": [1-9]" b1/summary.json'
"$BIN" run --out b2 $SMALL --steps 20 > b2.out
check "BOUND: an ordinary run still holds, with 0 infinite bounds" \
  sh -c 'grep -q "^BOUND *held" b2.out && grep -q "\"infinite_bounds\": 0," b2/summary.json'

echo "reliability: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
