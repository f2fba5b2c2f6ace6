"""The CUDA code generator without a GPU (lowering/cuda): the CUDA C of fused plans, compiled by NVRTC for
sm_80 and sm_90, so that code generation errors are caught on machines without a GPU. Op-table cases are a
fixed-seed sample here; EMBER_FULL_SWEEP=1 compiles every one. Results are checked on a GPU machine
(tests/gpu), not here."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from opdb import ALL_OPS
from test_cpu_backend import gelu, layernorm, mlp, mlp_params
from test_opdb import _is_array, _is_dynamic, samples_for

NVRTC = em._core._nvrtc_status()
pytestmark = pytest.mark.skipif(not NVRTC["available"], reason=f"no NVRTC: {NVRTC['why']}")

FULL = os.environ.get("EMBER_FULL_SWEEP") == "1"
ARCHS = (80, 90)


def cuda_source(f, *args):
    return em._core._cuda_source(em.make_ir(f)(*args))


def compiles(source, name):
    for arch in ARCHS:
        cubin = em._core._nvrtc_compile(source["code"], name, arch)
        assert cubin[:4] == b"\x7fELF", f"{name}: NVRTC did not return a cubin for sm_{arch}"


def test_softmax_is_one_block_per_row_kernel_with_its_reductions_across_the_block():
    s = cuda_source(em.nn.softmax, np.ones((4096, 1024), np.float32))
    assert [(k["per_row"], k["rows"], k["row_length"]) for k in s["kernels"]] == [(True, 4096, 1024)]
    assert s["code"].count("ember_block_reduce<float>(") == 2  # the row max and the row sum
    compiles(s, "softmax")


def test_elementwise_kernels_are_grid_stride_loops():
    s = cuda_source(gelu, np.ones(10_000_000, np.float32))
    assert [(k["per_row"], k["elements"]) for k in s["kernels"]] == [(False, 10_000_000)]
    assert "gridDim.x * blockDim.x" in s["code"] and "tanhf(" in s["code"]
    compiles(s, "gelu")


@pytest.mark.parametrize("name", ["layernorm", "mlp_forward", "mlp_step", "normalisation_chain", "column_mean",
                                  "float16_softmax", "bfloat16_layernorm", "full_reduction", "pad_concat_rev"])
def test_plans_of_the_cpu_backend_tests_compile(name):
    x = np.ones((64, 32), np.float32)

    def step(params, x, labels):
        def loss(params):
            return -enp.mean(enp.sum(em.nn.log_softmax(mlp(params, x)) * labels, axis=-1))
        value, grads = em.value_and_grad(loss)(params)
        return value, em.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)

    def chain(x):
        for i in range(4):
            x = enp.tanh(x * (1.0 + i))
            x = x - enp.mean(x)
        return x

    cases = {
        "layernorm": (layernorm, x, np.ones(32, np.float32), np.zeros(32, np.float32)),
        "mlp_forward": (mlp, mlp_params(50, 40, 10), np.ones((32, 50), np.float32)),
        "mlp_step": (step, mlp_params(50, 40, 10), np.ones((32, 50), np.float32), np.ones((32, 10), np.float32)),
        "normalisation_chain": (chain, np.ones(1000, np.float32)),
        "column_mean": (lambda x: x - x.mean(axis=0), x),
        "float16_softmax": (em.nn.softmax, x.astype(np.float16)),
        "bfloat16_layernorm": (layernorm, x.astype(enp.bfloat16), np.ones(32, enp.bfloat16), np.zeros(32, enp.bfloat16)),
        "full_reduction": (lambda x: (x * x).sum() + x.max(), x),
        "pad_concat_rev": (lambda x: enp.concatenate([enp.pad(x, 2)[:, :32], x[::-1, ::2].T.reshape(32, 32)]), x),
    }
    f, *args = cases[name]
    s = cuda_source(f, *args)
    assert s["kernels"], name
    compiles(s, name)


def op_cases():
    chooser = random.Random(4321)
    for op in ALL_OPS:
        for d in op.dtypes:
            primary = d == ("float32" if "float32" in op.dtypes else op.dtypes[0])
            if FULL or (primary and chooser.random() < 0.5):
                yield pytest.param(op, d, id=f"{op.name}-{d}")


@pytest.mark.parametrize("op,dtype", list(op_cases()))
def test_op_table_cases_compile_or_are_refused_by_name(op, dtype):
    # What the generator handles compiles for every architecture; what it does not yet handle is a
    # NotImplementedError that names the op (never a crash, never source NVRTC rejects).
    for k, sample in enumerate(samples_for(op, dtype)):
        dynamic = [] if op.concrete_only else [i for i, a in enumerate(sample.args) if _is_dynamic(op, a)]
        kwargs = dict(sample.kwargs, **(op.jit_kwargs(sample) if op.jit_kwargs else {}))

        def f(*dyn):
            args = [enp.asarray(a) if _is_array(a) else a for a in sample.args]
            for i, v in zip(dynamic, dyn):
                args[i] = v
            return op.op(*args, **kwargs)

        try:
            s = cuda_source(f, *[sample.args[i] for i in dynamic])
        except NotImplementedError as e:
            assert str(e).startswith("[") and "cuda code generator" in str(e), str(e)
            continue
        compiles(s, f"{op.name}_{dtype}_{k}")
