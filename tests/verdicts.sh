#!/bin/sh
# verdicts.sh -- issue 12 as a user sees it (items 3-6): provenance in
# summary.json, --init-file validation, --freeze-v with the Fig. 1 runs and
# the end state they name, the population loss never negative in the
# outputs, final_state.csv.  Every check also runs on a broken input to
# show it can fail.
# Usage: tests/verdicts.sh BIN
set -u
bin=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }
quick="--loss population --d 10 --no-plots --quiet"

# ---- provenance: every verdict option, the command line, the revision
"$bin" run $quick --steps 50 --align-deg 30 --growth-v 0.5 --lemma3-c 3 --out "$tmp/prov" \
  >/dev/null 2>&1 || bad "provenance run failed"
py_get() { python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
cl=$(py_get "$tmp/prov/summary.json" "s['source']['command_line']")
case "$cl" in
  *"--align-deg 30 --growth-v 0.5 --lemma3-c 3"*) ok "command line recorded" ;;
  *) bad "command line: $cl" ;;
esac
th=$(py_get "$tmp/prov/summary.json" "(s['config']['thresholds']['align_deg'], s['config']['thresholds']['growth_v'], s['config']['thresholds']['lemma3_c'])")
[ "$th" = "(30, 0.5, 3)" ] && ok "thresholds recorded" || bad "thresholds: $th"
rev=$(py_get "$tmp/prov/summary.json" "s['source']['revision']")
want=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# the binary may be older than HEAD (built, then committed): it names a revision
# of this repository, or unknown without git
if [ "$rev" = "$want" ] || git cat-file -e "$rev^{commit}" 2>/dev/null || [ "$want" = unknown ]; then
  ok "source revision $rev recorded"
else
  bad "source revision $rev is not a commit here"
fi
tree=$(py_get "$tmp/prov/summary.json" "s['source']['tree']")
case "$tree" in clean|dirty|unknown) ok "tree state $tree" ;; *) bad "tree state $tree" ;; esac
# negative control: a summary without the option has another line
"$bin" run $quick --steps 50 --out "$tmp/prov2" >/dev/null 2>&1
cl2=$(py_get "$tmp/prov2/summary.json" "s['source']['command_line']")
case "$cl2" in *align-deg*) bad "command line invents options" ;; *) ok "control: plain run has no --align-deg" ;; esac

# ---- per-neuron alignment steps: k entries, the empirical direction first
"$bin" run --d 20 --n 400 --steps 300 --audit-every 0 --no-plots --quiet --out "$tmp/al" >/dev/null 2>&1
al=$(py_get "$tmp/al/summary.json" "(len(s['phases']['align_step_a']), all(g is not None and (a is None or g <= a) for a, g in zip(s['phases']['align_step_a'], s['phases']['align_step_g'])), s['phases']['align_step_a'], s['phases']['align_step_g'])")
case "$al" in "(2, True,"*) ok "alignment steps per neuron (a, g): $al" ;; *) bad "alignment steps: $al" ;; esac

# ---- --init-file: one line naming file, line and value; exit 2
d=3
printf '1,0.1,0,0\n-1,0,0.1,0\n' > "$tmp/good.csv"
"$bin" run $quick --d $d --steps 5 --init-file "$tmp/good.csv" --out "$tmp/good" >/dev/null 2>&1 \
  && ok "a good init file runs" || bad "good init file refused"
v0=$(py_get "$tmp/good/summary.json" "s['final']['v']")
printf '1,0.1,0,0\n-1,0,x7,0\n' > "$tmp/nan.csv"
printf '1,0.1,0,0\n' > "$tmp/short.csv"
printf '1,0.1,0\n-1,0,0.1,0\n' > "$tmp/cols.csv"
printf '1,0.1,0,0\n-1,0,1e300,0\n' > "$tmp/big.csv"
printf '1,0.1,0,0\n-1,0,0,0\n2,0,0,0\n' > "$tmp/long.csv"
for c in "nan|line 2: entry 3 'x7'" "short|1 neuron lines, expected k = 2" "cols|line 1: has 3 values" \
         "big|line 2: entry 3 '1e300'" "long|line 3: more than k = 2" "missing|cannot open"; do
  n=${c%%|*}; msg=${c#*|}
  "$bin" run $quick --d $d --steps 5 --init-file "$tmp/$n.csv" --out "$tmp/o_$n" >"$tmp/o.txt" 2>"$tmp/e.txt"
  rc=$?
  lines=$(wc -l < "$tmp/e.txt")
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "--init-file $tmp/$n.csv: .*$msg" "$tmp/e.txt"; then
    ok "init file $n: exit 2, $(cat "$tmp/e.txt")"
  else
    bad "init file $n: exit $rc, $lines lines: $(head -2 "$tmp/e.txt")"
  fi
  [ -e "$tmp/o_$n/summary.json" ] && bad "init file $n left a summary.json"
done

# ---- --freeze-v: v stays exactly, the shadow mirrors it, Fig. 1 end states
python3 - "$tmp" <<'PY'
import random, sys
random.seed(3); d = 10; t = sys.argv[1]
def row(v, base): return ",".join(repr(x) for x in [v] + [b + 1e-3 * random.gauss(0, 1) for b in base])
a = [1.0] + [0.0] * (d - 1)
open(t + "/saddle.csv", "w").write(row(1.0, [1.5 * x for x in a]) + "\n" + row(-1.0, [1.5 * x for x in a]) + "\n")
open(t + "/small.csv", "w").write(row(1.0, [0.0] * d) + "\n" + row(-1.0, [0.0] * d) + "\n")
PY
for c in "saddle|one-ray saddle" "small|global optimum"; do
  n=${c%%|*}; want=${c#*|}
  "$bin" run $quick --steps 1000 --freeze-v --init-file "$tmp/$n.csv" --out "$tmp/f_$n" \
    >"$tmp/f_$n.out" 2>&1
  rc=$?
  es=$(py_get "$tmp/f_$n/summary.json" "s['stationary_point']['end_state']")
  vv=$(py_get "$tmp/f_$n/summary.json" "s['final']['v']")
  bv=$(py_get "$tmp/f_$n/summary.json" "s['invariants']['BOUND']['verdict']")
  [ $rc -eq 0 ] && [ "$es" = "$want" ] && [ "$vv" = "[1, -1]" ] && [ "$bv" = held ] \
    && ok "Fig. 1 $n: $es, v = $vv, BOUND $bv" || bad "Fig. 1 $n: rc $rc, end $es, v $vv, BOUND $bv"
done
py_get "$tmp/f_saddle/summary.json" "s['stationary_point']['description']" |
  grep -q "non-strict saddle of Theorem 1" && ok "the saddle is named" \
  || bad "the saddle run does not name Theorem 1's saddle"
# negative control: without --freeze-v the same start trains v too
"$bin" run $quick --steps 200 --init-file "$tmp/small.csv" --out "$tmp/f_free" >/dev/null 2>&1
vv=$(py_get "$tmp/f_free/summary.json" "s['final']['v']")
[ "$vv" != "[1, -1]" ] && ok "control: without --freeze-v v moves ($vv)" || bad "v did not move"

# ---- the population loss is never negative in the outputs
neg() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "loss" || $i == "loss_mpfr") c[i] = 1; next }
                 { for (i in c) if ($i ~ /^-/) n++ } END { print n + 0 }' "$1"; }
"$bin" run $quick --steps 1500 --audit-every 0 --out "$tmp/neg" >/dev/null 2>&1
n=$(neg "$tmp/neg/trajectory.csv")
z=$(awk -F, 'NR > 1 && $2 == 0' "$tmp/neg/trajectory.csv" | wc -l)
[ "$n" -eq 0 ] && [ "$z" -gt 0 ] && ok "population loss: 0 negative values ($z rows at the floor 0)" \
  || bad "population loss: $n negative values"
sed '3s/^\([0-9]*\),[^,]*,/\1,-2.2e-16,/' "$tmp/neg/trajectory.csv" > "$tmp/broken.csv"
[ "$(neg "$tmp/broken.csv")" -eq 1 ] && ok "control: a negative loss is detected" \
  || bad "the negative-loss check cannot fail"

# ---- final_state.csv: k rows, the stated columns
fs="$tmp/f_small/final_state.csv"
head -1 "$fs" | grep -q '^neuron,v,wnorm,contribution,angle_a_deg,angle_minus_a_deg,line,dead,w_1' \
  && [ "$(wc -l < "$fs")" -eq 3 ] && ok "final_state.csv: header and k rows" || bad "final_state.csv"
gs=$(py_get "$tmp/f_small/summary.json" "s['final_structure']['positive_group_minus_a'] < 1e-6 and s['final_structure']['negative_group_minus_a'] < 1e-6")
gb=$(py_get "$tmp/f_saddle/summary.json" "s['final_structure']['negative_group_minus_a'] > 1")
[ "$gs" = True ] && [ "$gb" = True ] && ok "sign-group sums: = a at the optimum, not at the saddle" \
  || bad "sign-group sums: optimum $gs saddle $gb"

echo "verdicts: $pass passed, $fail failed"
[ $fail -eq 0 ]
