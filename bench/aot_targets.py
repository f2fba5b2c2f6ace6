"""ember.aot's shared objects against the same functions under ember.jit (expected equal: the same code),
side by side in one run, with the objects' sizes.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/aot_targets.py

The shared object is called through ember.aot.load (ctypes): its times include checking the arguments and
allocating the outputs and workspace in Python, a few microseconds per call. Markdown output, as pasted into
docs/benchmarks.md. A benchmark, never a test.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ember as em  # noqa: E402
import ember.numpy as enp  # noqa: E402
from speed_targets import fmt, medians  # noqa: E402 (also a fresh EMBER_CACHE_DIR)
from workloads import gelu, layernorm  # noqa: E402


def mlp_loss(params, x, labels):
    h = enp.tanh(x @ params["w1"] + params["b1"])
    logits = h @ params["w2"] + params["b2"]
    return -enp.mean(enp.sum(em.nn.log_softmax(logits) * labels, axis=-1))


def cases():
    rng = np.random.default_rng(0)
    f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    params = {"w1": f32(784, 512) * 0.05, "b1": f32(512) * 0, "w2": f32(512, 10) * 0.05, "b2": f32(10) * 0}
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]
    small = {"w1": f32(6, 3), "b1": f32(3), "w2": f32(3, 2), "b2": f32(2)}
    return [
        ("MLP gradients, batch 256 (784-512-10)", em.grad(mlp_loss), (params, f32(256, 784), labels)),
        ("per-example gradients, 8 examples (6-3-2)",
         em.vmap(em.grad(mlp_loss), in_axes=(None, 0, 0)), (small, f32(8, 1, 6), np.eye(2, dtype=np.float32)[:, None].repeat(4, 0))),
        ("gelu, 1e6 float32", gelu(enp), (f32(1_000_000),)),
        ("layernorm rows (1024, 1024) float32", layernorm(enp), (f32(1024, 1024),)),
    ]


def main():
    out = Path(tempfile.mkdtemp(prefix="ember-aot-bench-"))
    print("| function | ember.jit | .so (ember.aot.load) | .so / jit | .so size |")
    print("|---|---|---|---|---|")
    for i, (name, f, args) in enumerate(cases()):
        path = em.aot.compile(f, *args, output=out / f"f{i}.so")
        module, jitted = em.aot.load(path), em.jit(f)
        t = medians({"jit": lambda: em.tree_util.tree_map(np.asarray, jitted(*args)), "so": lambda: module(*args)})
        print(f"| {name} | {fmt(t['jit'])} | {fmt(t['so'])} | {t['so'] / t['jit']:.2f}x | "
              f"{path.stat().st_size / 1024:.0f} KiB |")


if __name__ == "__main__":
    main()
