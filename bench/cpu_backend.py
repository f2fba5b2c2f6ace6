"""The native CPU backend against the reference executor and NumPy, side by side in one run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/cpu_backend.py

Each contender runs the same workload; repeats are interleaved and the table shows the median time per call
and the ratios of medians (below 1: the cpu backend is faster). Markdown output, as pasted into
docs/benchmarks.md. A benchmark, never a test.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

import ember as em
import ember.numpy as enp
from workloads import gelu, layernorm, softmax


def calls_per_repeat(f, x, min_time=0.05):
    """How many calls take at least `min_time` seconds (after a warm-up call, which also compiles)."""
    f(x)
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            f(x)
        if time.perf_counter() - t >= min_time:
            break
        n *= 2
    return n


def main(repeats=7):
    rng = np.random.default_rng(0)
    cases = [("gelu, 1e7 float32", gelu(enp), gelu(np), rng.standard_normal(10_000_000).astype(np.float32)),
             ("softmax rows (4096, 1024) float32", em.nn.softmax, softmax(np),
              rng.standard_normal((4096, 1024)).astype(np.float32)),
             ("layernorm rows (4096, 1024) float32", layernorm(enp), layernorm(np),
              rng.standard_normal((4096, 1024)).astype(np.float32))]
    print("| workload | cpu backend | interpreter | NumPy | cpu / interpreter | cpu / NumPy |")
    print("|---|---|---|---|---|---|")
    for name, f, f_np, x in cases:
        contenders = {"cpu": em.jit(f, backend="cpu"), "interpreter": em.jit(f, backend="interpreter"), "numpy": f_np}
        calls = {k: calls_per_repeat(g, x) for k, g in contenders.items()}
        times = {k: [] for k in contenders}
        for _ in range(repeats):
            for k, g in contenders.items():
                t = time.perf_counter()
                for _ in range(calls[k]):
                    g(x)
                times[k].append((time.perf_counter() - t) / calls[k])
        m = {k: statistics.median(v) * 1e3 for k, v in times.items()}
        print(f"| {name} | {m['cpu']:.2f} ms | {m['interpreter']:.2f} ms | {m['numpy']:.2f} ms | "
              f"{m['cpu'] / m['interpreter']:.2f} | {m['cpu'] / m['numpy']:.2f} |")


if __name__ == "__main__":
    main()
