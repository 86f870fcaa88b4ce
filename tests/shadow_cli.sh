#!/bin/sh
# shadow_cli.sh -- the shadow's options and outputs, end to end (issue 4).
#  1. bad values of --prec / --audit-every: exit 2 and one line naming the
#     flag and the value;
#  2. the double trajectory is bit-identical with and without the shadow
#     (negative control: a different seed changes it);
#  3. the audit columns and the "audit" object are present, with 0 bound
#     violations at a small size, and absent when both parts are off;
#  4. --no-invariants (issue 14, item 4): the same double trajectory without
#     the invariant audit's columns and summary members (present otherwise).
set -eu
bin=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; passed=0
ok() { passed=$((passed + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

bad_value() { # flag value
  set +e
  "$bin" run --steps 1 --out "$tmp/bad" "--$1" "$2" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  set -e
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "--$1" "$tmp/err" \
     && grep -qF -- "'$2'" "$tmp/err"; then ok; else ko "--$1 $2: rc=$rc $(cat "$tmp/err")"; fi
}
bad_value prec 63
bad_value prec 0
bad_value prec -128
bad_value prec 1025
bad_value prec 12x
bad_value prec ""
bad_value audit-every -1
bad_value audit-every 1.5
bad_value audit-every x
# the control: a valid value is accepted
if "$bin" run --steps 1 --quiet --prec 64 --audit-every 0 --out "$tmp/good"; then ok; else ko "--prec 64 rejected"; fi

ARGS="--d 12 --k 3 --n 150 --steps 60 --sigma 1e-2 --quiet"
cols=11 # step,loss + 3 per neuron
for loss in empirical population; do
  "$bin" run $ARGS --loss $loss --out "$tmp/with-$loss"
  "$bin" run $ARGS --loss $loss --audit-every 0 --no-shadow-trajectory --out "$tmp/without-$loss"
  cut -d, -f1-$cols "$tmp/with-$loss/trajectory.csv" >"$tmp/a"
  cut -d, -f1-$cols "$tmp/without-$loss/trajectory.csv" >"$tmp/b"
  if cmp -s "$tmp/a" "$tmp/b"; then ok; else ko "$loss: the shadow changed the double trajectory"; fi
  head -1 "$tmp/with-$loss/trajectory.csv" | grep -q ',max_err_ratio,bound_violations,ambiguous,flips,divergence,loss_mpfr\(,\|$\)' \
    && ok || ko "$loss: audit columns missing"
  grep -q '"audit"' "$tmp/without-$loss/summary.json" && ko "$loss: audit object without audit" || ok
  grep -q '"bound_violations": 0,' "$tmp/with-$loss/summary.json" && ok || ko "$loss: violations"
  grep -q '"steps_audited": 61,' "$tmp/with-$loss/summary.json" && ok || ko "$loss: steps_audited"
  # every row has 0 violations and a loss_mpfr with more digits than a double
  # (columns found by name: later observers may append their own)
  awk -F, 'NR == 1 { for (q = 1; q <= NF; q++) col[$q] = q; next }
           $col["bound_violations"] != 0 || length($col["loss_mpfr"]) < 30 { bad = 1 }
           END { exit bad }' \
    "$tmp/with-$loss/trajectory.csv" && ok || ko "$loss: a row with violations or a short loss_mpfr"
done
"$bin" run $ARGS --seed 2 --audit-every 0 --no-shadow-trajectory --out "$tmp/seed2"
cut -d, -f1-$cols "$tmp/seed2/trajectory.csv" >"$tmp/c"
cut -d, -f1-$cols "$tmp/without-empirical/trajectory.csv" >"$tmp/b"
if cmp -s "$tmp/b" "$tmp/c"; then ko "negative control: seed 2 gave the same trajectory"; else ok; fi
# --no-invariants: the invariant audit (and its per-step tolerance pass over
# X) is not attached; the double trajectory is the same
"$bin" run $ARGS --audit-every 0 --no-shadow-trajectory --no-invariants --out "$tmp/noinv"
cut -d, -f1-$cols "$tmp/noinv/trajectory.csv" >"$tmp/d"
if cmp -s "$tmp/b" "$tmp/d"; then ok; else ko "--no-invariants changed the double trajectory"; fi
head -1 "$tmp/noinv/trajectory.csv" | grep -q 'phase\|homog_ratio' && ko "--no-invariants: audit columns" || ok
head -1 "$tmp/without-empirical/trajectory.csv" | grep -q ',phase,dist2_opt,homog_ratio,imbal_ratio' \
  && ok || ko "the invariant audit's columns missing without --no-invariants"
grep -q '"invariants"' "$tmp/noinv/summary.json" && ko "--no-invariants: invariants member" || ok
grep -q '"invariants"' "$tmp/without-empirical/summary.json" && ok || ko "invariants member missing"
# ... and resumes: killed at step 30, resumed, byte-identical to the uninterrupted run
set +e
SHADOWGD_TEST_KILL_AT_STEP=30 "$bin" run $ARGS --no-invariants --checkpoint-every 10 \
  --out "$tmp/noinv-k" >/dev/null 2>&1
set -e
"$bin" resume "$tmp/noinv-k" --quiet
"$bin" run $ARGS --no-invariants --out "$tmp/noinv-u"
cmp -s "$tmp/noinv-k/trajectory.csv" "$tmp/noinv-u/trajectory.csv" && ok \
  || ko "--no-invariants: the resumed run differs"
# --audit-every 7: rows 0, 7, 14, ... audited, the others empty
"$bin" run $ARGS --audit-every 7 --no-shadow-trajectory --out "$tmp/every7"
grep -q '"steps_audited": 9,' "$tmp/every7/summary.json" && ok || ko "--audit-every 7: steps_audited"
awk -F, 'NR == 1 { for (q = 1; q <= NF; q++) col[$q] = q; next }
          { a = ($col["max_err_ratio"] != ""); if (a != ((NR - 2) % 7 == 0)) bad = 1 }
          END { exit bad }' \
  "$tmp/every7/trajectory.csv" && ok || ko "--audit-every 7: wrong rows audited"
echo "shadow-cli: $passed passed, $fail failed"
[ $fail -eq 0 ]
