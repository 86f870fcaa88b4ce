#!/bin/sh
# audit_smoke.sh -- the main job as a user runs it: `shadowgd run` with the
# defaults prints the verdict table with every invariant ID and the phase
# line, writes summary.json with every ID, the figures' scripts (and PNGs
# when gnuplot is installed); the new flags fail in one line with exit 2.
# Usage: tests/audit_smoke.sh BIN
set -u
bin=${1:-bin/shadowgd}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }

"$bin" run --out "$tmp/main" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 0 ] && ok "default run exits 0" || bad "default run exited $rc"
f0=$fail
for id in SIGN ALIGN IMBAL HOMOG DESCENT PHASES GROWTH-END RATE BOUND FLIPS DIVERGE; do
  grep -q "^$id  *\(held\|violated\|not-applicable\) " "$tmp/stdout" || bad "table lacks $id"
  grep -q "\"$id\": {" "$tmp/main/summary.json" || bad "summary.json lacks $id"
done
[ $fail -eq $f0 ] && ok "table and summary.json carry every ID"
grep -q '^phases (double): T1 observed [0-9]*, theory <= 4040; T2 observed [0-9]*, theory <= 2948' \
  "$tmp/stdout" && ok "phase line: observed next to theory" || bad "phase line missing"
# the table is the end of stdout: its last lines are the table and phase notes
tail -n 4 "$tmp/stdout" | grep -q "phase-3 rate" && ok "stdout ends with the verdict table" \
  || bad "stdout does not end with the table"
for f in fig3.gp audit.gp trajectory.csv; do
  [ -s "$tmp/main/$f" ] || bad "missing $f"
done
if command -v gnuplot >/dev/null; then
  for f in fig3.png audit.png; do
    [ -s "$tmp/main/$f" ] && ok "$f written" || bad "missing $f"
  done
else
  grep -q "gnuplot not found" "$tmp/stdout" && ok "no gnuplot: one-line message" \
    || bad "no gnuplot message"
fi
# no progress line when stderr is not a terminal
[ -s "$tmp/stderr" ] && bad "stderr not empty: $(head -c 200 "$tmp/stderr")" || ok "stderr silent"
# --no-plots: scripts but no PNG
"$bin" run --steps 50 --no-plots --out "$tmp/np" >"$tmp/np.out" 2>&1
[ -s "$tmp/np/fig3.gp" ] && [ ! -e "$tmp/np/fig3.png" ] && ok "--no-plots" || bad "--no-plots"
# strict flags
f0=$fail
for args in "--align-deg 0" "--align-deg x" "--growth-v -1" "--growth-b nan" "--rate-floor 2" \
            "--rate-min-window 1" "--line-deg 91" "--lemma3-c 0"; do
  "$bin" run $args --out "$tmp/e" >"$tmp/e.out" 2>"$tmp/e.err"
  rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/e.err")" -eq 1 ] && grep -q "^shadowgd: invalid value" "$tmp/e.err"; then
    :
  else
    bad "'$args' gave exit $rc: $(cat "$tmp/e.err")"
  fi
done
[ $fail -eq $f0 ] && ok "threshold flags are strict"
echo "audit-smoke: $pass passed, $fail failed"
[ $fail -eq 0 ]
