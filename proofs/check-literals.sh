#!/bin/sh
# check-literals.sh FILE... -- reject real literals with an integer mantissa
# and an unsigned exponent (1e3, 5E2, 2e10) inside ACSL annotations.
# Frama-C 25's WP mistranslates them (1e3 becomes 1.3: a soundness bug, see
# /work/shared/toolchain.md); write 1.0e3, 1000.0 or 1e+3 instead.
# Exit 1 and one line per offence if any is found.
status=0
for f in "$@"; do
  awk -v file="$f" '
    # keep only annotation text: /*@ ... */ blocks and //@ lines
    {
      line = $0; out = ""
      while (length(line) > 0) {
        if (inann) {
          e = index(line, "*/")
          if (e == 0) { out = out line; line = "" }
          else { out = out substr(line, 1, e - 1); line = substr(line, e + 2); inann = 0 }
        } else {
          b = index(line, "/*@"); c = index(line, "//@")
          if (c > 0 && (b == 0 || c < b)) { out = out substr(line, c + 3); line = "" }
          else if (b > 0) { line = substr(line, b + 3); inann = 1 }
          else line = ""
        }
      }
      # an integer mantissa (no dot, not part of a name or hex literal)
      # followed by e/E and an unsigned exponent
      s = " " out
      while (match(s, /[^0-9A-Za-z_.][0-9]+[eE][0-9]+/)) {
        lit = substr(s, RSTART + 1, RLENGTH - 1)
        printf "%s:%d: literal %s in an annotation (WP 25 reads it wrongly; write e.g. 1.0e3 or 1e+3)\n", file, NR, lit
        bad = 1
        s = substr(s, RSTART + RLENGTH)
      }
    }
    END { exit bad }
  ' "$f" || status=1
done
exit $status
