#!/bin/sh
# sweep.sh -- the local sweep runner (issue 13): an uninterrupted sweep, the
# same sweep killed halfway (kill -9 of the runner and its trials) and rerun,
# which must recompute nothing finished and give the same results.csv byte for
# byte; bad specs rejected with one line and exit 2; Wilson/gather checks.
# usage: sh tests/sweep.sh bin/shadowgd
set -eu
P=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL sweep: $*" >&2; exit 1; }
ok() { echo "ok   sweep: $*"; }

# 24 trials of ~0.15 s each (empirical, no shadow): long enough to kill halfway
cat > "$T/s.spec" <<'SPEC'
fixed --loss empirical --d 20 --k 2 --sigma 1e-4 --mu 0.1 --steps 2500 --audit-every 0 --no-shadow-trajectory
grid --init theory xavier
grid --n 40 400
seeds 6
seed-base 100
SPEC

# 1. uninterrupted reference, 2 jobs
SHADOWGD_TRIAL_LOG=$T/ref.log "$P" sweep "$T/s.spec" --out "$T/ref" --jobs 2 --no-plots --quiet \
  || fail "reference sweep exited $?"
[ "$(wc -l < "$T/ref.log")" = 24 ] || fail "reference ran $(wc -l < "$T/ref.log") trials, expected 24"
[ "$(ls "$T/ref/trials" | wc -l)" = 24 ] || fail "reference has $(ls "$T/ref/trials" | wc -l) trial dirs"
[ "$(wc -l < "$T/ref/results.csv")" = 25 ] || fail "results.csv has not 24 rows"
[ "$(wc -l < "$T/ref/summary.csv")" = 5 ] || fail "summary.csv has not 4 groups"
# every trial ran cleanly (a sanitizer report would show as a failed trial)
bad=$(awk -F, 'NR > 1 && ($5 != "ok" || $6 != 0 || $7 != "completed")' "$T/ref/results.csv")
[ -z "$bad" ] || fail "trials not ok: $bad"
grep -l -E 'Sanitizer|runtime error' "$T"/ref/trials/*/stderr.txt && fail "sanitizer report in a trial"
# the seed rule: seed = seed-base + seed index, the same at every grid point
awk -F, 'NR > 1 && $2 != 100 + ($1 % 6) { bad = 1 } END { exit bad }' "$T/ref/trials.csv" \
  || fail "trials.csv seeds do not follow seed-base + index mod seeds"
grep -q -- '--seed 103' "$T/ref/trials/9/trial.json" 2>/dev/null && fail "seed leaked into options"
s9=$(sed -n 's/.*"seed": \([0-9]*\).*/\1/p' "$T/ref/trials/9/trial.json")
[ "$s9" = 103 ] || fail "trial 9 ran with seed '$s9', expected 103"
# every trial equals a plain `shadowgd run` with the same options (same code path)
opts=$(awk -F, 'NR == 10 { print $NF }' "$T/ref/trials.csv")
# shellcheck disable=SC2086
"$P" run $opts --seed 103 --out "$T/plain" --quiet --no-plots
cmp -s "$T/plain/trajectory.csv" "$T/ref/trials/9/trajectory.csv" \
  || fail "trial 9's trajectory differs from shadowgd run with its options"
ok "24 trials, seeds from the row, trial 9 = shadowgd run $opts --seed 103"

# 2. killed halfway: kill -9 of the runner and of its children, then rerun
mkdir "$T/int"
setsid sh -c "SHADOWGD_TRIAL_LOG='$T/int.log' exec '$P' sweep '$T/s.spec' --out '$T/int/o' \
    --jobs 2 --no-plots --quiet" > "$T/int/run1.out" 2>&1 &
spid=$!
i=0
while [ "$(ls "$T/int/o/trials" 2>/dev/null | grep -c '^[0-9]' || true)" -lt 8 ]; do
    i=$((i + 1)); [ $i -lt 600 ] || fail "no progress after 60 s"
    sleep 0.1
done
pg=$(ps -o pgid= -p $spid | tr -d ' ')
kill -s KILL -- "-$pg"
wait $spid 2>/dev/null || true
sleep 0.2
done1=$(ls "$T/int/o/trials" | grep -c '^[0-9]' || true)
[ "$done1" -lt 24 ] || fail "the sweep finished before it was killed (make the trials longer)"
[ -s "$T/int/o/results.csv" ] && fail "a killed sweep left results.csv"
# remember each finished trial's record (inode and mtime): the rerun must not touch it
for d in "$T/int/o/trials"/[0-9]*; do
    echo "$(basename "$d") $(stat -c '%i %Y.%y' "$d/trial.json" "$d/summary.json" | tr '\n' ' ')"
done | sort > "$T/int/before"
runs1=$(wc -l < "$T/int.log")
SHADOWGD_TRIAL_LOG=$T/int.log "$P" sweep "$T/s.spec" --out "$T/int/o" --jobs 2 --no-plots --quiet \
  || fail "rerun exited $?"
for d in $(cut -d' ' -f1 "$T/int/before"); do
    echo "$d $(stat -c '%i %Y.%y' "$T/int/o/trials/$d/trial.json" "$T/int/o/trials/$d/summary.json" \
      | tr '\n' ' ')"
done | sort > "$T/int/after"
cmp -s "$T/int/before" "$T/int/after" || fail "a finished trial was rewritten by the rerun"
# run counter: every row finished before the kill ran exactly once in total
for d in $(cut -d' ' -f1 "$T/int/before"); do
    c=$(grep -cx "$d" "$T/int.log")
    [ "$c" = 1 ] || fail "finished trial $d ran $c times"
done
runs2=$(($(wc -l < "$T/int.log") - runs1))
[ "$runs2" -le $((24 - done1 + 2)) ] || fail "rerun started $runs2 trials for $((24 - done1)) missing"
ls -a "$T/int/o/trials" | grep -q '^\.tmp-' && fail "temporaries left after the rerun"
cmp "$T/ref/results.csv" "$T/int/o/results.csv" || fail "results.csv differs from the uninterrupted sweep"
cmp "$T/ref/summary.csv" "$T/int/o/summary.csv" || fail "summary.csv differs from the uninterrupted sweep"
ok "killed -9 with $done1/24 done, rerun ran $runs2 trials, none finished rerun; results.csv identical"

# 3. a third run does nothing; gather is repeatable
SHADOWGD_TRIAL_LOG=$T/int.log "$P" sweep "$T/s.spec" --out "$T/int/o" --no-plots --quiet
[ "$(wc -l < "$T/int.log")" = $((runs1 + runs2)) ] || fail "a finished sweep ran trials again"
"$P" gather "$T/int/o" --no-plots --quiet
cmp -s "$T/ref/results.csv" "$T/int/o/results.csv" || fail "gather is not repeatable"
if command -v gnuplot > /dev/null; then
    "$P" gather "$T/int/o" --quiet
    for f in success_vs_nd phases; do
        [ -s "$T/int/o/figures/$f.png" ] || fail "gather made no $f.png"
    done
    cmp -s "$T/ref/results.csv" "$T/int/o/results.csv" || fail "gather with figures changed results.csv"
fi
ok "finished sweep: nothing rerun, gather repeatable (and its figures)"

# 4. SIGINT: the runner stops, exits 130, leaves no temporaries, rerun completes
setsid "$P" sweep "$T/s.spec" --out "$T/sig" --jobs 2 --no-plots --quiet > "$T/sig.out" 2>&1 &
spid=$!
i=0
while [ "$(ls "$T/sig/trials" 2>/dev/null | grep -c '^[0-9]' || true)" -lt 4 ]; do
    i=$((i + 1)); [ $i -lt 600 ] || fail "no progress after 60 s"; sleep 0.1
done
kill -INT $spid
rc=0; wait $spid || rc=$?
[ $rc = 130 ] || fail "SIGINT: exit status $rc, expected 130"
grep -q "rerun the same command" "$T/sig.out" || fail "SIGINT: no message"
ls -a "$T/sig/trials" | grep -q '^\.tmp-' && fail "SIGINT left temporaries"
"$P" sweep "$T/s.spec" --out "$T/sig" --no-plots --quiet
cmp -s "$T/ref/results.csv" "$T/sig/results.csv" || fail "results after SIGINT + rerun differ"
ok "SIGINT: exit 130, no temporaries, rerun completes with identical results"

# 5. a failing trial is recorded with its exit status and not rerun
cat > "$T/f.spec" <<'SPEC'
fixed --loss population --d 5 --k 2 --steps 50 --audit-every 0 --no-shadow-trajectory
grid --sigma 1e-4 1e60
SPEC
"$P" sweep "$T/f.spec" --out "$T/f" --no-plots --quiet || fail "sweep with a diverging trial exited $?"
grep -q '"exit_status": 3' "$T/f/trials/1/trial.json" || fail "diverged trial not recorded with exit 3"
awk -F, 'NR == 3 && ($4 != "failed" || $5 != 3 || $6 != "diverged" || $9 != 0) { exit 1 }' \
  "$T/f/results.csv" || fail "results.csv row of the diverged trial: $(sed -n 3p "$T/f/results.csv")"
m=$(stat -c %Y.%y "$T/f/trials/1/trial.json")
"$P" sweep "$T/f.spec" --out "$T/f" --no-plots --quiet
[ "$m" = "$(stat -c %Y.%y "$T/f/trials/1/trial.json")" ] || fail "failed trial was rerun"
ok "diverging trial recorded (failed, exit 3, run_status diverged), not rerun"

# 5b. on a terminal (script(1) gives the sweep a pty) stderr carries the progress line
if command -v script > /dev/null; then
    script -qc "'$P' sweep '$T/f.spec' --out '$T/tty' --jobs 1 --no-plots" /dev/null \
      | tr '\r' '\n' > "$T/tty.out" 2>&1 || true
    grep -q '^sweep: 1/2 done (1 now), [01] running, [01] failed, ETA 0m[0-9][0-9]s' "$T/tty.out" \
      || fail "no progress line with ETA on a terminal: $(head -5 "$T/tty.out")"
    grep -q '^sweep: 2/2 done (2 now), 0 running, 1 failed' "$T/tty.out" \
      || fail "no final progress line on a terminal"
    ok "progress line with done/running/failed and ETA on a terminal"
fi

# 6. negative controls: bad specs and arguments, one line on stderr, exit 2
n=0
bad() { # bad NAME 'spec text' [extra args]
    printf '%s\n' "$2" > "$T/bad.spec"; shift 2
    rc=0; "$P" sweep "$T/bad.spec" --out "$T/bad" "$@" 2> "$T/bad.err" > /dev/null || rc=$?
    [ $rc = 2 ] || fail "bad spec '$(cat "$T/bad.spec")': exit $rc, expected 2"
    [ "$(wc -l < "$T/bad.err")" = 1 ] || fail "bad spec '$(cat "$T/bad.spec")': $(cat "$T/bad.err")"
    [ -e "$T/bad/trials.csv" ] && fail "bad spec '$(cat "$T/bad.spec")' wrote a trial table"
    n=$((n + 1))
}
bad a 'fixed --d 5'  --jobs 0
bad b ''
bad c '# only a comment'
bad d 'frobnicate --d 5'
bad e 'grid --sigma'
bad f 'grid --sigma 1e-4 1e-4'
bad g 'fixed --seed 3'
bad h 'grid --out a b'
bad i 'fixed --d 5
grid --d 6 7'
bad j 'seeds 0
fixed --d 5'
bad k 'seeds 2x
fixed --d 5'
bad l 'fixed --d 5
seeds 3
seeds 4'
bad m 'fixed --target a,b'
bad n 'success loss 1e-3
fixed --d 5'
bad o 'success loss_rel -1
fixed --d 5'
bad p 'grid --sigma -1 1e-4'
bad q 'fixed --d 5 --frobnicate 3'
bad r 'grid --n 10 --d'
bad s 'fixed d 5'
bad t 'fixed --d 5
seed-base 18446744073709551615
seeds 2'
bad u 'plots maybe
fixed --d 5'
bad v 'fixed --d 5' --emit pbs
bad w 'fixed --d 5' --throttle 3
printf 'fixed --d 5\n' > "$T/ok.spec"
rc=0; "$P" sweep "$T/ok.spec" 2> "$T/bad.err" || rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$T/bad.err")" = 1 ] || fail "missing --out: exit $rc"
rc=0; "$P" sweep "$T/nonexistent.spec" --out "$T/bad" 2> "$T/bad.err" || rc=$?
[ $rc != 0 ] && [ "$(wc -l < "$T/bad.err")" = 1 ] || fail "missing spec file: exit $rc"
# a different spec on an existing sweep directory is refused, nothing changed
printf 'fixed --loss population --d 20 --k 2 --steps 10\nseeds 2\n' > "$T/other.spec"
rc=0; "$P" sweep "$T/other.spec" --out "$T/ref" 2> "$T/bad.err" || rc=$?
[ $rc = 2 ] && grep -q "different spec" "$T/bad.err" || fail "other spec on ref: exit $rc"
cmp -s "$T/ref/results.csv" "$T/int/o/results.csv" || fail "refused sweep changed ref"
rc=0; "$P" trial "$T/ref" 24 2> "$T/bad.err" || rc=$?
[ $rc = 2 ] || fail "trial row out of range: exit $rc"
rc=0; "$P" gather "$T/nonexistent" 2> "$T/bad.err" || rc=$?
[ $rc != 0 ] && [ "$(wc -l < "$T/bad.err")" = 1 ] || fail "gather of a missing dir: exit $rc"
ok "$n bad specs/arguments rejected with one line and exit 2; other spec on a sweep dir refused"

# 7. gather notices a tampered trial table, and a missing trial shows as missing
cp -r "$T/ref" "$T/tamper"
sed -i '2s/^0,100,/0,999,/' "$T/tamper/trials.csv"
rc=0; "$P" gather "$T/tamper" --quiet 2> "$T/bad.err" || rc=$?
[ $rc = 2 ] || fail "gather accepted a trials.csv that is not its spec's"
cp "$T/ref/trials.csv" "$T/tamper/trials.csv"; rm -rf "$T/tamper/trials/5"
"$P" gather "$T/tamper" --quiet --no-plots
awk -F, 'NR == 7 && $5 != "missing" { exit 1 }' "$T/tamper/results.csv" || fail "missing trial not shown"
ok "gather: tampered table refused, missing trial reported"
# 8. the matrix-sensing sweep (sweeps/sensing_alpha.spec) needs --model sensing
#    (issue 10): with it, a reduced copy runs and gathers final.rel_error and
#    the error-vs-alpha figure; without it, the spec is refused (exit 2, one line)
SPECDIR=$(cd "$(dirname "$0")/.." && pwd)/sweeps
if "$P" run --model sensing --help > /dev/null 2>&1; then
    sed -e 's/^seeds .*/seeds 2/' -e 's/^grid  *--alpha .*/grid --alpha 1e-1 1e-3/' \
        "$SPECDIR/sensing_alpha.spec" > "$T/sens.spec"
    "$P" sweep "$T/sens.spec" --out "$T/sens" --quiet || fail "sensing sweep exited $?"
    head -1 "$T/sens/results.csv" | grep -q ',final.rel_error' || fail "no final.rel_error column"
    [ "$(wc -l < "$T/sens/results.csv")" = 5 ] || fail "sensing results.csv has not 4 rows"
    if command -v gnuplot > /dev/null; then
        [ -s "$T/sens/figures/metric_vs_alpha.png" ] || fail "no error-vs-alpha figure"
    fi
    ok "sensing sweep (reduced): final.rel_error gathered, error-vs-alpha figure"
else
    rc=0; "$P" sweep "$SPECDIR/sensing_alpha.spec" --out "$T/sens" 2> "$T/bad.err" || rc=$?
    [ $rc = 2 ] && [ "$(wc -l < "$T/bad.err")" = 1 ] || fail "sensing spec without the model: exit $rc"
    [ -e "$T/sens" ] && fail "sensing spec without the model created its directory"
    ok "skip sensing sweep: --model sensing not available yet (issue 10); its spec is refused"
fi
# 9. gather is generic: a hand-made sweep directory of a model this build does
#    not have (matrix-sensing-like summaries: final.rel_error, no target_norm,
#    other invariant IDs), in the documented trials.csv format
G=$T/gen; mkdir -p "$G/trials"
printf 'fixed --model sensing\ngrid --alpha 1e-1 1e-2 1e-3\nseeds 2\nsuccess final.rel_error 1e-2\n' \
  > "$G/spec.txt"
{ echo "index,seed,alpha,options"; i=0
  for al in 1e-1 1e-2 1e-3; do for s in 1 2; do
    echo "$i,$s,$al,--model sensing --alpha $al"; i=$((i + 1)); done; done; } > "$G/trials.csv"
i=0
for al in 0.1 0.01 0.001; do for s in 1 2; do
    mkdir "$G/trials/$i"
    echo '{"index": '$i', "status": "ok", "exit_status": 0, "signal": null}' > "$G/trials/$i/trial.json"
    e=$(awk -v a=$al -v s=$s 'BEGIN { printf "%.17g", a * (1 + s / 2) }')
    cat > "$G/trials/$i/summary.json" <<JSON
{"status": "completed", "steps_done": 10, "config": {"alpha": $al},
 "final": {"loss": 1e-9, "rel_error": $e, "sigma_r1": $al, "imbalance": 1e-12},
 "invariants": {"BALANCE": {"verdict": "held"}, "LOWRANK": {"verdict": "violated"}}}
JSON
    i=$((i + 1))
done; done
"$P" gather "$G" --quiet || fail "gather of the generic directory exited $?"
h=$(head -1 "$G/results.csv")
[ "$h" = "index,seed,alpha,status,exit_status,run_status,steps_done,metric(final.rel_error),\
success,stuck,final.loss,final.rel_error,final.sigma_r1,final.imbalance,verdict.BALANCE,verdict.LOWRANK" ] \
  || fail "generic results.csv header: $h"
[ "$(cut -d, -f9 "$G/results.csv" | tr -d '\n')" = success000011 ] || fail "generic success column"
sed -n 2p "$G/results.csv" | grep -q ',0.15000000000000002,' || fail "metric not copied as written"
m=$(awk -F, 'NR == 4 { print $2 "," $5 "," $(NF - 1) }' "$G/summary.csv")
[ "$m" = "2,2,0.00175" ] || fail "generic summary (trials, successes, median): $m"
if command -v gnuplot > /dev/null; then
    [ -s "$G/figures/metric_vs_alpha.png" ] || fail "no metric_vs_alpha.png"
    [ -e "$G/figures/success_vs_nd.png" ] && fail "success_vs_nd.png without an n axis"
fi
ok "gather is generic: sensing-like summaries gathered, success by final.rel_error, error-vs-alpha figure"
echo "sweep: all checks passed"
