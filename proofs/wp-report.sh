#!/bin/sh
# wp-report.sh LOG FUNCS -- per-function table of a `frama-c -wp` log.
# LOG holds WP's per-goal lines ("[wp] [Prover] Goal NAME : Valid (time)" and
# "[wp] [Failed] Goal NAME"); FUNCS is the space-separated list of function
# names, used to map a goal name typed_real_<function>_<property> to its
# function (longest match).  Goals of ACSL lemmas are grouped as "(lemmas)".
# Output: markdown rows "| function | proved / total | provers | time |";
# the first two columns are deterministic, provers and times are not.
awk -v funcs="$2" '
BEGIN { nf = split(funcs, F, " ") }
function owner(goal,   g, best, i) {
  g = goal; sub(/^typed_(real_)?/, "", g)
  if (g ~ /^lemma_/) return "(lemmas)"
  best = ""
  for (i = 1; i <= nf; i++)
    if (index(g, F[i] "_") == 1 && length(F[i]) > length(best)) best = F[i]
  return best == "" ? "(other)" : best
}
function ms(t) {
  if (t ~ /ms$/) { sub(/ms$/, "", t); return t + 0 }
  if (t ~ /s$/)  { sub(/s$/, "", t);  return 1000 * t }
  return 0
}
/^\[wp\] \[[^]]+\] Goal [^ ]+ : / {
  p = $0; sub(/^\[wp\] \[/, "", p); sub(/\].*/, "", p)
  g = $0; sub(/^.*\] Goal /, "", g); st = g; sub(/ .*/, "", g)
  sub(/^[^:]*: /, "", st); sub(/ .*/, "", st)
  f = owner(g); seen[f] = 1; total[f]++
  if (st == "Valid") {
    valid[f]++
    pr = p; sub(/ .*/, "", pr)
    if (index(" " provers[f] " ", " " pr " ") == 0) provers[f] = provers[f] (provers[f] == "" ? "" : " ") pr
    if (match($0, /\(([0-9.]+m?s)\)/)) time[f] += ms(substr($0, RSTART + 1, RLENGTH - 2))
  }
  next
}
/^\[wp\] \[Failed\] Goal [^ ]+$/ {
  g = $4; f = owner(g); seen[f] = 1; total[f]++; next
}
END {
  n = 0; for (f in seen) L[++n] = f
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (L[j] < L[i]) { t = L[i]; L[i] = L[j]; L[j] = t }
  for (i = 1; i <= n; i++) {
    f = L[i]
    printf "| %s | %d / %d | %s | %.2f s |\n", f, valid[f], total[f], provers[f], time[f] / 1000
  }
}' "$1"
