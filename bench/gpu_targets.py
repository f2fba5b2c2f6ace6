"""The CUDA backend's speed targets, side by side with JAX and PyTorch on the same GPU in one run (medians of
interleaved repeats; "vs X" is X's median over ember's). The device-to-device copy bandwidth is measured in
the same run (PyTorch's copy_ of a 1 GiB buffer). Run by tests/gpu/run.sh on a GPU machine.

ember's CUDA backend does not keep arrays on the device yet: each call copies its arguments to the device and
its results back, which these timings include (the "ember" column is what a user gets today)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ember as em  # noqa: E402
import ember.numpy as enp  # noqa: E402
from speed_targets import REPEATS, calls_per_repeat, fmt  # noqa: E402 (also a fresh EMBER_CACHE_DIR)
from workloads import gelu, layernorm, softmax  # noqa: E402

try:
    import jax
    import jax.numpy as jnp
except ImportError:
    jax = None
try:
    import torch
except ImportError:
    torch = None



def median_seconds(f):
    n = calls_per_repeat(f)
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        for _ in range(n):
            f()
        times.append((time.perf_counter() - t) / n)
    return statistics.median(times)


def copy_bandwidth():
    if torch is None:
        return None
    x = torch.empty(1 << 28, dtype=torch.float32, device="cuda")
    y = torch.empty_like(x)

    def run():
        y.copy_(x)
        torch.cuda.synchronize()

    return 2 * x.numel() * 4 / median_seconds(run) / 1e9


def contenders(name, make, x_np):
    """Zero-argument callables for ember, JAX and PyTorch running workload `make` on x_np."""
    gpu = em.devices("cuda")[0]
    out = {"ember": (lambda f=em.jit(make(enp), device=gpu), x=x_np: f(x))}
    if jax is not None:
        fj, xj = jax.jit(make(jnp)), jax.device_put(jnp.asarray(x_np))
        out["jax"] = lambda: fj(xj).block_until_ready()
    if torch is not None and x_np.dtype != np.dtype(enp.bfloat16):
        # PyTorch's own fused functions for the same computations.
        import torch.nn.functional as F

        ft = {gelu: lambda x: F.gelu(x, approximate="tanh"), softmax: lambda x: torch.softmax(x, -1),
              layernorm: lambda x: F.layer_norm(x, x.shape[-1:], eps=1e-5)}[make]
        xt = torch.from_numpy(x_np).cuda()

        def run():
            ft(xt)
            torch.cuda.synchronize()

        out["torch"] = run
    return out


def main():
    print(f"devices: {em.devices('cuda')}; {em._core._cuda_status()['devices']}")
    bw = copy_bandwidth()
    print(f"device-to-device copy: {bw:.0f} GB/s\n" if bw else "device-to-device copy: no PyTorch\n")
    print("| workload | ember | JAX | PyTorch | vs JAX | vs PyTorch |")
    print("|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    cases = [("gelu, 1e7 float32", gelu, rng.standard_normal(10_000_000).astype(np.float32)),
             ("softmax rows (4096, 1024) float32", softmax, rng.standard_normal((4096, 1024)).astype(np.float32)),
             ("layernorm rows (4096, 1024) float32", layernorm, rng.standard_normal((4096, 1024)).astype(np.float32)),
             ("softmax rows (4096, 1024) bfloat16", softmax,
              rng.standard_normal((4096, 1024)).astype(enp.bfloat16))]
    for name, make, x in cases:
        try:
            t = {k: median_seconds(f) for k, f in contenders(name, make, x).items()}
        except Exception as e:  # a workload ember cannot run yet is reported, not hidden
            print(f"| {name} | error: {type(e).__name__}: {e} | | | | |")
            continue
        ratio = lambda k: f"{t[k] / t['ember']:.2f}x" if k in t else "—"
        print(f"| {name} | {fmt(t['ember'])} | {fmt(t['jax']) if 'jax' in t else '—'} | "
              f"{fmt(t['torch']) if 'torch' in t else '—'} | {ratio('jax')} | {ratio('torch')} |")
    f = em.jit(lambda x: x + 1, device=em.devices("cuda")[0])
    x = np.ones(8, np.float32)
    print(f"\nper-call overhead, cached jit of x + 1 (8 elements, copies included): {fmt(median_seconds(lambda: f(x)))}")


if __name__ == "__main__":
    main()
