#!/usr/bin/env python3
"""numpy_step.py -- the benchmark's numpy contender (tests/bench/bench_step.c).

One full-batch GD step of the empirical loss of the two-layer ReLU network
(design section 2), written the natural numpy way (matrix products through
numpy's BLAS).  --server D K N: build a problem of that size (Gaussian X,
a = e_1, y = X a, Xavier-scaled theta), print "ready", then run one step per
byte "s" read on stdin and print that step's CPU seconds (process_time)."""
import sys
import time

import numpy as np


def problem(d, k, n, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    a = np.zeros(d)
    a[0] = 1.0
    y = X @ a
    W = rng.standard_normal((k, d)) / np.sqrt(d)
    v = rng.standard_normal(k) / np.sqrt(k)
    return X, y, W, v


def step(X, y, W, v, mu):
    n = X.shape[0]
    Z = X @ W.T
    H = np.maximum(Z, 0.0)
    r = H @ v - y
    loss = r @ r / (2 * n)
    gv = H.T @ r / n
    G = (Z > 0.0) * np.outer(r, v)
    gW = G.T @ X / n
    return W - mu * gW, v - mu * gv, loss


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "--server":
        sys.exit("usage: numpy_step.py --server D K N")
    d, k, n = (int(s) for s in sys.argv[2:])
    X, y, W, v = problem(d, k, n)
    print("ready", flush=True)
    while True:
        c = sys.stdin.read(1)
        if not c:
            break
        if c != "s":
            continue
        t0 = time.process_time()
        W, v, _ = step(X, y, W, v, 1e-3)
        print("%.9f" % (time.process_time() - t0), flush=True)


if __name__ == "__main__":
    main()
