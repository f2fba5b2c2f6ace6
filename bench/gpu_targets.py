"""The CUDA backend's speed targets, side by side with JAX and PyTorch on the same GPU in one run (medians of
interleaved repeats; "vs X" is X's median over ember's). The device-to-device copy bandwidth is measured in
the same run (PyTorch's copy_ of a 1 GiB buffer). Run by tests/gpu/run.sh on a GPU machine.

Every contender's arguments are on the device before timing starts, and each timed call waits for its result
(ember's and JAX's block_until_ready, torch.cuda.synchronize)."""

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
    out = {"ember": (lambda f=em.jit(make(enp)), x=em.device_put(x_np, gpu): f(x).block_until_ready())}
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
    matmul()
    f = em.jit(lambda x: x + 1)
    x = em.device_put(np.ones(8, np.float32), em.devices("cuda")[0])
    print(f"\nper-call overhead, cached jit of x + 1 on 8 elements on the device: "
          f"{fmt(median_seconds(lambda: f(x)))} to dispatch, "
          f"{fmt(median_seconds(lambda: f(x).block_until_ready()))} with the wait for the result")


def matmul():
    """float32 and float64 (4096, 4096) products against PyTorch's (exact float32: TF32 off, its default)."""
    gpu = em.devices("cuda")[0]
    rng = np.random.default_rng(1)
    print("\n| matmul (4096, 4096) | ember | PyTorch | vs PyTorch |")
    print("|---|---|---|---|")
    for dtype in (np.float32, np.float64):
        a, b = (rng.standard_normal((4096, 4096)).astype(dtype) for _ in range(2))
        f, ea, eb = em.jit(lambda a, b: a @ b), em.device_put(a, gpu), em.device_put(b, gpu)
        t_ember = median_seconds(lambda: f(ea, eb).block_until_ready())
        t_torch = None
        if torch is not None:
            ta, tb = torch.from_numpy(a).cuda(), torch.from_numpy(b).cuda()

            def run():
                ta @ tb
                torch.cuda.synchronize()

            t_torch = median_seconds(run)
        print(f"| {np.dtype(dtype).name} | {fmt(t_ember)} | {fmt(t_torch) if t_torch else '—'} | "
              f"{f'{t_torch / t_ember:.2f}x' if t_torch else '—'} |")


if __name__ == "__main__":
    main()
