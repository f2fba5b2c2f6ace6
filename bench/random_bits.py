"""ember.random throughput: Threefry bits, uniforms and normals, eager and jitted, against NumPy's Generator
(PCG64) and, when it is installed, JAX's jax.random (the same Threefry algorithm, compiled by XLA).

Run from the repository root:

    python3 bench/random_bits.py                 # n = 10**6 and 10**7
    python3 bench/random_bits.py --sizes 100000  # other sizes

Each case runs once to warm up (and compile), then `--repeats` times; the table shows the median time per
call and the throughput in millions of values per second. The output is Markdown. This is a benchmark,
never a test: nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import numpy as np

import ember as em


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cases(n: int):
    key = em.random.PRNGKey(0)
    out = []
    for name, sample in [("bits u32", lambda k: em.random.bits(k, (n,))),
                         ("uniform f32", lambda k: em.random.uniform(k, (n,))),
                         ("normal f32", lambda k: em.random.normal(k, (n,)))]:
        jitted = em.jit(sample)
        out.append((name, "ember eager", lambda s=sample: np.asarray(s(key))))
        out.append((name, "ember jit", lambda j=jitted: np.asarray(j(key))))
    rng = np.random.default_rng(0)
    out.append(("bits u32", "numpy", lambda: rng.integers(0, 2**32, n, dtype=np.uint32)))
    out.append(("uniform f32", "numpy", lambda: rng.random(n, dtype=np.float32)))
    out.append(("normal f32", "numpy", lambda: rng.standard_normal(n, dtype=np.float32)))
    try:
        import jax
    except ImportError:
        return out
    jkey = jax.random.PRNGKey(0)
    for name, f in [("bits u32", jax.jit(lambda k: jax.random.bits(k, (n,)))),
                    ("uniform f32", jax.jit(lambda k: jax.random.uniform(k, (n,)))),
                    ("normal f32", jax.jit(lambda k: jax.random.normal(k, (n,))))]:
        out.append((name, "jax jit", lambda f=f: np.asarray(f(jkey))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**6, 10**7])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| n | sampler | implementation | median ms | Mvalues/s |")
    print("|---|---|---|---|---|")
    for n in args.sizes:
        for name, impl, fn in sorted(cases(n), key=lambda c: c[0]):
            t = median_seconds(fn, args.repeats)
            print(f"| {n:.0e} | {name} | {impl} | {t * 1e3:.1f} | {n / t / 1e6:.0f} |")


if __name__ == "__main__":
    main()
