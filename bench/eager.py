"""Eager-mode benchmarks: ember's reference executor and eager dispatch against NumPy (and ember's jit).

Run from the repository root (the OpenBLAS variables are unset so that NumPy and ember both use their
fastest kernels):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/eager.py            # both tables
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/eager.py --only ops  # one of: ops, models

Each case is timed `--repeats` times (after a warm-up call), the contenders' repeats interleaved; a repeat
runs the function enough times to take at least `--min-time` seconds, and the table shows the median time
per call. "ratio" is ember's time over
NumPy's (below 1: ember is faster). The output is Markdown, as pasted into docs/benchmarks.md. This is a
benchmark, never a test: nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Callable

import numpy as np
import scipy.special

import ember as em
import ember.numpy as enp


def per_call(fns: list[Callable[[], object]], repeats: int, min_time: float, settle: float = 0.0) -> list[float]:
    """Median seconds per call of each function over `repeats` timed repeats.

    The functions' repeats are interleaved (a repeat of each in turn), so that a change in the machine's
    load (other processes) hits all of them alike and their ratio stays meaningful. `settle` seconds of
    sleep before each repeat let the previous contender's threads go idle: NumPy's OpenBLAS and ember's
    are two libraries in one process, and each keeps its threads spinning for a while after a product.
    """
    numbers = []
    for fn in fns:
        fn()  # warm-up: allocator caches, thread-pool start, jit compilation
        number = 1
        while True:  # calibrate the number of calls per repeat
            start = time.perf_counter()
            for _ in range(number):
                fn()
            t = time.perf_counter() - start
            if t >= min_time:
                break
            number = max(number * 2, int(number * min_time / max(t, 1e-9) * 1.2))
        numbers.append(number)
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, number, out in zip(fns, numbers, samples):
            if settle:
                time.sleep(settle)
            start = time.perf_counter()
            for _ in range(number):
                fn()
            out.append((time.perf_counter() - start) / number)
    return [statistics.median(s) for s in samples]


def fmt_time(s: float) -> str:
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.2f} µs"
    return f"{s * 1e3:.3f} ms"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# ---- ops: ember eager vs NumPy, op by op ----


def op_cases(n: int, rng: np.random.Generator):
    """(name, ember thunk, NumPy thunk) for the elementwise and reduction ops on n float32 elements."""
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    pos = (np.abs(x) + np.float32(0.1)).astype(np.float32)
    cond = x > 0
    rows = n // 1000
    x2 = x.reshape(rows, 1000)
    ex, ey, epos, econd, ex2 = (enp.asarray(a) for a in (x, y, pos, cond, x2))
    return [
        ("add", lambda: ex + ey, lambda: x + y),
        ("mul", lambda: ex * ey, lambda: x * y),
        ("exp", lambda: enp.exp(ex), lambda: np.exp(x)),
        ("log", lambda: enp.log(epos), lambda: np.log(pos)),
        ("tanh", lambda: enp.tanh(ex), lambda: np.tanh(x)),
        ("sin", lambda: enp.sin(ex), lambda: np.sin(x)),
        ("logistic", lambda: em.lax.logistic(ex), lambda: scipy.special.expit(x)),
        ("sqrt", lambda: enp.sqrt(epos), lambda: np.sqrt(pos)),
        ("maximum", lambda: enp.maximum(ex, ey), lambda: np.maximum(x, y)),
        ("where", lambda: enp.where(econd, ex, ey), lambda: np.where(cond, x, y)),
        ("sum", lambda: enp.sum(ex), lambda: np.sum(x)),
        ("max", lambda: enp.max(ex), lambda: np.max(x)),
        ("mean", lambda: enp.mean(ex), lambda: np.mean(x)),
        ("argmax", lambda: enp.argmax(ex), lambda: np.argmax(x)),
        (f"sum axis=1 ({rows}x1000)", lambda: enp.sum(ex2, axis=1), lambda: np.sum(x2, axis=1)),
        (f"sum axis=0 ({rows}x1000)", lambda: enp.sum(ex2, axis=0), lambda: np.sum(x2, axis=0)),
        (f"max axis=1 ({rows}x1000)", lambda: enp.max(ex2, axis=1), lambda: np.max(x2, axis=1)),
        (f"max axis=0 ({rows}x1000)", lambda: enp.max(ex2, axis=0), lambda: np.max(x2, axis=0)),
        (f"mean axis=1 ({rows}x1000)", lambda: enp.mean(ex2, axis=1), lambda: np.mean(x2, axis=1)),
        (f"mean axis=0 ({rows}x1000)", lambda: enp.mean(ex2, axis=0), lambda: np.mean(x2, axis=0)),
        (f"argmax axis=1 ({rows}x1000)", lambda: enp.argmax(ex2, axis=1), lambda: np.argmax(x2, axis=1)),
        (f"argmax axis=0 ({rows}x1000)", lambda: enp.argmax(ex2, axis=0), lambda: np.argmax(x2, axis=0)),
    ]


def matmul_cases(rng: np.random.Generator):
    out = []
    for dtype in ("float32", "float64"):
        a = rng.standard_normal((1024, 1024)).astype(dtype)
        b = rng.standard_normal((1024, 1024)).astype(dtype)
        ea, eb = enp.asarray(a), enp.asarray(b)
        out.append((f"matmul 1024x1024 {dtype}", lambda ea=ea, eb=eb: ea @ eb, lambda a=a, b=b: a @ b))
    return out


def tiny_cases(rng: np.random.Generator):
    x = rng.standard_normal(8).astype(np.float32)
    y = rng.standard_normal(8).astype(np.float32)
    ex, ey = enp.asarray(x), enp.asarray(y)
    return [
        ("tiny add (8 f32, `x + y`)", lambda: ex + ey, lambda: x + y),
        ("tiny mul by Python scalar (8 f32, `x * 2.0`)", lambda: ex * 2.0, lambda: x * np.float32(2.0)),
        ("tiny exp (8 f32)", lambda: enp.exp(ex), lambda: np.exp(x)),
        ("tiny sum (8 f32)", lambda: enp.sum(ex), lambda: np.sum(x)),
    ]


def run_ops(args) -> str:
    rng = np.random.default_rng(0)
    out = []
    sections = []
    for n in (10**6, 10**7):
        sections.append((f"float32, n = {n:.0e}".replace("+0", ""), op_cases(n, rng)))
    sections.append(("matmul", matmul_cases(rng)))
    sections.append(("dispatch", tiny_cases(rng)))
    for title, cases in sections:
        rows = []
        for name, e, n_ in cases:
            if args.filter and args.filter not in name:
                continue
            settle = 0.5 if "matmul" in name else 0.0
            te, tn = per_call([e, n_], args.repeats, args.min_time, settle)
            rows.append([name, fmt_time(te), fmt_time(tn), f"{te / tn:.2f}"])
            print(f"  {title}: {name}: {fmt_time(te)} vs {fmt_time(tn)}", file=sys.stderr)
        out.append(f"**{title}**\n\n" + table(["op", "ember eager", "NumPy", "ratio"], rows))
    return "\n\n".join(out)


# ---- models: ember eager, ember jit and NumPy on small programs ----


def gelu(xp, x):
    c = 0.7978845608028654  # sqrt(2 / pi)
    return 0.5 * x * (1.0 + xp.tanh(c * (x + 0.044715 * x * x * x)))


def softmax(xp, x):
    m = xp.max(x, axis=-1, keepdims=True)
    e = xp.exp(x - m)
    return e / xp.sum(e, axis=-1, keepdims=True)


def layernorm(xp, x):
    mu = xp.mean(x, axis=-1, keepdims=True)
    d = x - mu
    var = xp.mean(d * d, axis=-1, keepdims=True)
    return d / xp.sqrt(var + 1e-5)


def matmul(xp, a, b):
    return a @ b


def small_ops(xp, x, y):
    return (x + y) * y - x


def run_models(args) -> str:
    rng = np.random.default_rng(1)
    backend = args.backend
    f32 = np.float32
    cases = [
        ("gelu (tanh form), 1e7 f32", gelu, [rng.standard_normal(10**7).astype(f32)]),
        ("softmax over rows, (4096, 1024) f32", softmax, [rng.standard_normal((4096, 1024)).astype(f32)]),
        ("layernorm over rows, (4096, 1024) f32", layernorm, [rng.standard_normal((4096, 1024)).astype(f32)]),
        ("matmul 1024x1024 f32", matmul,
         [rng.standard_normal((1024, 1024)).astype(f32), rng.standard_normal((1024, 1024)).astype(f32)]),
        ("small ops `(x + y) * y - x`, 8 f32", small_ops,
         [rng.standard_normal(8).astype(f32), rng.standard_normal(8).astype(f32)]),
    ]
    rows = []
    for name, f, inputs in cases:
        if args.filter and args.filter not in name:
            continue
        eargs = [enp.asarray(a) for a in inputs]
        jf = em.jit(lambda *a, f=f: f(enp, *a), backend=backend)
        settle = 0.5 if "matmul" in name else 0.0
        te, tj, tn = per_call([lambda: f(enp, *eargs), lambda: jf(*eargs), lambda: f(np, *inputs)], args.repeats,
                              args.min_time, settle)
        rows.append([name, fmt_time(te), fmt_time(tj), fmt_time(tn), f"{te / tn:.2f}", f"{tj / tn:.2f}"])
        print(f"  {name}: eager {fmt_time(te)}, jit {fmt_time(tj)}, numpy {fmt_time(tn)}", file=sys.stderr)
    header = ["program", "ember eager", f"ember jit ({backend})", "NumPy", "eager / NumPy", "jit / NumPy"]
    return table(header, rows)


def machine() -> str:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        rev = "?"
    return (f"{cpu}, {os.cpu_count()} cores, NumPy {np.__version__}, "
            f"Python {platform.python_version()}, git {rev}, load average at start {load:.2f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["ops", "models"], help="run one table")
    p.add_argument("--filter", help="run only the cases whose name contains this")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.05, help="seconds per repeat, at least")
    p.add_argument("--backend", default="interpreter", help="the jit backend of the models table")
    args = p.parse_args()
    print(machine() + "\n")
    if args.only in (None, "ops"):
        print("### ember eager vs NumPy\n\n" + run_ops(args) + "\n")
    if args.only in (None, "models"):
        print("### Programs: ember eager, ember jit, NumPy\n\n" + run_models(args) + "\n")


if __name__ == "__main__":
    main()
