#!/bin/sh
# The multi-output network's command line (issue 16).
#  1. --outputs 1 given explicitly is the scalar program: trajectory.csv,
#     data/*.csv, summary.json (wall-clock and provenance members aside) and
#     stdout byte-identical to the run without it (empirical, population,
#     k = 3 xavier).
#  2. Bad --outputs values, bad r-row --target files and runs outside the
#     proved region: exit 2 and one stderr line naming the value.
#  3. --outputs 3 --loss population (k = 6) converges: final loss <= 1e-10;
#     the scalar shadow and audit are not attached, the r > 1 audit's four
#     IDs hold, BOUND holds (roundoff.md M10).
#  4. A killed r = 3 run (empirical and population), resumed, gives outputs
#     byte-identical to the uninterrupted run's (that r is in the config
#     hash is tests/test_multi.c's).
#  5. data/a.csv of an r = 3 --dump reads back as --target: the same run.
#  6. The r > 1 MPFR step audit (empirical): BOUND held, 0 violations,
#     summary.json "audit", max_err_ratio column, --audit-every 5 and 0.
#  7. The r > 1 MPFR trajectory (shadow/relu/multi_traj.h): DIVERGE held
#     with its measure in the table, summary.json and the divergence column;
#     --diverge-max below the measured divergence violates it,
#     --no-shadow-trajectory makes it not applicable; FLIPS held (empirical)
#     and not applicable (population); EVENPART held (population).
#  (4 resumes both losses with the step audit and the MPFR trajectory on:
#     their totals and the MPFR state are checkpointed.)
# Usage: multi.sh [BIN]
set -u
BIN=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
notime() { sed '/"timing": {/,/}/d; /"source": {/,/}/d; /"[a-z_]*seconds[a-z_]*": /d' "$1"; }
nostd() { sed -e '/^steps [0-9]* .*s\/step)$/d' -e "s|$2|DIR|g" "$1"; }

same_run() { # dirA stdoutA dirB stdoutB label
  for f in trajectory.csv $(cd "$1" && ls data 2>/dev/null | sed 's|^|data/|'); do
    cmp -s "$1/$f" "$3/$f" || { bad "$5: $f differs"; return; }
  done
  notime "$1/summary.json" > "$tmp/s1"; notime "$3/summary.json" > "$tmp/s2"
  cmp -s "$tmp/s1" "$tmp/s2" || { bad "$5: summary.json differs"; return; }
  nostd "$2" "$1" > "$tmp/o1"; nostd "$4" "$3" > "$tmp/o2"
  cmp -s "$tmp/o1" "$tmp/o2" || { bad "$5: stdout differs"; diff "$tmp/o1" "$tmp/o2" | head; return; }
  ok
}

# ---- 1 ----
i=0
for args in "--d 20 --n 300 --steps 200" "--loss population --steps 300" \
            "--k 3 --init xavier --sigma 1 --d 10 --n 200 --steps 100"; do
  i=$((i + 1))
  "$BIN" run $args --dump --out "$tmp/a$i" > "$tmp/a$i.out" || bad "run $i failed"
  "$BIN" run $args --outputs 1 --dump --out "$tmp/b$i" > "$tmp/b$i.out" || bad "run $i --outputs 1 failed"
  same_run "$tmp/a$i" "$tmp/a$i.out" "$tmp/b$i" "$tmp/b$i.out" "--outputs 1 ($args)"
done
# the comparison can fail: --outputs 2 is a different run
"$BIN" run --d 20 --n 300 --steps 200 --dump --outputs 2 --k 2 --out "$tmp/c" > "$tmp/c.out" 2>&1
cmp -s "$tmp/a1/trajectory.csv" "$tmp/c/trajectory.csv" && bad "--outputs 2 gave the r = 1 trajectory" || ok

# ---- 2 ----
printf '1 0 0\n0 1 0\n' > "$tmp/two.csv"
printf '1 0 0\n0 0 0\n0 0 1\n' > "$tmp/zero.csv"
printf '1 0 0\n0 1\n0 0 1\n' > "$tmp/short.csv"
printf '1 0 0\n0 1 x\n0 0 1\n' > "$tmp/nan.csv"
expect_usage() { # pattern args...
  pat=$1; shift
  "$BIN" run "$@" --out "$tmp/bad" > /dev/null 2> "$tmp/err"; rc=$?
  if [ $rc -ne 2 ] || [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/err"; then
    bad "run $*: exit $rc, stderr: $(cat "$tmp/err")"
  elif [ -e "$tmp/bad/trajectory.csv" ]; then bad "run $*: wrote outputs"
  else ok; fi
}
expect_usage "'0' for --outputs" --outputs 0
expect_usage "'x' for --outputs" --outputs x
expect_usage "'-2' for --outputs" --outputs -2
expect_usage "'4' for --outputs: at most d=3" --outputs 4 --d 3
expect_usage "'4' for --outputs: at most d=3" --outputs 4 --d 3 --target random
expect_usage "has 2 rows, expected --outputs 3" --outputs 3 --d 3 --target "$tmp/two.csv"
expect_usage "row 2: the target is the zero vector" --outputs 3 --d 3 --target "$tmp/zero.csv"
expect_usage "row 2: has 2 values, expected d=3" --outputs 3 --d 3 --target "$tmp/short.csv"
expect_usage "row 2: entry 3 'x' is not a number" --outputs 3 --d 3 --target "$tmp/nan.csv"
expect_usage "more than d=3 values" --outputs 1 --d 3 --target "$tmp/zero.csv"
# the proved region of --loss empirical (multi.h): r <= 256, |y| <= 1e12
expect_usage "'300' for --outputs: at most 256" --outputs 300 --k 4 --d 400 --n 100
printf '1e13 0 0\n0 1 0\n' > "$tmp/huge.csv"
expect_usage "gives |y\[1,1\]| = .* outside the proved region" --outputs 2 --d 3 --n 100 --target "$tmp/huge.csv"
printf '0,1,0,0\n' > "$tmp/init.csv"
expect_usage "'2' for --outputs: --init-file" --outputs 2 --d 3 --k 1 --init-file "$tmp/init.csv"

# ---- 3 ----
"$BIN" run --outputs 3 --loss population --steps 2000 --out "$tmp/conv" > "$tmp/conv.out" ||
  bad "r = 3 population run failed"
loss=$(sed -n '/"final": {/,/}/s/^ *"loss": \(.*\),$/\1/p' "$tmp/conv/summary.json" | head -1)
echo "r = 3, k = 6, population, 2000 steps: final loss $loss"
awk -v l="$loss" 'BEGIN { exit !(l != "" && l <= 1e-10) }' && ok || bad "r = 3 did not converge: loss '$loss'"
grep -q '"outputs": 3' "$tmp/conv/summary.json" && grep -q '"k": 6' "$tmp/conv/summary.json" && ok ||
  bad "summary.json lacks outputs 3 / k 6"

# the scalar observers are not attached at r > 1, the multi audit is
grep -q '^--outputs 3: scalar invariants not applicable.*MPFR trajectory (DIVERGE); .*PAIRING$' "$tmp/conv.out" &&
  grep -q '"not_applicable": \[' "$tmp/conv/summary.json" && ok || bad "r = 3: no not-applicable line / member"
for id in HOMOG IMBAL DESCENT ODDPART EVENPART DIVERGE PAIRING; do
  grep -q "^$id  *held  *(double only)" "$tmp/conv.out" && ok || bad "r = 3: $id not held in the verdict table"
done
# the run has an MPFR shadow: no row may claim "(no shadow)"
grep -q "(no shadow)" "$tmp/conv.out" && bad "r = 3: a row says (no shadow) in a shadowed run" || ok
# BOUND (population: roundoff.md M10) held over the 2001 audited steps
grep -q "^BOUND  *held  *(double only)  *-  *[0-9.e-]*  *[0-9]* components in 2001 audited steps (MPFR 128 bits): 0 outside their round-off bound (roundoff.md M10, P0-P6)" "$tmp/conv.out" &&
  grep -q '"replica_mismatches": 0' "$tmp/conv/summary.json" && ok ||
  bad "r = 3 population: BOUND not held"
echo "r = 3 population step audit: $(grep '^audit (MPFR' "$tmp/conv.out")"
# PAIRING: three opposite pairs in summary.json and the table, the units
# figure; it fails before the pairs form (100 steps: relative residual
# ~0.3) and at a tolerance below the measured residual
pairs=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['pairing']; print(len(p['pairs']), p['verdict'], max(q['relative_residual'] for q in p['pairs']) < 0.05)" "$tmp/conv/summary.json")
[ "$pairs" = "3 held True" ] && grep -q '^PAIRING: 3 pairs of opposite units' "$tmp/conv.out" && ok ||
  bad "r = 3: PAIRING summary '$pairs'"
if command -v gnuplot > /dev/null; then
  [ -s "$tmp/conv/units.png" ] && [ -s "$tmp/conv/units.gp" ] && ok || bad "r = 3: no units.png"
else
  [ -s "$tmp/conv/units.gp" ] && ok || bad "r = 3: no units.gp"
fi
"$BIN" run --outputs 3 --loss population --steps 100 --no-plots --out "$tmp/early" > "$tmp/early.out" || bad "early run failed"
grep -q "^PAIRING  *violated" "$tmp/early.out" && ok || bad "100 steps: PAIRING not violated"
"$BIN" run --outputs 3 --loss population --steps 2000 --pairing-tol 1e-6 --no-plots --out "$tmp/tight" > "$tmp/tight.out" || bad "tight run failed"
grep -q "^PAIRING  *violated" "$tmp/tight.out" && ok || bad "--pairing-tol 1e-6: PAIRING not violated"
expect_usage "'3' for --pairing-tol" --outputs 3 --pairing-tol 3
expect_usage "'0' for --pairing-tol" --outputs 3 --pairing-tol 0
# the scalar shadow writes "audit", the scalar audit "phases" (both present at r = 1);
# at r > 1 "audit" is the r > 1 step audit's (its "bounds" names section M)
scalar_members() { python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(sum(m in s for m in ('audit', 'phases', 'final_structure')) - ('M10' in s.get('audit', {}).get('bounds', '')))" "$1"; }
[ ! -e "$tmp/conv/final_state.csv" ] && [ "$(scalar_members "$tmp/conv/summary.json")" = 0 ] &&
  [ "$(scalar_members "$tmp/a2/summary.json")" = 3 ] && ok ||
  bad "r = 3: a scalar observer wrote its output (or r = 1 lacks them)"

# ---- 4 ----
for loss in empirical population; do
  A="--outputs 3 --loss $loss --d 8 --n 300 --steps 400 --sigma 1e-2 --digest --dump --checkpoint-every 50"
  "$BIN" run $A --out "$tmp/ref-$loss" > "$tmp/ref-$loss.out" || bad "$loss: reference run failed"
  { SHADOWGD_TEST_KILL_AT_STEP=170 "$BIN" run $A --out "$tmp/k-$loss" >/dev/null 2>&1; echo $? > "$tmp/rc"; } 2>/dev/null
  [ "$(cat "$tmp/rc")" -eq 137 ] || bad "$loss: killed run exited $(cat "$tmp/rc")"
  "$BIN" resume "$tmp/k-$loss" > "$tmp/k-$loss.out" || bad "$loss: resume failed"
  same_run "$tmp/ref-$loss" "$tmp/ref-$loss.out" "$tmp/k-$loss" "$tmp/k-$loss.out" "r = 3 $loss resume"
done
# ---- 5 ----
"$BIN" run --outputs 3 --d 6 --n 200 --steps 50 --target random --dump --out "$tmp/t1" > /dev/null || bad "random target run"
"$BIN" run --outputs 3 --d 6 --n 200 --steps 50 --target "$tmp/t1/data/a.csv" --out "$tmp/t2" > /dev/null || bad "file target run"
cmp -s "$tmp/t1/trajectory.csv" "$tmp/t2/trajectory.csv" && ok || bad "a.csv as --target: a different run"

# ---- 6 ----
# the r > 1 MPFR step audit (empirical): every component of every step
# within its rigorous bound (roundoff.md M1-M9), BOUND held in the table,
# summary.json "audit", trajectory columns; --audit-every 5 audits steps
# 0, 5, ...; --audit-every 0 makes BOUND not applicable
"$BIN" run --outputs 3 --loss empirical --d 6 --k 6 --n 200 --steps 60 --no-plots --out "$tmp/mb1" > "$tmp/mb1.out" ||
  bad "r = 3 empirical audited run failed"
grep -q "^audit (MPFR 128 bits, every 1, outputs 3): 61 steps, [0-9]* components, 0 bound violations" "$tmp/mb1.out" &&
  grep -q "^BOUND  *held  *(double only)" "$tmp/mb1.out" && ok || bad "r = 3 empirical: BOUND not held"
audit=$(python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['audit']; print(a['steps_audited'], a['bound_violations'], a['components_checked'] > 0, 0 < a['max_error_to_bound'] <= 1, sorted(a['components']) == sorted(['z','relu','f','r','loss','grad_V','t','grad_W','W','V']))" "$tmp/mb1/summary.json")
[ "$audit" = "61 0 True True True" ] && ok || bad "r = 3 empirical: summary.json audit '$audit'"
echo "r = 3 empirical step audit: $(grep '^audit (MPFR' "$tmp/mb1.out")"
head -1 "$tmp/mb1/trajectory.csv" | grep -q ',max_err_ratio,bound_violations,ambiguous,flips,divergence$' && ok ||
  bad "r = 3 empirical: no max_err_ratio column"
"$BIN" run --outputs 3 --loss empirical --d 6 --k 6 --n 200 --steps 20 --audit-every 5 --no-plots --out "$tmp/mb5" > "$tmp/mb5.out" &&
  grep -q "^audit (MPFR 128 bits, every 5, outputs 3): 5 steps" "$tmp/mb5.out" &&
  [ "$(awk -F, 'NR > 1 && $(NF-4) != "" { c++ } END { print c }' "$tmp/mb5/trajectory.csv")" = 5 ] && ok ||
  bad "--audit-every 5: not 5 audited rows"
"$BIN" run --outputs 3 --loss empirical --d 6 --k 6 --n 200 --steps 20 --audit-every 0 --no-plots --out "$tmp/mb0" > "$tmp/mb0.out" &&
  grep -q "^BOUND  *not-applicable.*--audit-every 0" "$tmp/mb0.out" && ! grep -q '"audit"' "$tmp/mb0/summary.json" && ok ||
  bad "--audit-every 0: BOUND not not-applicable"

# ---- 7 ----
grep -q "^DIVERGE  *held  *(double only)  *-  *[0-9.e-]*  *max |theta - theta_mpfr|/|theta_mpfr| = [0-9.e-]* at step [0-9]* (final [0-9.e-]*, limit 1e-06)" "$tmp/conv.out" &&
  grep -q "^FLIPS  *not-applicable.*no activation indicators" "$tmp/conv.out" &&
  grep -q "^EVENPART  *held" "$tmp/conv.out" && ok || bad "r = 3 population: DIVERGE / FLIPS / EVENPART rows"
echo "r = 3 population: $(grep '^trajectory shadow' "$tmp/conv.out")"
traj=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); t=s['trajectory_shadow']; e=s['even_part']; print(t['states_compared'], 0 < t['max_divergence'] < 1e-12, s['invariants']['DIVERGE']['verdict'], len(e['per_line']), s['config']['not_applicable'])" "$tmp/conv/summary.json")
[ "$traj" = "2001 True held 3 ['scalar_invariant_audit']" ] && ok || bad "r = 3 population: summary.json trajectory_shadow '$traj'"
grep -q "^FLIPS  *held  *(double only)  *-  *-*[0-9]*  *[0-9]* ambiguous and [0-9]* flipped activation pairs in 61 audited steps; every flip within its bound" "$tmp/mb1.out" &&
  grep -q "^DIVERGE  *held" "$tmp/mb1.out" && grep -q "^EVENPART  *not-applicable" "$tmp/mb1.out" &&
  [ "$(awk -F, 'NR > 1 && $NF != "" { c++ } END { print c }' "$tmp/mb1/trajectory.csv")" = 61 ] && ok ||
  bad "r = 3 empirical: FLIPS / DIVERGE rows or the divergence column"
"$BIN" run --outputs 3 --loss empirical --d 6 --k 6 --n 200 --steps 60 --no-plots --diverge-max 1e-20 --out "$tmp/dv" > "$tmp/dv.out" &&
  grep -q "^DIVERGE  *violated.*limit 1e-20)" "$tmp/dv.out" && ok || bad "--diverge-max 1e-20: DIVERGE not violated"
"$BIN" run --outputs 3 --loss population --steps 50 --no-shadow-trajectory --no-plots --out "$tmp/nt" > "$tmp/nt.out" &&
  grep -q "^DIVERGE  *not-applicable.*--no-shadow-trajectory" "$tmp/nt.out" && ! grep -q '"trajectory_shadow": {' "$tmp/nt/summary.json" &&
  ! head -1 "$tmp/nt/trajectory.csv" | grep -q divergence && ok || bad "--no-shadow-trajectory: DIVERGE not not-applicable"

echo "multi: $pass passed, $fail failed"
[ $fail -eq 0 ]
