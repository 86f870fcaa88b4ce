#!/usr/bin/env python3
"""Consistency of a finished run's outputs (issue 6, items 2 and 3).

check_outputs.py DIR STATUS [STEP REASON COMPONENT]

- summary.json parses; "status" is STATUS; for "diverged", diverged.step,
  .reason and .component are STEP, REASON, COMPONENT;
- trajectory.csv parses: one header, rows 0..steps_done in order, every
  field a finite number (theta_fnv: 16 hex digits; the observers' columns
  in OPTIONAL may also be empty: no value at that row), as many fields as
  header columns;
- the last row and summary "final" are the same state, bit for bit (both
  print %.17g); a run that failed at step 0 has no rows and "final": null;
- no temporary (*.tmp) is left in DIR.
Exit 0 if all hold; otherwise prints the first failure (also for an
unexpected exception, e.g. a field that does not parse) and exits 1.
"""
import json
import math
import os
import sys


# columns of the invariant audit and the MPFR shadow that are empty where
# they have no value (imbal_ratio in row 0, the shadow's at unaudited rows)
OPTIONAL = {"phase", "dist2_opt", "homog_ratio", "imbal_ratio", "max_err_ratio",
            "bound_violations", "ambiguous", "flips", "divergence", "loss_mpfr"}


def fail(msg):
    print("check_outputs: %s: %s" % (sys.argv[1], msg))
    sys.exit(1)


def main():
    d, status = sys.argv[1], sys.argv[2]
    with open(os.path.join(d, "summary.json")) as f:
        s = json.load(f)
    if s.get("status") != status:
        fail("status %r, expected %r" % (s.get("status"), status))
    if status == "diverged":
        dv = s["diverged"]
        want = (int(sys.argv[3]), sys.argv[4], sys.argv[5])
        got = (dv["step"], dv["reason"], dv["component"])
        if got != want:
            fail("diverged %r, expected %r" % (got, want))
    with open(os.path.join(d, "trajectory.csv")) as f:
        lines = f.read().split("\n")
    if lines[-1] != "":
        fail("trajectory.csv does not end with a newline")
    lines = lines[:-1]
    head = lines[0].split(",")
    rows = [l.split(",") for l in lines[1:]]
    for t, r in enumerate(rows):
        if len(r) != len(head):
            fail("row %d has %d fields, header %d" % (t, len(r), len(head)))
        if int(r[0]) != t:
            fail("row %d is numbered %s" % (t, r[0]))
        for name, x in zip(head[1:], r[1:]):
            if name == "theta_fnv":
                int(x, 16)
                if len(x) != 16:
                    fail("bad theta_fnv %r" % x)
            elif x == "" and name in OPTIONAL:
                continue
            elif not math.isfinite(float(x)):
                fail("row %d: %s = %s is not finite" % (t, name, x))
    final = s["final"]
    if final is None:
        if rows or s["steps_done"] != 0:
            fail("final is null but there are %d rows" % len(rows))
    else:
        if len(rows) != s["steps_done"] + 1:
            fail("%d rows for steps_done %d" % (len(rows), s["steps_done"]))
        last = dict(zip(head, rows[-1]))
        if float(last["loss"]) != final["loss"]:
            fail("last row loss %s != final loss %r" % (last["loss"], final["loss"]))
        for j in range(len(final["v"])):
            for col, key in (("v", "v"), ("wnorm", "wnorm"), ("angle", "angle_deg")):
                a = float(last["%s_%d" % (col, j + 1)])
                if a != final[key][j]:
                    fail("last row %s_%d = %r != final %r" % (col, j + 1, a, final[key][j]))
    for root, _, files in os.walk(d):
        for f in files:
            if f.endswith(".tmp"):
                fail("temporary %s left behind" % os.path.join(root, f))


try:
    main()
except SystemExit:
    raise
except Exception as e:  # a crash is a failure with a message, not a pass
    fail("%s: %s" % (type(e).__name__, e))
