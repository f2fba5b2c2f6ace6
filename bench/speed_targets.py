"""The speed targets of "CPU compiler II": ember's cpu backend against NumPy and JAX (CPU), side by side in one
run, with the machine's triad bandwidth measured in the same run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/speed_targets.py

JAX is optional (pip install jax; the benchmark only). Repeats of the contenders are interleaved; tables show
median times and speedups (the other's median over ember's: above 1, ember is faster). Markdown output, as
pasted into docs/benchmarks.md. A benchmark, never a test.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

# A cache directory of this run: "cold" must mean cold.
os.environ["EMBER_CACHE_DIR"] = tempfile.mkdtemp(prefix="ember-bench-cache-")

import numpy as np  # noqa: E402

import ember as em  # noqa: E402
import ember.numpy as enp  # noqa: E402
from workloads import gelu, layernorm, softmax  # noqa: E402

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:
    jax = None

REPEATS = 9

TRIAD_C = textwrap.dedent(
    """
    #include <omp.h>
    #include <stdio.h>
    #include <stdlib.h>
    int main(void) {
      const long n = 20000000;
      double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
      #pragma omp parallel for
      for (long i = 0; i < n; ++i) a[i] = 0, b[i] = 1, c[i] = 2;
      double best = 1e30;
      for (int r = 0; r < 20; ++r) {
        double t = omp_get_wtime();
        #pragma omp parallel for
        for (long i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
        t = omp_get_wtime() - t;
        if (t < best) best = t;
      }
      printf("%f\\n", 3.0 * n * sizeof(double) / best / 1e9 + a[n / 2] * 0);
      return 0;
    }
    """
)


def triad_bandwidth() -> float | None:
    """GB/s of the STREAM triad in C on all cores (OpenMP), or None without a C compiler."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, "triad.c"), os.path.join(d, "triad")
        with open(src, "w") as f:
            f.write(TRIAD_C)
        subprocess.run([cc, "-O3", "-march=native", "-fopenmp", src, "-o", exe], check=True)
        return float(subprocess.run([exe], capture_output=True, text=True, check=True).stdout)


def calls_per_repeat(f, min_time=0.05):
    """How many calls take at least `min_time` seconds (after a warm-up call, which also compiles)."""
    f()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            f()
        if time.perf_counter() - t >= min_time:
            return n
        n *= 2


# OpenBLAS's threads (NumPy's bundled copy and ember's) spin for about 0.1 s after a call before they sleep:
# without a pause, the contender that runs next shares the 2 cores with them (ember's MLP step measured
# 6.5 ms right after NumPy's products, 4.0 ms alone).
SETTLE_SECONDS = 0.15


def medians(contenders: dict) -> dict:
    """Median seconds per call of each zero-argument callable, repeats interleaved."""
    calls = {k: calls_per_repeat(f) for k, f in contenders.items()}
    times = {k: [] for k in contenders}
    for _ in range(REPEATS):
        for k, f in contenders.items():
            if len(contenders) > 1:
                time.sleep(SETTLE_SECONDS)
            t = time.perf_counter()
            for _ in range(calls[k]):
                f()
            times[k].append((time.perf_counter() - t) / calls[k])
    return {k: statistics.median(v) for k, v in times.items()}


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


def ember_call(f, *args):
    # Arguments as ember arrays, as JAX's are device arrays (one row measures NumPy arguments).
    args = [[enp.asarray(a) for a in x] if isinstance(x, list) else enp.asarray(x) for x in args]
    return lambda: f(*args)


def jax_call(f, *args):
    args = [jax.device_put(a) for a in args]
    return lambda: jax.block_until_ready(f(*args))


# ---- workloads (gelu, softmax and layernorm are in workloads.py)


def mlp_step(m, value_and_grad):
    def loss(params, x, labels):
        w1, b1, w2, b2 = params
        h = m.tanh(x @ w1 + b1)
        logits = h @ w2 + b2
        shifted = logits - logits.max(axis=-1, keepdims=True)
        logp = shifted - m.log(m.exp(shifted).sum(axis=-1, keepdims=True))
        return -(logp * labels).sum() / x.shape[0]

    def step(params, x, labels):
        value, grads = value_and_grad(loss)(params, x, labels)
        return value, [p - 0.1 * g for p, g in zip(params, grads)]

    return step


def per_sample_grads(m, grad, vmap):
    def loss(w, x, y):
        return (x @ w - y) ** 2

    return vmap(grad(loss), in_axes=(None, 0, 0))


def row(name, t, extra=""):
    cells = " | ".join(fmt(t[k]) if k in t else "—" for k in ("ember", "numpy", "jax"))
    speedups = " | ".join(f"{t[k] / t['ember']:.2f}x" if k in t else "—" for k in ("numpy", "jax"))
    print(f"| {name} | {cells} | {speedups} | {extra} |")


def main():
    rng = np.random.default_rng(0)
    triad = triad_bandwidth()
    print(f"Triad (C, OpenMP, {os.cpu_count()} threads): {triad:.1f} GB/s\n" if triad else "Triad: no C compiler\n")
    print("| workload | ember | NumPy | JAX | vs NumPy | vs JAX | notes |")
    print("|---|---|---|---|---|---|---|")

    def jit(f):
        return em.jit(f, compiler_options={"tiered": False})

    x = rng.standard_normal(10_000_000).astype(np.float32)
    c = {"ember": ember_call(jit(gelu(enp)), x), "numpy": lambda: gelu(np)(x)}
    if jax:
        c["jax"] = jax_call(jax.jit(gelu(jnp)), x)
    t = medians(c)
    gbs = 2 * x.nbytes / t["ember"] / 1e9
    row("gelu (tanh form), 1e7 float32", t, f"{gbs:.1f} GB/s" + (f" = {gbs / triad:.0%} of triad" if triad else ""))
    on_device = t["ember"]

    # The same call given the NumPy array itself: ember's cpu backend reads it in place, JAX copies it in.
    c = {"ember": lambda f=jit(gelu(enp)): f(x), "numpy": lambda: gelu(np)(x)}
    if jax:
        c["jax"] = lambda f=jax.jit(gelu(jnp)): jax.block_until_ready(f(x))
    t = medians(c)
    row("gelu, 1e7 float32, NumPy array argument", t, f"ember with an ember-array argument: {fmt(on_device)}")

    rows = rng.standard_normal((4096, 1024)).astype(np.float32)
    for name, make in (("softmax", softmax), ("layernorm", layernorm)):
        c = {"ember": ember_call(jit(make(enp)), rows), "numpy": lambda ref=make(np): ref(rows)}
        if jax:
            c["jax"] = jax_call(jax.jit(make(jnp)), rows)
        t = medians(c)
        row(f"{name} over rows, (4096, 1024) float32", t, f"{2 * rows.nbytes / t['ember'] / 1e9:.1f} GB/s")

    params = [rng.standard_normal((784, 512)).astype(np.float32) * 0.05, np.zeros(512, np.float32),
              rng.standard_normal((512, 10)).astype(np.float32) * 0.05, np.zeros(10, np.float32)]
    xb = rng.standard_normal((256, 784)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]
    h = np.tanh(xb @ params[0])
    g = rng.standard_normal((256, 10)).astype(np.float32)
    gh = rng.standard_normal((256, 512)).astype(np.float32)

    def products_alone():  # the step's matrix products in NumPy's OpenBLAS: forward, then the weight and input grads
        xb @ params[0], h @ params[2], xb.T @ gh, h.T @ g, g @ params[2].T

    c = {"ember": ember_call(jit(mlp_step(enp, em.value_and_grad)), params, xb, labels), "numpy": products_alone}
    if jax:
        c["jax"] = jax_call(jax.jit(mlp_step(jnp, jax.value_and_grad)), params, xb, labels)
    t = medians(c)
    row("MLP training step (256, 784-512-10)", t, "NumPy column: its matrix products alone")

    w = rng.standard_normal(100).astype(np.float32)
    xs, ys = rng.standard_normal((64, 100)).astype(np.float32), rng.standard_normal(64).astype(np.float32)
    c = {"ember": ember_call(jit(per_sample_grads(enp, em.grad, em.vmap)), w, xs, ys)}
    if jax:
        c["jax"] = jax_call(jax.jit(per_sample_grads(jnp, jax.grad, jax.vmap)), w, xs, ys)
    row("per-sample gradients, batch 64, d=100", medians(c))

    for dtype in (np.float32, np.float64):
        a, b = rng.standard_normal((2, 1024, 1024)).astype(dtype)
        c = {"ember": ember_call(jit(lambda p, q: p @ q), a, b), "numpy": lambda a=a, b=b: a @ b}
        if jax:
            c["jax"] = jax_call(jax.jit(lambda p, q: p @ q), a, b)
        t = medians(c)
        row(f"matmul 1024x1024 {np.dtype(dtype).name}", t, f"{2 * 1024**3 / t['ember'] / 1e9:.0f} GFLOP/s")

    small = np.ones(8, np.float32)
    c = {"ember": ember_call(jit(lambda v: v + 1), small), "numpy": lambda: np.add(small, 1)}
    if jax:
        c["jax"] = jax_call(jax.jit(lambda v: v + 1), small)
    row("per-call overhead, cached jit of x + 1 (8 elements)", medians(c))

    print()
    compile_latency(rng)


def fifty_ops(scale):
    """A 50-op elementwise/reduction function (the IR has 50 ops; `scale` makes each one distinct)."""

    def f(x, y):
        for i in range(4):
            x = enp.tanh(x * scale + y)
            x = x - x.mean(axis=-1, keepdims=True)
        return x

    return f


def per_call(f, *args, calls=20):
    t = time.perf_counter()
    for _ in range(calls):
        f(*args)
    return (time.perf_counter() - t) / calls


def compile_latency(rng, samples=9):
    """First-call latency and steady-state time per call, with and without tiered compilation."""
    x, y = rng.standard_normal((2, 64, 256)).astype(np.float32)
    x, y = enp.asarray(x), enp.asarray(y)
    n_ops = sum(" = " in line for line in str(em.make_ir(fifty_ops(1.0))(x, y)).splitlines())
    rows = {}  # label -> (first call, steady state) medians
    quick = []  # per call on the quick build, from samples where the optimised build had not landed yet
    for label, options in (("cold, tiered (quick build first)", {"tiered": True}),
                           ("cold, optimised build", {"tiered": False})):
        first, steady = [], []
        for s in range(samples):
            f = em.jit(fifty_ops(1.0 + s / 100 + len(rows)), compiler_options=options)
            t = time.perf_counter()
            f(x, y)
            first.append(time.perf_counter() - t)
            if options["tiered"]:
                builds = em._core._cpu_compile_stats()["compiles"]
                t = per_call(f, x, y)
                if em._core._cpu_compile_stats()["compiles"] == builds:
                    quick.append(t)
            em._core._wait_for_background_builds()
            steady.append(per_call(f, x, y, calls=200))
        rows[label] = (statistics.median(first), statistics.median(steady))
    # From the disk cache: a new jit object for a function compiled before, whose code is no longer in memory.
    first = []
    for s in range(samples):
        t = time.perf_counter()
        em.jit(fifty_ops(1.0 + s / 100 + 1), compiler_options={"tiered": False})(x, y)
        first.append(time.perf_counter() - t)
    rows["from the disk cache"] = (statistics.median(first), None)
    stats = em._core._cpu_compile_stats()
    print(f"Compile latency of a {n_ops}-op function on (64, 256) float32, medians of {samples} functions:\n")
    print("| case | first call | per call, steady state |")
    print("|---|---|---|")
    for label, (t_first, t_steady) in rows.items():
        print(f"| {label} | {fmt(t_first)} | {fmt(t_steady) if t_steady else '—'} |")
    if quick:
        print(f"| the quick build itself ({len(quick)} of {samples} samples ran before the optimised build landed) "
              f"| — | {fmt(statistics.median(quick))} |")
    print(f"\nBuild counters: {stats}")


if __name__ == "__main__":
    sys.exit(main())
