"""Compiles per-example gradients of a small regression loss ahead of time: writes persample.so, persample.h
and persample.hpp into the folder given (default: the current one), plus the inputs as raw float32 files and the
gradients ember.jit computes for them, which main.c's output is compared with.

    python3 examples/aot/persample.py OUT_DIR && cc examples/aot/main.c -I OUT_DIR OUT_DIR/persample.so -o run
"""

import sys
from pathlib import Path

import numpy as np

import ember as em
import ember.numpy as enp


def loss(params, x, y):
    w, b = params
    return enp.mean((enp.tanh(x @ w + b) - y) ** 2)


def main(out: Path) -> None:
    rng = np.random.default_rng(0)
    params = (rng.standard_normal((6, 3)).astype(np.float32), np.zeros(3, np.float32))
    xs, ys = rng.standard_normal((8, 6)).astype(np.float32), rng.standard_normal((8, 3)).astype(np.float32)
    persample = em.vmap(em.grad(loss), in_axes=(None, 0, 0))
    em.aot.compile(persample, params, xs, ys, output=out / "persample.so", name="persample")
    for i, a in enumerate(em.tree_util.tree_leaves((params, xs, ys))):
        a.tofile(out / f"input{i}.bin")
    for i, g in enumerate(em.tree_util.tree_leaves(em.jit(persample)(params, xs, ys))):
        np.asarray(g).tofile(out / f"expected{i}.bin")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
