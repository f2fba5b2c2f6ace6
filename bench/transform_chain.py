"""Trace + transform + simplify time for chains of n elementwise ops (issue "Transforms I", item 8).

For n in 1k, 10k, 100k chained `sin` ops on a float32[8]: the time to trace the function into IR
(make_ir), and to trace + differentiate + simplify it (make_ir of grad, and of vmap). The times must grow
linearly with n. Run: python3 bench/transform_chain.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

import ember as em
import ember.numpy as enp


def chain(n):
    def f(x):
        for _ in range(n):
            x = enp.sin(x)
        return enp.sum(x)
    return f


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    x = np.ones(8, np.float32)
    xs = np.ones((4, 8), np.float32)
    rows = []
    for n in (1_000, 10_000, 100_000):
        f = chain(n)
        repeats = 5 if n < 100_000 else 2
        trace = timed(lambda: em.make_ir(f)(x), repeats)
        grad = timed(lambda: em.make_ir(em.grad(f))(x), repeats)
        vmap = timed(lambda: em.make_ir(em.vmap(f))(xs), repeats)
        rows.append((n, trace, grad, vmap))
    print("| ops | trace (s) | trace + grad + simplify (s) | trace + vmap + simplify (s) | grad s per 1k ops |")
    print("|---:|---:|---:|---:|---:|")
    for n, trace, grad, vmap in rows:
        print(f"| {n:,} | {trace:.4f} | {grad:.4f} | {vmap:.4f} | {grad / n * 1000:.4f} |")


if __name__ == "__main__":
    main()
