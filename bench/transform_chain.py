"""Trace + transform + simplify time for chains of n elementwise ops (issue "Transforms I", item 8).

For n in 1k, 10k, 100k chained `sin` ops on a float32[8]: the time to trace the function into IR
(make_ir), to trace + differentiate + simplify it (make_ir of grad, and of vmap), and to call grad(f)(x)
outside jit (trace with values, differentiate, run). The times must grow linearly with n. When JAX is
installed, the same for jax.make_jaxpr and jax.grad side by side. Run: python3 bench/transform_chain.py
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


def jax_times(n, x, repeats):
    """make_jaxpr of f and of grad(f), and grad(f)(x), in JAX (None when JAX is not installed)."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None

    def f(v):
        for _ in range(n):
            v = jnp.sin(v)
        return jnp.sum(v)

    trace = timed(lambda: jax.make_jaxpr(f)(x), repeats)
    grad = timed(lambda: jax.make_jaxpr(jax.grad(f))(x), repeats)
    run = timed(lambda: jax.grad(f)(x).block_until_ready(), repeats)
    return trace, grad, run


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
        run = timed(lambda: em.grad(f)(x), repeats)
        rows.append((n, trace, grad, vmap, run, jax_times(n, x, repeats) if n <= 10_000 else None))
    print("| ops | trace (s) | trace + grad + simplify (s) | trace + vmap + simplify (s) | grad(f)(x) (s) "
          "| grad s per 1k ops | JAX make_jaxpr (s) | JAX make_jaxpr(grad) (s) | JAX grad(f)(x) (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, trace, grad, vmap, run, jx in rows:
        jax_cols = " | ".join(f"{t:.4f}" for t in jx) if jx else "- | - | -"
        print(f"| {n:,} | {trace:.4f} | {grad:.4f} | {vmap:.4f} | {run:.4f} | {grad / n * 1000:.4f} | {jax_cols} |")


if __name__ == "__main__":
    main()
