#!/bin/sh
# sweep_overhead.sh -- per-trial overhead of the local runner: a sweep of
# N trials of --steps 0 (setup, summary.json, trial record, rename; no GD
# step) with --jobs 1, against N plain `shadowgd run --steps 0` calls in a
# shell loop.  Prints wall-clock milliseconds per trial.
# usage: sh tests/sweep_overhead.sh bin/shadowgd [N]
set -eu
P=$1; N=${2:-200}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
OPTS="--loss empirical --d 20 --n 200 --k 2 --steps 0 --audit-every 0 --no-shadow-trajectory"
printf 'fixed %s\nseeds %s\n' "$OPTS" "$N" > "$T/o.spec"
ms() { date +%s%N | cut -c1-13; }
# CPU time of the finished children of this shell (user + sys), in ms
# (times runs in this shell, not in a $(...) subshell, which has no children)
cpu() { times > "$T/times"; sed -n 2p "$T/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/);
        printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }'; }
cpu > "$T/c0"; t0=$(ms); "$P" sweep "$T/o.spec" --out "$T/s1" --jobs 1 --no-gather --quiet; t1=$(ms); cpu > "$T/c1"
t2=$(ms); "$P" gather "$T/s1" --no-plots --quiet; t3=$(ms)
t4=$(ms); "$P" sweep "$T/o.spec" --out "$T/s2" --jobs 2 --no-gather --quiet; t5=$(ms)
cpu > "$T/c6"; t6=$(ms); i=0
while [ $i -lt "$N" ]; do
    # shellcheck disable=SC2086
    "$P" run $OPTS --seed $((i + 1)) --out "$T/r/$i" --quiet --no-plots; i=$((i + 1))
done; t7=$(ms); cpu > "$T/c7"
[ "$(ls "$T/s1/trials" | wc -l)" = "$N" ] || { echo "FAIL: not $N trials"; exit 1; }
awk -v n="$N" -v a=$((t1 - t0)) -v g=$((t3 - t2)) -v b=$((t5 - t4)) -v c=$((t7 - t6)) \
    -v ca=$(($(cat "$T/c1") - $(cat "$T/c0"))) -v cc=$(($(cat "$T/c7") - $(cat "$T/c6"))) 'BEGIN {
  printf "sweep overhead (%d trials of --steps 0, wall clock):\n", n
  printf "  sweep --jobs 1          %7.2f ms/trial\n", a / n
  printf "  sweep --jobs 2          %7.2f ms/trial\n", b / n
  printf "  shell loop of run       %7.2f ms/trial (same options, no sweep)\n", c / n
  printf "  gather                  %7.2f ms/trial\n", g / n
  printf "  runner minus shell loop %7.2f ms/trial (--jobs 1)\n", (a - c) / n
  printf "CPU time (user + sys of the children):\n"
  printf "  sweep --jobs 1          %7.2f ms/trial\n", ca / n
  printf "  shell loop of run       %7.2f ms/trial\n", cc / n }'
