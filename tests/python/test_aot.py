"""ember.aot: standalone shared objects with a C ABI, checked against ember.jit, through their C entry point
(ctypes and a C program compiled here), and for what they link against."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import ember as em
import ember.numpy as enp

pytestmark = pytest.mark.skipif("cpu" not in em.backends(), reason="ahead-of-time compilation needs the cpu backend")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "aot"
# What a shared object may need at run time: the C library (libm and libpthread are part of it on newer
# glibc) and the BLAS it calls.
ALLOWED = {"libc.so.6", "libm.so.6", "libpthread.so.0", "ld-linux-x86-64.so.2", "libopenblas.so.0"}


def loss(params, x, y):
    w, b = params
    return enp.mean((enp.tanh(x @ w + b) - y) ** 2)


def data(n=8):
    rng = np.random.default_rng(0)
    params = (rng.standard_normal((6, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32))
    return params, rng.standard_normal((n, 6)).astype(np.float32), rng.standard_normal((n, 3)).astype(np.float32)


def needed(path):
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out))


def exported(path):
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def test_per_example_gradients_match_jit_and_need_neither_python_nor_ember(tmp_path):
    persample = em.vmap(em.grad(loss), in_axes=(None, 0, 0))
    params, xs, ys = data()
    path = em.aot.compile(persample, params, xs, ys, output=tmp_path / "persample.so")
    got = em.aot.load(path)(params, xs, ys)
    want = em.jit(persample)(params, xs, ys)
    assert isinstance(got, tuple) and len(got) == 2  # the result's pytree: (dw, db)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, np.asarray(w), rtol=1e-6, atol=1e-7)
    assert needed(path) <= ALLOWED, needed(path)
    assert all(s.startswith("persample_") for s in exported(path)), exported(path)
    assert (tmp_path / "persample.h").exists() and (tmp_path / "persample.hpp").exists()


def test_shapes_only_with_shape_dtype_structs(tmp_path):
    f = lambda x, w: enp.sort(x @ w, axis=-1)  # sort and special functions come from the support library
    x, w = em.ShapeDtypeStruct((5, 4), np.float64), em.ShapeDtypeStruct((4, 7), np.float64)
    path = em.aot.compile(f, x, w, output=tmp_path / "sorted_product.so")
    a, b = np.random.default_rng(1).standard_normal((5, 4)), np.random.default_rng(2).standard_normal((4, 7))
    np.testing.assert_allclose(em.aot.load(path)(a, b), np.sort(a @ b, axis=-1), rtol=1e-12)
    assert needed(path) <= ALLOWED, needed(path)  # the support library's C++ is linked in statically


def test_pytrees_in_and_out_and_wrong_arguments_are_clear_errors(tmp_path):
    def f(inputs):
        return {"total": inputs["a"].sum() + inputs["b"][0], "scaled": [inputs["a"] * 2, None]}

    example = {"a": np.ones((2, 3), np.float32), "b": (np.zeros(2, np.float32),)}
    module = em.aot.load(em.aot.compile(f, example, output=tmp_path / "tree.so"))
    out = module({"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": (np.array([1, 2], np.float32),)})
    assert set(out) == {"total", "scaled"} and out["scaled"][1] is None
    np.testing.assert_array_equal(out["total"], np.float32(15) + np.array([1, 2], np.float32))
    np.testing.assert_array_equal(out["scaled"][0], np.arange(6, dtype=np.float32).reshape(2, 3) * 2)
    with pytest.raises(ValueError, match=r"\[aot\] tree input 0: expected float32\[2, 3\], got float64\[2, 3\]"):
        module({"a": np.ones((2, 3)), "b": (np.zeros(2, np.float32),)})
    with pytest.raises(TypeError, match=r"\[aot\] tree expects 2 input arrays, got 1"):
        module({"a": np.ones((2, 3), np.float32)})


def test_the_c_program_matches_python(tmp_path):
    cc = shutil.which("cc") or shutil.which("gcc")
    subprocess.run([sys.executable, str(EXAMPLES / "persample.py"), str(tmp_path)], check=True)
    program = tmp_path / "run"
    subprocess.run([cc, str(EXAMPLES / "main.c"), "-I", str(tmp_path), str(tmp_path / "persample.so"),
                    f"-Wl,-rpath,{tmp_path}", "-o", str(program)], check=True)
    # No Python and no ember in the program's environment: only the shared object.
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run([str(program), str(tmp_path)], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr
    for i in range(2):
        got = np.fromfile(tmp_path / f"output{i}.bin", np.float32)
        want = np.fromfile(tmp_path / f"expected{i}.bin", np.float32)
        assert got.size == want.size > 0
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_the_cpp_header_compiles_and_throws_on_a_bad_call(tmp_path):
    em.aot.compile(lambda x: x * 3, np.ones(4, np.float32), output=tmp_path / "triple.so")
    (tmp_path / "main.cc").write_text(
        '#include "triple.hpp"\n#include <cstdio>\n'
        "int main() { Triple f; float x[4] = {1, 2, 3, 4}, y[4];\n"
        "  f({x}, {y}); std::printf(\"%g \", y[3]);\n"
        "  try { f({x, x}, {y}); } catch (const std::runtime_error& e) { std::printf(\"%s\", e.what()); } }\n")
    cxx = shutil.which("c++") or shutil.which("g++")
    subprocess.run([cxx, "-std=c++17", str(tmp_path / "main.cc"), "-I", str(tmp_path), str(tmp_path / "triple.so"),
                    f"-Wl,-rpath,{tmp_path}", "-o", str(tmp_path / "main")], check=True)
    out = subprocess.run([str(tmp_path / "main")], capture_output=True, text=True, check=True).stdout
    assert out == "12 triple: expected 1 inputs and 1 outputs"


def entry(path, name):
    lib = ctypes.CDLL(str(path))
    run = getattr(lib, f"{name}_run")
    run.argtypes = [ctypes.c_void_p] * 3
    return lib, run


def test_null_pointers_and_a_misaligned_workspace_give_error_codes(tmp_path):
    persample = em.vmap(em.grad(loss), in_axes=(None, 0, 0))
    params, xs, ys = data()
    lib, run = entry(em.aot.compile(persample, params, xs, ys, output=tmp_path / "ps.so"), "ps")
    lib.ps_workspace_size.restype = ctypes.c_size_t
    lib.ps_error_string.restype = ctypes.c_char_p
    assert lib.ps_num_inputs() == 4 and lib.ps_num_outputs() == 2 and lib.ps_input_rank(9) == -1
    inputs = [np.ascontiguousarray(a) for a in (*params, xs, ys)]
    outputs = [np.empty((8, 6, 3), np.float32), np.empty((8, 3), np.float32)]
    ins = (ctypes.c_void_p * 4)(*[a.ctypes.data for a in inputs])
    outs = (ctypes.c_void_p * 2)(*[o.ctypes.data for o in outputs])
    workspace = np.zeros(lib.ps_workspace_size() + 128, np.uint8)
    aligned = workspace.ctypes.data + (-workspace.ctypes.data % 64)
    assert run(None, outs, aligned) == 1
    assert run(ins, (ctypes.c_void_p * 2)(outputs[0].ctypes.data, None), aligned) == 1
    if lib.ps_workspace_size():
        assert run(ins, outs, None) == 1
        assert run(ins, outs, aligned + 8) == 6 and lib.ps_error_string(6) == b"the workspace is not 64-byte aligned"
    assert run(ins, outs, aligned) == 0
    np.testing.assert_allclose(outputs[0], np.asarray(em.jit(persample)(params, xs, ys)[0]), rtol=1e-6, atol=1e-7)


def test_calls_from_many_threads_at_once_and_with_one_thread(tmp_path):
    f = lambda x: (enp.tanh(x) * 2).sum(axis=1)  # large enough for the thread pool
    x = np.random.default_rng(3).standard_normal((512, 2048)).astype(np.float32)
    module = em.aot.load(em.aot.compile(f, x, output=tmp_path / "rows.so"))
    want = np.asarray(em.jit(f)(x))
    results, errors = {}, []

    def call(i):
        try:
            for _ in range(5):
                results[i] = module(x * (i + 1))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i in range(4):
        np.testing.assert_allclose(results[i], np.asarray(em.jit(f)(x * (i + 1))), rtol=1e-5, atol=1e-5)
    module.set_num_threads(1)
    np.testing.assert_allclose(module(x), want, rtol=1e-6, atol=1e-6)


def test_portable_targets_and_the_cpu_check(tmp_path):
    f = lambda x: enp.exp(x) + 1
    x = np.linspace(-2, 2, 1000, dtype=np.float32)
    v2 = em.aot.load(em.aot.compile(f, x, output=tmp_path / "v2.so", target="x86-64-v2"))
    np.testing.assert_allclose(v2(x), np.exp(x) + 1, rtol=1e-6)
    v4 = em.aot.load(em.aot.compile(f, x, output=tmp_path / "v4.so", target="x86-64-v4"))
    if "avx512f" in Path("/proc/cpuinfo").read_text():
        np.testing.assert_allclose(v4(x), np.exp(x) + 1, rtol=1e-6)
    else:  # an error code on the first call, not an illegal instruction
        with pytest.raises(RuntimeError, match="this CPU lacks an instruction set the code was compiled for"):
            v4(x)
    with pytest.raises(ValueError, match=r"\[aot\] expected target in"):
        em.aot.compile(f, x, output=tmp_path / "bad.so", target="pentium")


def test_control_flow_with_max_steps_compiles_and_callbacks_are_refused_by_name(tmp_path):
    def bounded(x):
        return em.lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x), max_steps=8)[1]

    grad = em.aot.load(em.aot.compile(em.grad(bounded), np.float32(1.5), output=tmp_path / "g.so"))
    assert float(grad(np.float32(1.5))) == 8.0

    def unbounded(x):
        return em.lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x))[1]

    with pytest.raises(ValueError, match=r"^\[stack_\w+\] cannot be compiled ahead of time: .*give the while_loop a max_steps"):
        em.aot.compile(em.grad(unbounded), np.float32(1.5), output=tmp_path / "u.so")

    def printing(x):
        em.debug.print("x = {x}", x=x)
        return x + 1

    with pytest.raises(ValueError, match=r"^\[debug_callback\] cannot be compiled ahead of time: host callbacks call "
                                         r"Python.*\(at .*test_aot\.py:\d+\)"):
        em.aot.compile(printing, np.float32(1), output=tmp_path / "p.so")
    with pytest.raises(ValueError, match=r"expected a C identifier"):
        em.aot.compile(printing, np.float32(1), output=tmp_path / "p.so", name="not-an-identifier")


NVRTC = em._core._nvrtc_status()


@pytest.mark.skipif(not NVRTC["available"], reason=f"no NVRTC: {NVRTC['why']}")
@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
def test_cuda_objects_compile_without_a_gpu_and_embed_their_cubin(tmp_path, arch):
    f = lambda x, w: (em.nn.softmax(x @ w + 1.0), x.sum(0))  # a GEMM, a fused kernel with a constant, a sum
    x, w = np.ones((64, 32), np.float32), np.ones((32, 48), np.float32)
    path = em.aot.compile(f, x, w, output=tmp_path / "dev.so", target=arch)
    assert needed(path) <= ALLOWED, needed(path)  # libcuda and cuBLAS come through dlopen
    assert {"dev_run", "dev_synchronize", "dev_signature"} <= exported(path)
    assert all(s.startswith("dev_") for s in exported(path))
    assert path.read_bytes().find(b"\x7fELF", 1) > 0  # the cubin inside the object
    assert "CUdeviceptr" in (tmp_path / "dev.h").read_text()
    if not em._core._cuda_status()["available"]:
        # No driver here: the first call says so with an error code; the process goes on.
        lib, run = entry(path, "dev")
        run.argtypes = [ctypes.c_void_p] * 4
        ptrs = (ctypes.c_void_p * 2)(1024, 2048)
        assert run(ptrs, ptrs, 4096, None) == 7


@pytest.mark.skipif(not NVRTC["available"], reason=f"no NVRTC: {NVRTC['why']}")
def test_cuda_objects_compile_control_flow_scatter_and_sort(tmp_path):
    f = lambda x: em.lax.fori_loop(0, 3, lambda i, c: em.lax.cond(c.sum() > 0, lambda v: v * 2, lambda v: -v, c), x)
    path = em.aot.compile(f, np.ones(4, np.float32), output=tmp_path / "loop.so", target="sm_90")
    assert path.read_bytes().count(b"\x7fELF") >= 4  # the object, the function's cubin, the loop's, the branches'
    embedding_grad = em.grad(lambda t, ids: t[ids].sum())  # a scatter-add: a kernel of the object
    em.aot.compile(embedding_grad, np.ones((8, 3), np.float32), np.zeros(5, np.int32), output=tmp_path / "e.so",
                   target="sm_90")
    path = em.aot.compile(lambda x: (enp.sort(x), em.lax.top_k(x, 2)), np.ones((3, 4), np.float32),
                          output=tmp_path / "sort.so", target="sm_90")
    assert path.read_bytes().count(b"\x7fELF") >= 2  # the object and its cubin (tests/cuda_device runs one)
