"""ember.aot's shared objects against the same functions under ember.jit (expected equal: the same code),
side by side in one run, with the objects' sizes.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 bench/aot_targets.py

".so, C call" calls NAME_run through ctypes with buffers made beforehand: the object's own time, as a C
caller sees it. ".so, aot.load" is the Python convenience wrapper, which checks the arguments and allocates
the outputs and workspace on every call. Markdown output, as pasted into docs/benchmarks.md. A benchmark,
never a test.
"""

from __future__ import annotations

import ctypes
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


def c_call(module, args):
    """A zero-argument callable running the object's NAME_run on buffers prepared once."""
    inputs = [np.ascontiguousarray(np.asarray(a)) for a in em.tree_util.tree_leaves(args)]
    outputs = [np.empty(o["shape"], o["dtype"]) for o in module.signature["outputs"]]
    workspace = np.empty(module.signature["workspace_bytes"] + 64, np.uint8)
    ins = (ctypes.c_void_p * len(inputs))(*[a.ctypes.data for a in inputs])
    outs = (ctypes.c_void_p * len(outputs))(*[o.ctypes.data for o in outputs])
    aligned = workspace.ctypes.data + (-workspace.ctypes.data % 64)
    run = module._run
    return lambda keep=(inputs, outputs, workspace): run(ins, outs, aligned)  # `keep`: the buffers stay alive


def main():
    out = Path(tempfile.mkdtemp(prefix="ember-aot-bench-"))
    print("| function | ember.jit | .so, C call | .so, aot.load | C call / jit | .so size |")
    print("|---|---|---|---|---|---|")
    for i, (name, f, args) in enumerate(cases()):
        path = em.aot.compile(f, *args, output=out / f"f{i}.so")
        module, jitted = em.aot.load(path), em.jit(f)
        # ember arrays: jit copies NumPy arguments into ember's memory on every call (they are mutable), which
        # would time that copy rather than the code.
        ember_args = em.tree_util.tree_map(enp.asarray, args)
        jitted(*ember_args)
        em._core._wait_for_background_builds()  # jit's optimised build, not the quick tier
        t = medians({"jit": lambda: jitted(*ember_args), "c": c_call(module, args), "load": lambda: module(*args)})
        print(f"| {name} | {fmt(t['jit'])} | {fmt(t['c'])} | {fmt(t['load'])} | {t['c'] / t['jit']:.2f}x | "
              f"{path.stat().st_size / 1024:.0f} KiB |")


if __name__ == "__main__":
    main()
