#!/usr/bin/env python3
"""CPU time of whole 600-step runs, interleaved (docs/benchmark.md, the
audit's tolerance pass).  Each LABEL=BINARY[,EXTRA,ARGS] is run REPS times,
round-robin, as

    BINARY run --audit-every 0 --no-shadow-trajectory --no-plots --quiet
           --force --out DIR EXTRA ARGS

with OPENBLAS_NUM_THREADS=1; the time is user + system CPU of the child
(getrusage via os.wait4), so the load of other jobs on the machine inflates
it far less than wall time.  Prints median, min and max per label.

Usage: run_cpu_median.py REPS OUTBASE LABEL=BINARY[,ARG...] ...
"""
import os
import statistics
import sys

BASE = ["run", "--audit-every", "0", "--no-shadow-trajectory", "--no-plots", "--quiet",
        "--force"]


def run_once(path, out, extra, env):
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execve(path, [path] + BASE + ["--out", out] + extra, env)
    _, status, ru = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"{path} {' '.join(extra)}: exit status {status}")
    return ru.ru_utime + ru.ru_stime


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    reps, outbase = int(sys.argv[1]), sys.argv[2]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    cfgs = []
    for spec in sys.argv[3:]:
        label, rest = spec.split("=", 1)
        path, *extra = rest.split(",")
        cfgs.append((label, path, extra))
    times = {label: [] for label, _, _ in cfgs}
    for _ in range(reps):
        for label, path, extra in cfgs:
            times[label].append(run_once(path, f"{outbase}-{label}", extra, env))
    for label, _, _ in cfgs:
        t = times[label]
        print(f"{label:10s} median {statistics.median(t):.3f} s  min {min(t):.3f}  "
              f"max {max(t):.3f}  ({len(t)} runs)")


if __name__ == "__main__":
    main()
