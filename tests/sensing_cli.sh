#!/bin/sh
# Model B through the command line (issue 10): bad sizes rejected with one
# line and exit 2; a small run's verdicts (BALANCE on both trajectories,
# BOUND with 0 violations); the checkers fail when their thresholds are
# made impossible (negative controls); a killed and resumed run is byte
# for byte the uninterrupted one.
# Usage: sensing_cli.sh [BIN]
set -u
BIN=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# reject ARGS... PATTERN: exit 2, one stderr line matching PATTERN, no output dir
reject() {
  pat=$1; shift
  "$BIN" run --model sensing --out "$tmp/rej" "$@" >/dev/null 2>"$tmp/err"; rc=$?
  if [ $rc -ne 2 ] || [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/err"; then
    bad "reject $*: exit $rc, stderr: $(cat "$tmp/err")"
  elif [ -e "$tmp/rej" ]; then bad "reject $*: wrote $tmp/rej"; else ok; fi
}
reject "m\*n1\*n2\|m n1 n2\|entries" --m 300000 --n1 4096 --n2 4096
reject "rank" --rank 31
reject "k" --k 2
reject "kappa" --kappa 0.5
reject "alpha" --alpha 0
reject "unknown option '--sigma'" --sigma 1
reject "model" --model nosuch
reject "n1" --n1 0
reject "box\|region\|512\|<=" --n1 600

S="--model sensing --n1 12 --n2 10 --rank 2 --k 4 --m 100 --alpha 1e-3 --mu 0.2 --no-plots"
"$BIN" run $S --steps 120 --out "$tmp/a" > "$tmp/a.out" 2>"$tmp/a.err" || bad "small run failed: $(cat "$tmp/a.err")"
grep -q '^BALANCE  *held  *held' "$tmp/a.out" && ok || bad "BALANCE not held on both trajectories"
grep -q '^BOUND  *held .* 0 outside' "$tmp/a.out" && ok || bad "BOUND: $(grep '^BOUND' "$tmp/a.out")"
grep -q '"rel_error"' "$tmp/a/summary.json" && grep -q '"sigma_r1"' "$tmp/a/summary.json" &&
  grep -q '"imbalance"' "$tmp/a/summary.json" && ok || bad "summary.json lacks final members"
head -1 "$tmp/a/trajectory.csv" | grep -q '^step,loss,rel_error,sigma_1,sigma_2,sigma_3,imbalance' &&
  ok || bad "trajectory.csv header: $(head -1 "$tmp/a/trajectory.csv")"
# negative controls: impossible thresholds must give violations
"$BIN" run $S --steps 120 --out "$tmp/n1" --recovery-factor 1e-9 --lowrank-factor 1e-9 \
  --spectral-deg 1e-9 > "$tmp/n1.out" 2>/dev/null
for id in RECOVERY LOWRANK SPECTRAL; do
  grep -q "^$id  *violated" "$tmp/n1.out" && ok || bad "$id not violated with an impossible threshold"
done
"$BIN" run $S --steps 120 --out "$tmp/n2" --diverge-max 1e-300 > "$tmp/n2.out" 2>/dev/null
grep -q '^DIVERGE  *violated' "$tmp/n2.out" && ok || bad "DIVERGE not violated with limit 1e-300"
# resume: killed after step 70 (checkpoint every 25), resumed
"$BIN" run $S --steps 120 --checkpoint-every 25 --out "$tmp/ref" > "$tmp/ref.out"
{ SHADOWGD_TEST_KILL_AT_STEP=70 "$BIN" run $S --steps 120 --checkpoint-every 25 \
    --out "$tmp/k" >/dev/null 2>&1; } 2>/dev/null
"$BIN" resume "$tmp/k" > "$tmp/k.out" || bad "resume failed"
notime() { sed '/"timing": {/,/}/d; /"source": {/,/}/d; /"[a-z_]*seconds[a-z_]*": /d' "$1"; }
cmp -s "$tmp/ref/trajectory.csv" "$tmp/k/trajectory.csv" && ok || bad "resumed trajectory differs"
notime "$tmp/ref/summary.json" > "$tmp/s1"; notime "$tmp/k/summary.json" > "$tmp/s2"
cmp -s "$tmp/s1" "$tmp/s2" && ok || bad "resumed summary.json differs"
sed -e '/s\/step)$/d' -e "s|$tmp/ref|D|g" "$tmp/ref.out" > "$tmp/o1"
sed -e '/s\/step)$/d' -e "s|$tmp/k|D|g" "$tmp/k.out" > "$tmp/o2"
cmp -s "$tmp/o1" "$tmp/o2" && ok || bad "resumed stdout differs"
echo "sensing-cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
