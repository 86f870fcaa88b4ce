#!/usr/bin/env python3
"""numpy_run.py -- the numpy counterpart of the 600-step default run without
the shadow (`shadowgd run --audit-every 0 --no-shadow-trajectory --no-plots
--quiet`): d = 100, k = 2, n = 2000, sigma = 1e-4, mu = 0.1, 600 steps of
full-batch GD on the empirical loss, the loss of every step kept and written
to a CSV at the end (shadowgd writes trajectory.csv).  Used by `make bench`
(tests/bench/bench_step.c) as child CPU time, start-up included."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_step import step  # noqa: E402


def main():
    d, k, n, sigma, mu, steps = 100, 2, 2000, 1e-4, 0.1, 600
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d))
    a = np.zeros(d)
    a[0] = 1.0
    y = X @ a
    W = sigma * rng.standard_normal((k, d))
    v = sigma * rng.standard_normal(k)
    losses = np.empty(steps + 1)
    for t in range(steps):
        W, v, losses[t] = step(X, y, W, v, mu)
    losses[steps] = step(X, y, W, v, 0.0)[2]
    out = os.path.join("build", "bench", "numpy_run.csv")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    np.savetxt(out, losses, fmt="%.17g")


if __name__ == "__main__":
    main()
