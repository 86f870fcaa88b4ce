#!/bin/sh
# strip-acsl.sh IN OUT -- copy a C file without its ACSL annotations
# (/*@ ... */ blocks, //@ lines, and so the ghost code inside them).
# Eva then analyses exactly the code the compiler sees; line numbers are kept.
awk '
{
  line = $0; out = ""
  while (length(line) > 0) {
    if (inann) {
      e = index(line, "*/")
      if (e == 0) line = ""
      else { line = substr(line, e + 2); inann = 0 }
    } else {
      b = index(line, "/*@"); c = index(line, "//@")
      if (c > 0 && (b == 0 || c < b)) { out = out substr(line, 1, c - 1); line = "" }
      else if (b > 0) { out = out substr(line, 1, b - 1); line = substr(line, b + 3); inann = 1 }
      else { out = out line; line = "" }
    }
  }
  if (out ~ /^#include "specs\//) out = ""
  print out
}' "$1" > "$2"
