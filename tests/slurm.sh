#!/bin/bash
# slurm.sh -- the Slurm engine of `shadowgd sweep` tested for real (issue 13):
# start a throw-away single-node Slurm on localhost (munged, slurmctld,
# slurmd from Debian's slurm-wlm and munge, as root, no systemd needed),
# submit the sbatch script that `shadowgd sweep --emit slurm` wrote as a job
# array, poll squeue until it left the queue, gather, and compare results.csv
# and summary.csv byte for byte with the local runner's; then shut Slurm down.
# The daemons are children of this script and are always stopped (EXIT trap);
# every wait is bounded (TIMEOUT seconds).  Follows the pitfalls listed in
# /work/shared/recipes/README.md (no systemd: /run/munge by hand; no cgroups:
# proctrack/linuxproc, task/none; node topology from slurmd -C; poll squeue
# instead of sbatch --wait; zombies: look at /proc/PID/stat).
# usage: bash tests/slurm.sh bin/shadowgd
set -euo pipefail
P=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TIMEOUT=${TIMEOUT:-90}
W=$(mktemp -d /tmp/shadowgd-slurm.XXXXXX)
CONF=$W/etc/slurm.conf                  # our own config file, not /etc/slurm
SPOOL=$W/spool LOGD=$W/log
export SLURM_CONF=$CONF
for v in $(compgen -e | grep -E '^(SLURM|SBATCH|SQUEUE|SINFO|SCONTROL)_' || true); do
    [ "$v" = SLURM_CONF ] || unset "$v"
done
t0=$(date +%s%3N)
say()  { local n; n=$(date +%s%3N); printf 'slurm [%5.1fs] %s\n' "$(((n - t0) / 100))e-1" "$*"; }
die()  { echo "FAIL slurm: $*" >&2; exit 1; }
alive() { [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && ! grep -q '^[^)]*) Z' "/proc/$1/stat"; }

MUNGED_PID= CTLD_PID= SLURMD_PID=
cleanup() {
    local rc=$?
    set +e
    if alive "$CTLD_PID" || alive "$SLURMD_PID"; then
        timeout 15 scontrol shutdown >/dev/null 2>&1
        for _ in $(seq 50); do alive "$CTLD_PID" || alive "$SLURMD_PID" || break; sleep 0.2; done
    fi
    for p in $CTLD_PID $SLURMD_PID $MUNGED_PID; do
        alive "$p" && kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    if [ $rc != 0 ]; then
        for f in slurmctld.log slurmd.log munged.log; do
            echo "---- $f (tail)"; tail -n 15 "$LOGD/$f" "$W/munge/log/$f" 2>/dev/null; done
    fi
    rm -rf "$W"
    [ $rc = 0 ] && say "daemons stopped, cleaned up" || echo "slurm: FAILED (rc=$rc)"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "must run as root (a throw-away slurmctld/slurmd/munged)"
for b in munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol setpriv; do
    command -v $b >/dev/null || die "$b not found (make deps-check installs slurm-wlm, munge)"
done
# another Slurm on this machine would answer our client commands: refuse
pgrep -x slurmctld >/dev/null && die "a slurmctld is already running on this machine"
mkdir -p "$W/etc" "$SPOOL/ctld" "$SPOOL/d" "$LOGD" "$W/sweep"

# ---- munge: our own key and socket, so a system munged is left alone ----
MKEY=$W/munge/munge.key MSOCK=$W/munge/run/munge.socket
install -d -o munge -g munge -m 0711 "$W/munge"      # munged checks the socket path is traversable
install -d -o munge -g munge -m 0700 "$W/munge/lib" "$W/munge/log"
install -d -o munge -g munge -m 0755 "$W/munge/run"
mungekey --create --keyfile="$MKEY" && chown munge:munge "$MKEY" && chmod 400 "$MKEY"
chmod 755 "$W"    # munged (user munge) must traverse $W
setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F --key-file="$MKEY" \
    --socket="$MSOCK" --pid-file="$W/munge/run/munged.pid" --seed-file="$W/munge/lib/seed" \
    --log-file="$W/munge/log/munged.log" >"$LOGD/munged.out" 2>&1 &
MUNGED_PID=$!
for _ in $(seq 50); do munge -S "$MSOCK" -n 2>/dev/null | unmunge -S "$MSOCK" >/dev/null 2>&1 && break; sleep 0.1; done
munge -S "$MSOCK" -n | unmunge -S "$MSOCK" >/dev/null || die "munged did not come up"
say "munged up (pid $MUNGED_PID, socket $MSOCK)"

# ---- slurm.conf ----
NODE=$(hostname -s)
HWL=$(slurmd -C | head -1)
HW=$(sed -e 's/^NodeName=[^ ]* //' -e 's/ RealMemory=.*//' <<<"$HWL")
MEM=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$HWL"); MEM=$((MEM * 9 / 10))
CTLD_PORT=$((20000 + RANDOM % 20000)); SLURMD_PORT=$((CTLD_PORT + 1))
cat > "$CONF" <<CONFEOF
ClusterName=shadowgdci
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$MSOCK
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$SPOOL/ctld
SlurmdSpoolDir=$SPOOL/d
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$LOGD/slurmctld.log
SlurmdLogFile=$LOGD/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 $HW RealMemory=$MEM State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONFEOF

slurmctld -D -i -f "$CONF" >"$LOGD/slurmctld.stderr" 2>&1 & CTLD_PID=$!
slurmd -D -f "$CONF" >"$LOGD/slurmd.stderr" 2>&1 & SLURMD_PID=$!
state=; end=$(($(date +%s) + TIMEOUT))
while [ "$(date +%s)" -lt $end ]; do
    alive $CTLD_PID || die "slurmctld exited: $(tail -3 "$LOGD/slurmctld.stderr")"
    alive $SLURMD_PID || die "slurmd exited: $(tail -3 "$LOGD/slurmd.stderr")"
    state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || die "node $NODE not idle after ${TIMEOUT}s (state '$state')"
say "slurmctld (pid $CTLD_PID) and slurmd (pid $SLURMD_PID) up, node $NODE idle"

# ---- the sweep: 12 trials, 5 per array task (3 tasks, the last one short), throttle %2 ----
cat > "$W/s.spec" <<'SPEC'
fixed --loss empirical --d 10 --k 2 --sigma 1e-4 --mu 0.1 --steps 800 --audit-every 0 --no-shadow-trajectory
grid --init theory xavier
grid --n 20 200
seeds 3
SPEC
"$P" sweep "$W/s.spec" --out "$W/sweep/local" --jobs 2 --no-plots --quiet
"$P" sweep "$W/s.spec" --out "$W/sweep/slurm" --emit slurm --per-task 5 --throttle 2 \
     --partition ci --time 5 --job-name sgci > "$W/emit.out"
S=$W/sweep/slurm/sweep.sbatch
grep -q '^#SBATCH --array=0-2%2$' "$S" || die "array line: $(grep -- --array "$S")"
grep -q "^#SBATCH --partition='ci'$" "$S" || die "partition line missing"
[ ! -e "$W/sweep/slurm/results.csv" ] || die "--emit slurm ran or gathered trials"
[ -z "$(ls "$W/sweep/slurm/trials")" ] || die "--emit slurm ran trials"
JOB=$(sbatch --parsable "$S") || die "sbatch failed"
JOB=${JOB%%;*}
say "submitted array job $JOB ($(grep -c . "$W/sweep/slurm/trials.csv") lines in trials.csv)"
end=$(($(date +%s) + TIMEOUT))
while :; do
    if q=$(squeue -h -j "$JOB" -o %i 2>/dev/null) && [ -z "$q" ]; then break; fi
    [ "$(date +%s)" -lt $end ] || die "job $JOB still queued after ${TIMEOUT}s: $(squeue -j "$JOB")"
    sleep 0.5
done
states=$(squeue -h -j "$JOB" -t all -o '%K %T' | sort -n)
[ "$(grep -c ' COMPLETED$' <<<"$states")" = 3 ] || die "expected 3 COMPLETED tasks: $states"
say "array job $JOB done: $(tr '\n' ' ' <<<"$states")"
n=$(cat "$W"/sweep/slurm/slurm/*.out | grep -c '^trial [0-9]*: ok')
[ "$n" = 12 ] || die "task logs report $n trials ok, expected 12: $(cat "$W"/sweep/slurm/slurm/*.out)"
"$P" gather "$W/sweep/slurm" --no-plots --quiet
cmp "$W/sweep/local/results.csv" "$W/sweep/slurm/results.csv" || die "results.csv differ"
cmp "$W/sweep/local/summary.csv" "$W/sweep/slurm/summary.csv" || die "summary.csv differ"
say "results.csv and summary.csv of the Slurm array equal the local runner's byte for byte"

# resubmitting the same script recomputes nothing
m=$(stat -c %Y.%y "$W"/sweep/slurm/trials/*/trial.json | md5sum)
JOB2=$(sbatch --parsable "$S"); JOB2=${JOB2%%;*}
end=$(($(date +%s) + TIMEOUT))
while :; do
    if q=$(squeue -h -j "$JOB2" -o %i 2>/dev/null) && [ -z "$q" ]; then break; fi
    [ "$(date +%s)" -lt $end ] || die "job $JOB2 still queued after ${TIMEOUT}s"
    sleep 0.5
done
[ "$m" = "$(stat -c %Y.%y "$W"/sweep/slurm/trials/*/trial.json | md5sum)" ] || die "resubmission reran trials"
grep -q '^trial ' "$W"/sweep/slurm/slurm/${JOB2}_*.out && die "resubmission ran trials"
say "resubmitted array $JOB2: no trial rerun"
echo "slurm: all checks passed"
