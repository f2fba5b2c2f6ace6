"""The CUDA code generator without a GPU (lowering/cuda): the CUDA C of fused plans, compiled by NVRTC for
sm_80 and sm_90, so that code generation errors are caught on machines without a GPU. What the kernels
compute is checked here too, by compiling the same source as host C++ (the generated prelude has a host
variant: one thread per block, the blocks in sequence) and running the plan's kernels on NumPy buffers
against the reference executor. That checks indexing, fusion and op semantics, not the block reductions'
cooperation or the device's math library, which tests/gpu does. Op-table cases are a fixed-seed sample
here; EMBER_FULL_SWEEP=1 runs every one."""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from opdb import ALL_OPS
from test_cpu_backend import gelu, layernorm, mlp, mlp_params
from test_opdb import _is_array, _is_dynamic, assert_matches, leaves, samples_for, tolerance

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


CXX = shutil.which("c++") or shutil.which("g++")


def run_on_host(source, args):
    """Runs the plan's kernels (compiled as host C++) on NumPy buffers; returns its results."""
    if any(k != "kernel" for k in source["steps"]):
        return None  # library calls and control flow run on the host side of the CUDA backend, not here
    with tempfile.TemporaryDirectory() as tmp:
        src, lib = os.path.join(tmp, "k.cc"), os.path.join(tmp, "k.so")
        with open(src, "w") as f:
            f.write(source["code"])
        subprocess.run([CXX, "-std=c++17", "-O1", "-shared", "-fPIC", "-w", src, "-o", lib], check=True,
                       capture_output=True, text=True)
        so = ctypes.CDLL(lib)
        arrays = {}
        for vid, a in zip(source["params"], args):
            shape, dtype = source["values"][vid]
            arrays[vid] = np.ascontiguousarray(np.asarray(a, dtype=dtype).reshape(shape))
        for k in source["kernels"]:
            for vid in k["buffers"]:
                if vid not in arrays:
                    shape, dtype = source["values"][vid]
                    arrays[vid] = np.zeros(shape, dtype)
            getattr(so, k["name"])(*[ctypes.c_void_p(arrays[v].ctypes.data) for v in k["buffers"]])
        return [arrays[v].copy() for v in source["results"]]


def test_softmax_is_one_block_per_row_kernel_with_its_reductions_across_the_block():
    s = cuda_source(em.nn.softmax, np.ones((4096, 1024), np.float32))
    assert [(k["per_row"], k["rows"], k["row_length"]) for k in s["kernels"]] == [(True, 4096, 1024)]
    assert s["code"].count("ember_block_reduce<float>(") == 2  # the row max and the row sum
    compiles(s, "softmax")


def test_elementwise_kernels_load_and_store_four_elements_at_once_when_aligned():
    import re

    f = lambda a, b, c: a * b + c[None, :]  # two operands at the root's index, one broadcast
    args = [np.ones((100, 64), np.float32), np.ones((100, 64), np.float32), np.ones(64, np.float32)]
    s = cuda_source(f, *args)
    for arch in ARCHS:
        ptx = em._core._nvrtc_compile(s["code"], "fma", arch, ptx=True).decode()
        accesses = re.findall(r"(ld|st)\.global(?:\.nc)?(\.v4)?\.f32", ptx)
        assert accesses.count(("ld", ".v4")) == 2 and accesses.count(("st", ".v4")) == 1, accesses
    rng = np.random.default_rng(0)
    args = [rng.standard_normal((3, 67)).astype(np.float32), rng.standard_normal((3, 67)).astype(np.float32),
            rng.standard_normal(67).astype(np.float32)]  # 201 elements: below the vectorised loop's threshold
    big = [rng.standard_normal((5, 67)).astype(np.float32), rng.standard_normal((5, 67)).astype(np.float32),
           rng.standard_normal(67).astype(np.float32)]  # 335: 83 chunks of 4 and a tail of 3
    for a in (args, big):
        np.testing.assert_allclose(run_on_host(cuda_source(f, *a), a)[0], a[0] * a[1] + a[2][None, :], rtol=1e-6)


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


def as_function(op, sample):
    """The sample as a function of its array arguments (as test_opdb traces it under jit), and those arguments."""
    dynamic = [] if op.concrete_only else [i for i, a in enumerate(sample.args) if _is_dynamic(op, a)]
    kwargs = dict(sample.kwargs, **(op.jit_kwargs(sample) if op.jit_kwargs else {}))

    def f(*dyn):
        args = [enp.asarray(a) if _is_array(a) else a for a in sample.args]
        for i, v in zip(dynamic, dyn):
            args[i] = v
        return op.op(*args, **kwargs)

    return f, [sample.args[i] for i in dynamic]


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
        f, dyn = as_function(op, sample)
        try:
            s = cuda_source(f, *dyn)
        except NotImplementedError as e:
            assert str(e).startswith("[") and "cuda code generator" in str(e), str(e)
            continue
        compiles(s, f"{op.name}_{dtype}_{k}")


HOST_CASES = [c for i, c in enumerate(op_cases()) if FULL or i % 3 == 0]


@pytest.mark.skipif(CXX is None, reason="no C++ compiler")
@pytest.mark.parametrize("op,dtype", HOST_CASES)
def test_op_table_kernels_compute_what_the_interpreter_does(op, dtype):
    for sample in samples_for(op, dtype):
        what = f"{op.name}{sample!r}"
        f, dyn = as_function(op, sample)
        try:
            source = cuda_source(f, *dyn)
        except NotImplementedError:
            continue
        if "erfinv" in source["code"]:
            continue  # the host's libm has no erfinv
        got = run_on_host(source, em.tree_util.tree_leaves(dyn))
        if got is None:
            continue
        want = leaves(em.jit(f, backend="interpreter")(*[enp.asarray(a) if _is_array(a) else a for a in dyn]))
        assert len(got) == len(want), what
        for g, w in zip(got, want):
            w = np.asarray(w)
            assert_matches(g.reshape(w.shape), w, w.dtype, tolerance(op, w.dtype), what)


@pytest.mark.skipif(CXX is None, reason="no C++ compiler")
def test_host_run_of_softmax_layernorm_and_an_mlp_step_matches_the_interpreter():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((37, 129)).astype(np.float32)

    def step(params, x, labels):
        def loss(params):
            return -enp.mean(enp.sum(em.nn.log_softmax(mlp(params, x)) * labels, axis=-1))
        value, grads = em.value_and_grad(loss)(params)
        return value, em.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)

    params = mlp_params(12, 20, 10)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 8)]
    cases = [(em.nn.softmax, [x]), (layernorm, [x, x[0], x[1]]),
             (lambda x: x - x.mean(axis=0), [x]), (lambda x: (x * x).sum() + x.max(), [x]),
             (step, [params, rng.standard_normal((8, 12)).astype(np.float32), labels])]
    for f, args in cases:
        flat = em.tree_util.tree_leaves(args)
        source = cuda_source(lambda *a: f(*em.tree_util.tree_unflatten(em.tree_util.tree_structure(args), a)), *flat)
        got = run_on_host(source, flat)
        assert got is not None, source["steps"]
        want = em.tree_util.tree_leaves(em.jit(f, backend="interpreter")(*args))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.reshape(np.shape(w)), np.asarray(w), rtol=2e-5, atol=2e-6)


def test_complex_special_function_and_sort_modules_compile_for_every_architecture():
    c = np.linspace(-2, 2, 12).astype(np.complex64).reshape(3, 4) * (1 - 0.5j)

    def complex_ops(z):
        table = np.array([1 + 2j, -3j, 0.5, 2], z.dtype)  # an array literal
        w = enp.arcsinh(z) * enp.exp(z) / enp.sqrt(z) + enp.arctanh(z) ** 3 + z ** (1.5 - 0.5j) * table
        return w.sum(axis=1), enp.cumprod(z, axis=0), z @ z.T, enp.sort(z, axis=-1), w.real, enp.abs(w)

    x = np.linspace(0.5, 4, 12).reshape(3, 4)
    special = lambda v: (em.lax.digamma(v), em.lax.polygamma(enp.full_like(v, 2.0), -v), em.lax.bessel_i1e(v),
                         em.lax.top_k(v, 2), enp.argsort(v, axis=0))
    for name, f, args in [("complex64", complex_ops, (c,)), ("complex128", complex_ops, (c.astype(np.complex128),)),
                          ("special", special, (x.astype(np.float32),))]:
        s = cuda_source(f, *args)
        assert any(k["scratch"] for k in s["kernels"]), name  # the sort kernels
        compiles(s, name)
