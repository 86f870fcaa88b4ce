#!/bin/sh
# Checkpoint and resume (issue 6, item 4).
#  1. A run killed (SIGKILL, no clean-up) mid-way and resumed -- twice --
#     produces trajectory.csv, data/*.csv and summary.json (its wall-clock
#     "timing" block aside) byte for byte equal to an uninterrupted run's,
#     and the same stdout (verdict table included; the wall-clock line and
#     the directory names aside), with every stateful observer registered:
#     --digest, the MPFR shadow (local audit and trajectory, default
#     options, small sizes) and the invariant audit of both trajectories;
#     for both losses, k = 3 (group level) and k = 2 (the theorem's setting,
#     killed before T1 and inside the RATE window).
#  2. The same with a kill from outside (kill -9 at an arbitrary moment)
#     and with SIGTERM, again with the MPFR shadow and the audit on.
#  3. Truncated, corrupted and mismatched checkpoints (and trajectories)
#     are rejected: exit 2, one stderr line saying why, the directory
#     untouched.
# Usage: resume.sh [BIN]
set -u
BIN=${1:-bin/shadowgd}
PY=${PYTHON:-python3}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# outputs of two directories equal; summary.json without its wall-clock
# members (the "timing" block and any other "*_seconds" member, e.g. the
# MPFR shadow's audit_seconds), which no two runs share, and the
# provenance block "source", whose command line names the output directory
same_outputs() { # ref dir label
  notime() { sed '/"timing": {/,/}/d; /"source": {/,/}/d; /"[a-z_]*seconds[a-z_]*": /d' "$1"; }
  for f in trajectory.csv $(cd "$1" && ls data 2>/dev/null | sed 's|^|data/|'); do
    cmp -s "$1/$f" "$2/$f" || { bad "$3: $f differs from the uninterrupted run"; return 1; }
  done
  [ -f "$2/summary.json" ] && notime "$1/summary.json" > "$tmp/s1" &&
    notime "$2/summary.json" > "$tmp/s2" && cmp -s "$tmp/s1" "$tmp/s2" ||
    { bad "$3: summary.json differs"; return 1; }
  [ ! -e "$2/trajectory.csv.tmp" ] || { bad "$3: temporary left behind"; return 1; }
  ok
}

# stdout of two runs equal but for the wall-clock line and the directories
same_stdout() { # ref-stdout ref-dir stdout dir label
  sed -e '/^steps [0-9]* .*s\/step)$/d' -e "s|$2|DIR|g" "$1" > "$tmp/o1"
  sed -e '/^steps [0-9]* .*s\/step)$/d' -e "s|$4|DIR|g" "$3" > "$tmp/o2"
  if ! grep -q '^invariant  *double  *mpfr' "$tmp/o1"; then
    bad "$5: no verdict table on stdout"
  elif ! grep -q '^DIVERGE  *held  *not-applicable' "$tmp/o1"; then
    bad "$5: the MPFR column is not filled (shadow trajectory off?)"
  elif ! cmp -s "$tmp/o1" "$tmp/o2"; then
    bad "$5: stdout differs from the uninterrupted run's"; diff "$tmp/o1" "$tmp/o2" | head -20
  else ok; fi
}

# exit status of BIN ARGS... with SIGKILL sent by itself after step STEP
# (checkpoint.h test hook); the subshell keeps the shell's "Killed" quiet
killed_at() { # STEP ARGS...
  s=$1; shift
  { SHADOWGD_TEST_KILL_AT_STEP=$s "$BIN" "$@" >/dev/null 2>&1; echo $?; } 2>/dev/null
}

# ---- 1: deterministic kills through the test hook ----
# (the loss-k pairs; k = 2 with 2000 steps: T1 ~ 186, RATE window to ~1600)
for case in empirical-3 population-3 empirical-2; do
  loss=${case%-*}; k=${case#*-}
  A="--loss $loss --d 20 --k 3 --n 300 --steps 400 --sigma 1e-2"; k1=130; k2=270
  [ $k = 2 ] && { A="--d 10 --k 2 --n 100 --steps 2000 --sigma 1e-2"; k1=130; k2=420; }
  A="$A --digest --dump --checkpoint-every 50"
  [ $case = empirical-2 ] && loss=pair
  "$BIN" run $A --out "$tmp/ref-$loss" > "$tmp/ref-$loss.out" || bad "$loss: reference run failed"
  rc=$(killed_at $k1 run $A --out "$tmp/k-$loss")
  [ $rc -eq 137 ] || bad "$loss: killed run exited $rc, expected 137 (SIGKILL)"
  # a killed run leaves nothing that looks complete
  if [ -e "$tmp/k-$loss/trajectory.csv" ] || [ -e "$tmp/k-$loss/summary.json" ]; then
    bad "$loss: killed run left a final-looking output"
  else ok; fi
  rc=$(killed_at $k2 resume "$tmp/k-$loss" --quiet)
  [ $rc -eq 137 ] || bad "$loss: killed resume exited $rc, expected 137"
  "$BIN" resume "$tmp/k-$loss" > "$tmp/k-$loss.out" || bad "$loss: resume failed"
  same_outputs "$tmp/ref-$loss" "$tmp/k-$loss" "$loss, killed at $k1 and $k2"
  same_stdout "$tmp/ref-$loss.out" "$tmp/ref-$loss" "$tmp/k-$loss.out" "$tmp/k-$loss" \
    "$loss, killed at $k1 and $k2"
  # resuming a finished run is refused
  "$BIN" resume "$tmp/k-$loss" 2>"$tmp/err"; rc=$?
  [ $rc -eq 2 ] && grep -q "finished" "$tmp/err" && ok || bad "$loss: resume of a finished run: exit $rc"
done

# a run killed between the rename of trajectory.csv and summary.json: the
# complete-looking trajectory.csv goes back to its temporary name and is
# cut to the checkpoint; the outputs are again the uninterrupted run's
A="--d 20 --k 3 --n 300 --steps 400 --sigma 1e-2 --digest --dump --checkpoint-every 50 --quiet"
"$BIN" run $A --out "$tmp/late" && rm "$tmp/late/summary.json" &&
  "$BIN" resume "$tmp/late" --quiet || bad "late kill: resume failed"
same_outputs "$tmp/ref-empirical" "$tmp/late" "killed before summary.json"

# ---- 2: kill -9 from outside at whatever step the run has reached ----
# (every default observer, MPFR shadow included, at a small size: ~0.4 ms a
# step, so the first checkpoint comes after ~0.2 s and the kill lands in
# phase 3, around the RATE window, with thousands of steps still to go)
B="--d 10 --k 2 --n 100 --steps 8000 --sigma 1e-3 --digest --checkpoint-every 500"
"$BIN" run $B --out "$tmp/ref-ext" > "$tmp/ref-ext.out" || bad "external: reference run failed"
B="$B --quiet"
"$BIN" run $B --out "$tmp/ext" & pid=$!
i=0
while [ ! -e "$tmp/ext/checkpoint.bin" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
sleep 0.1
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null; rc=$?
if [ $rc -ne 137 ]; then
  bad "external: the run was not killed mid-way (exit $rc); make it longer"
else
  step=$(tail -n 1 "$tmp/ext/trajectory.csv.tmp" | cut -d, -f1)
  echo "external kill: trajectory.csv.tmp reached step ~$step of 8000"
  "$BIN" resume "$tmp/ext" > "$tmp/ext.out" || bad "external: resume failed"
  same_outputs "$tmp/ref-ext" "$tmp/ext" "external kill -9"
  same_stdout "$tmp/ref-ext.out" "$tmp/ref-ext" "$tmp/ext.out" "$tmp/ext" "external kill -9"
fi

# SIGTERM (and SIGINT) stop the run after the current step with a
# checkpoint of that step: exit 128+15, one line, nothing final-named
"$BIN" run $B --out "$tmp/term" 2>"$tmp/err" & pid=$!
i=0
while [ ! -e "$tmp/term/trajectory.csv.tmp" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
sleep 0.2
kill -TERM $pid 2>/dev/null
wait $pid; rc=$?
if [ $rc -ne 143 ] || [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -q "interrupted by signal 15" "$tmp/err" ||
   [ -e "$tmp/term/trajectory.csv" ] || [ -e "$tmp/term/summary.json" ]; then
  bad "SIGTERM: exit $rc, $(cat "$tmp/err")"
else
  "$BIN" resume "$tmp/term" > "$tmp/term.out" || bad "SIGTERM: resume failed"
  same_outputs "$tmp/ref-ext" "$tmp/term" "SIGTERM"
  same_stdout "$tmp/ref-ext.out" "$tmp/ref-ext" "$tmp/term.out" "$tmp/term" "SIGTERM"
fi

# ---- 3: rejected checkpoints ----
C="--d 6 --k 2 --n 40 --steps 60 --sigma 1e-2 --digest --checkpoint-every 20 --quiet"
mk() { # name [extra run args]: a run killed at step 30 (checkpoint at 20)
  d="$tmp/rej-$1"; shift
  killed_at 30 run $C "$@" --out "$d" >/dev/null
}
snap() { (cd "$1" && ls -l --time-style=+ . && cat checkpoint.bin trajectory.csv.tmp 2>/dev/null | cksum); }
reject() { # name expected-substring
  d="$tmp/rej-$1"
  before=$(snap "$d")
  "$BIN" resume "$d" --quiet >"$tmp/out" 2>"$tmp/err"; rc=$?
  lines=$(wc -l < "$tmp/err")
  if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q -- "$2" "$tmp/err"; then
    bad "reject $1: exit $rc, $lines lines: $(cat "$tmp/err")"
  elif [ "$before" != "$(snap "$d")" ]; then
    bad "reject $1: the directory was modified"
  else
    ok
  fi
  [ -n "${TABLE:-}" ] && printf '| %s | %s | `%s` |\n' "$1" "$rc" \
    "$(sed "s|$tmp|T|g" "$tmp/err" | head -n 1)" >> "$TABLE"
}
ck() { echo "$tmp/rej-$1/checkpoint.bin"; }
size() { wc -c < "$1"; }

mk truncated;   head -c 100 "$(ck truncated)" > "$tmp/t" && mv "$tmp/t" "$(ck truncated)"
reject truncated "truncated"
mk short1;      head -c $(( $(size "$(ck short1)") - 1 )) "$(ck short1)" > "$tmp/t" && mv "$tmp/t" "$(ck short1)"
reject short1 "truncated"
mk empty;       : > "$(ck empty)"
reject empty "bad magic"
mk flipped;     $PY "$here/ckpt_patch.py" "$(ck flipped)" flip 300
reject flipped "checksum"
mk flipsum;     $PY "$here/ckpt_patch.py" "$(ck flipsum)" flip $(( $(size "$(ck flipsum)") - 3 ))
reject flipsum "checksum"
mk version;     $PY "$here/ckpt_patch.py" "$(ck version)" u32 8 1
reject version "format version 1"
mk badmodel;    $PY "$here/ckpt_patch.py" "$(ck badmodel)" field model 2021161080
reject badmodel "the checkpoint is of model xxxx"
mk badhash;     $PY "$here/ckpt_patch.py" "$(ck badhash)" field model_hash 7
reject badhash "disagree"
mk badflag;     $PY "$here/ckpt_patch.py" "$(ck badflag)" field dump 7
reject badflag "bad flag"
mk digestflag;   $PY "$here/ckpt_patch.py" "$(ck digestflag)" field digest 0
reject digestflag "disagree"
mk otherrun;    mk other --seed 2; cp "$(ck other)" "$(ck otherrun)"
reject otherrun "does not begin"
mk othersize;   mk other2 --n 41; cp "$(ck other2)" "$(ck othersize)"
reject othersize "does not begin"
mk trajedit;    printf 'X' | dd of="$tmp/rej-trajedit/trajectory.csv.tmp" bs=1 seek=200 conv=notrunc 2>/dev/null
reject trajedit "does not begin"
mk trajshort;   head -c 500 "$tmp/rej-trajshort/trajectory.csv.tmp" > "$tmp/t" && mv "$tmp/t" "$tmp/rej-trajshort/trajectory.csv.tmp"
reject trajshort "does not begin"
mk trajgone;    rm "$tmp/rej-trajgone/trajectory.csv.tmp"
reject trajgone "neither"
printf '0 1 0 0 0 0\n' > "$tmp/a6.txt"
mk target --target "$tmp/a6.txt"; printf '0 0 1 0 0 0\n' > "$tmp/a6.txt"
reject target "target file changed"
mk nockpt;      rm "$(ck nockpt)"
reject nockpt "cannot open"
# the rejected directories still resume once repaired where possible: the
# untouched control resumes and matches an uninterrupted run
mk control
"$BIN" run $C --out "$tmp/ref-control"
"$BIN" resume "$tmp/rej-control" --quiet && same_outputs "$tmp/ref-control" "$tmp/rej-control" control

echo "resume: $pass passed, $fail failed"
[ $fail -eq 0 ]
