"""The cuda backend end to end on a CUDA device: arrays on the device, jit placing calls where their
arguments are, results left on the device until the host reads them, mixed-device and out-of-memory errors,
cuBLAS products, and a fixed-seed sample of the op table against eager mode (every case with
EMBER_FULL_SWEEP=1). scripts/test.sh runs this folder on the emulated device of tests/cuda_emulator (no GPU
needed); tests/gpu/run.sh runs it on a GPU."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from opdb import ALL_OPS, DEFAULT_TOL, edge_values, random_values
from test_opdb import _eager_and_jit, assert_matches, samples_for, tolerance

GPUS = em.devices("cuda")  # raises, saying why, where there is no CUDA device: these tests need one
GPU = GPUS[0]
FULL = os.environ.get("EMBER_FULL_SWEEP") == "1"


def softmax_reference(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_device_put_round_trips_values_dtype_shape_and_weak_type():
    rng = np.random.default_rng(0)
    for host in [rng.standard_normal((3, 5)).astype(np.float32), np.arange(7, dtype=np.int16),
                 np.array([True, False]), np.zeros((0, 4), np.float64), rng.standard_normal(4).astype(enp.bfloat16)]:
        x = em.device_put(host, GPU)
        assert x.device == GPU and x.shape == host.shape and x.dtype == host.dtype
        np.testing.assert_array_equal(np.asarray(x), host)
    weak = em.device_put(2.5, GPU)
    assert weak.weak_type and weak.device == GPU and float(weak) == 2.5
    back = em.device_put(em.device_put(np.ones(3, np.float32), GPU), "cpu")
    assert back.device == em.devices("cpu")[0]
    tree = em.device_put({"w": np.ones(2, np.float32), "b": [np.zeros(1, np.float32)]}, GPU)
    assert {leaf.device for leaf in em.tree_util.tree_leaves(tree)} == {GPU}
    np.testing.assert_array_equal(em.device_get(tree)["w"], np.ones(2, np.float32))


def test_device_put_to_a_device_that_does_not_exist_says_so():
    with pytest.raises(ValueError, match=r"\[device_put\] no device CudaDevice\(id=99\)"):
        em.device_put(np.ones(2), em.Device("cuda", 99))


def test_jit_runs_where_its_arguments_are_and_leaves_results_there():
    x = np.random.default_rng(1).standard_normal((64, 100)).astype(np.float32)
    f = em.jit(em.nn.softmax)
    y = f(em.device_put(x, GPU))
    assert y.device == GPU
    np.testing.assert_allclose(np.asarray(y), softmax_reference(x), rtol=1e-5, atol=1e-7)
    assert f(x).device == em.devices("cpu")[0]  # host arguments: the host backend
    # A device result feeds the next call without leaving the device, and the cache holds one entry per device.
    z = f(y)
    assert z.device == GPU and f._cache_size() == 2
    np.testing.assert_allclose(np.asarray(z), softmax_reference(softmax_reference(x)), rtol=1e-5, atol=1e-7)


def test_jit_with_a_device_copies_host_arguments_in():
    x = np.linspace(-3, 3, 50, dtype=np.float32)
    y = em.jit(lambda a: enp.tanh(a) * 2, device=GPU)(x)
    assert y.device == GPU
    np.testing.assert_allclose(np.asarray(y), np.tanh(x) * 2, rtol=1e-6)


def test_eager_ops_on_device_arrays_give_device_arrays():
    x = em.device_put(np.arange(6, dtype=np.float32).reshape(2, 3), GPU)
    y = (x * 2 + 1).sum(axis=0)
    assert y.device == GPU
    np.testing.assert_array_equal(np.asarray(y), (np.arange(6, dtype=np.float32).reshape(2, 3) * 2 + 1).sum(0))
    assert float(x[1, 2]) == 5.0 and bool(x.max() == 5)


def test_constants_and_several_results_on_the_device():
    table = np.arange(12, dtype=np.float32).reshape(3, 4)

    @em.jit
    def f(x):
        return x + table, (x * table).sum(), x.T

    x = em.device_put(np.ones((3, 4), np.float32), GPU)
    for _ in range(2):  # the constant lives on the device from compile time: a second call reads it again
        a, s, t = f(x)
        assert {a.device, s.device, t.device} == {GPU}
        np.testing.assert_array_equal(np.asarray(a), table + 1)
        assert float(s) == table.sum()
        np.testing.assert_array_equal(np.asarray(t), np.ones((4, 3), np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_matrix_products_through_cublas(dtype):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((3, 40, 70)).astype(dtype), rng.standard_normal((70, 90)).astype(dtype)
    if np.dtype(dtype).kind == "c":
        a, b = a + 1j * rng.standard_normal(a.shape).astype(dtype), b - 2j * rng.standard_normal(b.shape).astype(dtype)
    f = em.jit(lambda a, b: (a @ b, a.transpose(0, 2, 1).transpose(0, 2, 1) @ b[:, :5]))
    assert "gemm" in em._core._cuda_source(em.make_ir(f)(a, b))["steps"]
    p, q = f(em.device_put(a, GPU), em.device_put(b, GPU))
    tol = 1e-4 if dtype in (np.float32, np.complex64) else 1e-12
    np.testing.assert_allclose(np.asarray(p), a @ b, rtol=tol, atol=tol)
    np.testing.assert_allclose(np.asarray(q), a @ b[:, :5], rtol=tol, atol=tol)


def test_a_training_step_runs_on_the_device():
    rng = np.random.default_rng(3)
    params = {"w": rng.standard_normal((20, 5)).astype(np.float32) * 0.1, "b": np.zeros(5, np.float32)}
    x, labels = rng.standard_normal((32, 20)).astype(np.float32), np.eye(5, dtype=np.float32)[rng.integers(0, 5, 32)]

    def loss(p, x, labels):
        return -enp.mean(enp.sum(em.nn.log_softmax(x @ p["w"] + p["b"]) * labels, axis=-1))

    step = em.jit(lambda p, x, l: em.tree_util.tree_map(lambda v, g: v - 0.5 * g, p, em.grad(loss)(p, x, l)))
    on_device = em.device_put((params, x, labels), GPU)
    on_host = params
    for _ in range(3):
        on_device = (step(*on_device), on_device[1], on_device[2])
        on_host = em.jit(step, backend="interpreter")(on_host, x, labels)
    assert on_device[0]["w"].device == GPU
    np.testing.assert_allclose(np.asarray(on_device[0]["w"]), np.asarray(on_host["w"]), rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(len(GPUS) < 2, reason="needs two CUDA devices (the emulated device has two)")
def test_mixing_devices_is_an_error_naming_them():
    a, b = em.device_put(np.ones(3, np.float32), GPUS[0]), em.device_put(np.ones(3, np.float32), GPUS[1])
    with pytest.raises(ValueError, match=r"\[add\] expected operands on one device, got cuda:0 and cuda:1"):
        a + b
    with pytest.raises(ValueError, match=r"\[jit\] expected arguments on one device, got x on cuda:0 and y on cuda:1"):
        em.jit(lambda x, y: x * y)(a, b)
    with pytest.raises(ValueError, match=r"\[jit\] expected arguments on cuda:1 \(jit's device\), got x on cuda:0"):
        em.jit(lambda x: x * 2, device=GPUS[1])(a)
    c = em.jit(lambda x: x * 2)(b)  # each device works on its own
    assert c.device == GPUS[1] and np.asarray(c).tolist() == [2, 2, 2]


def test_out_of_device_memory_is_a_runtime_error_and_the_device_stays_usable():
    huge = em.jit(lambda x: enp.broadcast_to(x, (2**38,)) + 1)  # 1 TiB of float32
    with pytest.raises(RuntimeError, match=r"\[cuda\] out of device memory allocating 1099511627776 bytes on cuda:0"):
        huge(em.device_put(np.ones(1, np.float32), GPU))
    y = em.jit(lambda x: x + 1)(em.device_put(np.ones(4, np.float32), GPU))
    assert np.asarray(y).tolist() == [2, 2, 2, 2]


def test_a_source_nvrtc_rejects_is_an_error_with_the_source_written_to_a_file():
    with pytest.raises(RuntimeError, match=r"NVRTC rejected the generated CUDA source .*written to (\S+)\)") as info:
        em._core._nvrtc_compile('extern "C" __global__ void k(float* x) { x[0] = undefined_name; }', "broken", 90)
    path = info.value.args[0].split("written to ")[1].split(")")[0]
    assert "undefined_name" in open(path).read()
    os.remove(path)


def test_block_until_ready_returns_the_array_on_its_device():
    y = em.jit(lambda x: x * 3)(em.device_put(np.ones(5, np.float32), GPU)).block_until_ready()
    assert y.device == GPU and np.asarray(y).tolist() == [3.0] * 5


def op_table_sample():
    """A fixed-seed sample of (op, primary dtype) pairs; every pair of every dtype with EMBER_FULL_SWEEP=1."""
    chooser = random.Random(4321)
    pairs = []
    for op in ALL_OPS:
        for d in op.dtypes:
            primary = d == ("float32" if "float32" in op.dtypes else op.dtypes[0])
            if FULL or (primary and chooser.random() < 0.12):
                pairs.append(pytest.param(op, d, id=f"{op.name}-{d}"))
    return pairs


# Each case runs on the device and matches eager mode: the generator covers every op of the table (a
# NotImplementedError here is a failure).
@pytest.mark.parametrize("op,dtype", op_table_sample())
def test_op_table_cases_match_eager(op, dtype):
    for sample in samples_for(op, dtype):
        what = f"{op.name}{sample!r}"
        eager, got = _eager_and_jit(op, sample, "cuda")
        for k, (g, e) in enumerate(zip(got, eager)):
            assert_matches(g, e, e.dtype, tolerance(op, e.dtype), what if len(got) == 1 else f"{what} result {k}")


def test_cubins_are_cached_on_disk_for_the_next_process(tmp_path):
    script = ("import numpy as np, ember as em\n"
              "x = em.device_put(np.arange(8, dtype=np.float32), em.devices('cuda')[0])\n"
              "y = em.jit(lambda x: (x * x).sum() - 3)(x)\n"
              "s = em._core._nvrtc_status()\n"
              "print(float(y), s['compiles'], s['disk_hits'])\n")
    env = dict(os.environ, EMBER_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [r.stdout.split() for r in runs] == [["137.0", "1", "0"], ["137.0", "0", "1"]]
    assert len(list((tmp_path / "cuda").iterdir())) == 1


def test_tensorfloat32_products_only_when_asked_for():
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((64, 256)).astype(np.float32), rng.standard_normal((256, 64)).astype(np.float32)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    args = em.device_put((a, b), GPU)
    default = np.asarray(em.jit(lambda a, b: a @ b)(*args))
    tf32 = np.asarray(em.jit(lambda a, b: a @ b, compiler_options={"matmul_precision": "tensorfloat32"})(*args))
    scale = np.abs(exact).max()
    assert np.abs(default - exact).max() < 1e-5 * scale
    # TF32 keeps 10 of float32's 23 mantissa bits: errors near 1e-3 of the scale, not float32's 1e-7.
    assert 1e-5 * scale < np.abs(tf32 - exact).max() < 1e-2 * scale
    with pytest.raises(ValueError, match="matmul_precision"):
        em.jit(lambda a: a, compiler_options={"matmul_precision": "bfloat16"})


def on_device_and_on_the_interpreter(f, *args):
    """f jitted on the device (arguments put there first) and on the reference executor, as NumPy arrays."""
    got = em.jit(f)(*em.device_put(args, GPU))
    assert {leaf.device for leaf in em.tree_util.tree_leaves(got)} == {GPU}
    want = em.jit(f, backend="interpreter")(*args)
    return em.device_get(got), em.device_get(want)


def test_control_flow_runs_its_regions_on_the_device():
    def f(x, n):
        total = em.lax.fori_loop(0, 5, lambda i, c: c + enp.sin(c) * i, x)
        halved = em.lax.while_loop(lambda c: c[1] > 1.0, lambda c: (c[0] + 1, c[1] / 2), (0, n))
        branch = em.lax.switch(halved[0] % 3, [lambda v: v * 2, lambda v: -v, lambda v: enp.exp(v)], total)
        picked = em.lax.cond(n > 100.0, lambda v: v.sum(), lambda v: v.max(), branch)

        def step(carry, row):
            carry = carry * 0.5 + row
            return carry, carry.sum()

        last, sums = em.lax.scan(step, enp.zeros(x.shape[1]), x)
        back, rsums = em.lax.scan(step, enp.zeros(x.shape[1]), x, reverse=True)
        return total, halved, branch, picked, last, sums, back, rsums

    x = np.random.default_rng(6).standard_normal((7, 3)).astype(np.float32)
    for n in (np.float32(37.0), np.float32(1000.0)):
        got, want = on_device_and_on_the_interpreter(f, x, n)
        for g, w in zip(em.tree_util.tree_leaves(got), em.tree_util.tree_leaves(want)):
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


def test_gradients_through_scan_checkpoint_and_custom_rules_on_the_device():
    @em.custom_jvp
    def softplus(x):
        return enp.log1p(enp.exp(x))

    softplus.defjvp(lambda primals, tangents: (softplus(primals[0]), tangents[0] / (1 + enp.exp(-primals[0]))))

    def loss(w, xs):
        def step(h, x):
            h = em.checkpoint(lambda h: enp.tanh(h @ w + x))(h)
            return h, softplus(h).sum()

        _, ys = em.lax.scan(step, enp.zeros(w.shape[0]), xs)
        return ys.sum()

    rng = np.random.default_rng(7)
    w, xs = rng.standard_normal((4, 4)).astype(np.float32) * 0.5, rng.standard_normal((6, 4)).astype(np.float32)
    got, want = on_device_and_on_the_interpreter(em.value_and_grad(loss), w, xs)
    for g, v in zip(em.tree_util.tree_leaves(got), em.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(g, v, rtol=1e-5, atol=1e-6)


def test_scatters_are_serial_device_kernels_in_update_order():
    def f(table, ids, grad_rows):
        # An embedding's gradient (repeated ids add up, in order), every scatter mode, and dropped updates.
        grad = em.grad(lambda t: (t[ids] * grad_rows).sum())(table)
        z = enp.zeros(6, np.float32)
        k = np.array([0, 2, 2, 9], np.int32)  # index 9 is out of bounds: dropped
        v = np.array([1.0, -2.0, 5.0, 7.0], np.float32)
        drop = {"mode": "drop"}
        return (grad, z.at[k].set(v, **drop), z.at[k].add(v, **drop), (z + 1).at[k].multiply(v, **drop),
                z.at[k].max(v, **drop), z.at[k].min(v, **drop))

    rng = np.random.default_rng(12)
    table, rows = rng.standard_normal((10, 4)).astype(np.float32), rng.standard_normal((7, 4)).astype(np.float32)
    ids = np.array([3, 1, 3, 3, 0, 9, 1], np.int32)
    source = em._core._cuda_source(em.make_ir(f)(table, ids, rows))
    assert sum(k["serial"] for k in source["kernels"]) >= 6  # each scatter is a kernel, not a host step
    got, want = on_device_and_on_the_interpreter(f, table, ids, rows)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


def test_callbacks_run_on_the_host_between_device_kernels():
    def f(x, i):
        s = enp.sort(x * 2, axis=-1)
        updated = s.at[i].add(100.0)
        em.debug.print("sum {s}", s=updated.sum(), ordered=True)
        doubled = em.pure_callback(lambda v: np.asarray(v) * 2, em.ShapeDtypeStruct(x.shape, x.dtype), updated)
        return doubled + 1, enp.argsort(x, axis=0)

    x = np.random.default_rng(8).standard_normal((5, 6)).astype(np.float32)
    got, want = on_device_and_on_the_interpreter(f, x, np.array([0, 3], np.int32))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_sort_and_top_k_are_device_kernels_in_numpys_order():
    rng = np.random.default_rng(12)
    ties = rng.integers(-3, 3, (4, 700)).astype(np.float32)  # rows longer than a block, many ties
    ties[0, ::7] = np.nan
    ties[1, ::5] = -0.0
    complex_values = (rng.integers(-2, 2, (3, 40)) + 1j * rng.integers(-2, 2, (3, 40))).astype(np.complex64)
    complex_values[0, ::6] = np.nan + 1j
    complex_values[1, ::9] = 1 + 1j * np.nan

    def f(x, keys, c, h):
        by_two_keys = em.lax.sort((keys[0], keys[1], x[:2, :300]), dimension=-1, num_keys=2)
        return (enp.sort(x, axis=-1), enp.argsort(x, axis=0), by_two_keys, enp.sort(c, axis=-1),
                em.lax.top_k(x, 5), enp.sort(h, axis=1), enp.sort(x[:, :0], axis=-1))

    args = (ties, rng.integers(0, 3, (2, 2, 300)).astype(np.int8), complex_values,
            rng.standard_normal((3, 5, 2)).astype(np.float16))
    source = em._core._cuda_source(em.make_ir(f)(*args))
    assert sum(k["scratch"] for k in source["kernels"]) == 7  # each sort (argsort's too) and the top_k
    got, want = on_device_and_on_the_interpreter(f, *args)
    for g, w in zip(em.tree_util.tree_leaves(got), em.tree_util.tree_leaves(want)):
        np.testing.assert_array_equal(g, w)
        np.testing.assert_array_equal(np.signbit(np.real(g)), np.signbit(np.real(w)))


def test_reverse_mode_through_while_loop_without_max_steps_is_refused_by_name():
    def loss(x):
        return em.lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x))[1]

    with pytest.raises(NotImplementedError, match=r"^\[stack_\w+\] the cuda backend has no run-time stacks"):
        em.jit(em.grad(loss))(em.device_put(np.float32(1.5), GPU))
    bounded = lambda x: em.lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x), max_steps=8)[1]
    assert float(em.jit(em.grad(bounded))(em.device_put(np.float32(1.5), GPU))) == 8.0


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_16_bit_products_go_to_cublas_and_round_once(dtype):
    dtype = np.dtype(enp.bfloat16) if dtype == "bfloat16" else np.dtype(dtype)
    rng = np.random.default_rng(9)
    a, b = rng.standard_normal((2, 48, 64)).astype(dtype), rng.standard_normal((64, 40)).astype(dtype)
    f = lambda a, b: a @ b
    assert "gemm" in em._core._cuda_source(em.make_ir(f)(a, b))["steps"]
    got = np.asarray(em.jit(f)(*em.device_put((a, b), GPU))).astype(np.float64)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    # float32 accumulation, one rounding to the 16-bit type: within one unit in the last place of the result.
    ulp = 2.0 ** -(10 if dtype == np.float16 else 7)
    assert np.all(np.abs(got - exact) <= ulp * np.abs(exact) + 1e-3)


def test_ahead_of_time_objects_run_on_the_device(tmp_path):
    def loss(params, x, y):
        w, b = params
        return enp.mean((enp.tanh(x @ w + b) - y) ** 2)

    rng = np.random.default_rng(10)
    params = (rng.standard_normal((40, 48)).astype(np.float32), rng.standard_normal(48).astype(np.float32))
    x, y = rng.standard_normal((64, 40)).astype(np.float32), rng.standard_normal((64, 48)).astype(np.float32)
    step = em.value_and_grad(loss)
    module = em.aot.load(em.aot.compile(step, params, x, y, output=tmp_path / "step.so", target="cuda"))
    value, (dw, db) = module(params, x, y)
    want_value, (want_dw, want_db) = em.jit(step, backend="interpreter")(params, x, y)
    assert value.device == GPU
    np.testing.assert_allclose(np.asarray(value), np.asarray(want_value), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(dw), np.asarray(want_dw), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np.asarray(db), np.asarray(want_db), rtol=1e-4, atol=1e-6)


def test_ahead_of_time_objects_run_control_flow_and_sort_on_the_device(tmp_path):
    def f(x, n):
        total = em.lax.fori_loop(0, 4, lambda i, c: c + enp.sin(c) * i, x)
        halved = em.lax.while_loop(lambda c: c[1] > 1.0, lambda c: (c[0] + 1, c[1] / 2), (0, n), max_steps=64)
        branch = em.lax.switch(halved[0] % 3, [lambda v: v * 2, lambda v: -v, lambda v: enp.exp(v)], total)
        last, sums = em.lax.scan(lambda c, row: (c * 0.5 + row, (c * row).sum()), enp.zeros(x.shape[1]), x,
                                 reverse=True)
        return total, halved, branch, last, sums, enp.sort(x, axis=0), em.lax.top_k(x, 2)

    x = np.random.default_rng(11).standard_normal((5, 3)).astype(np.float32)
    module = em.aot.load(em.aot.compile(f, x, np.float32(37.0), output=tmp_path / "flow.so", target="cuda"))
    for n in (np.float32(37.0), np.float32(1000.0)):
        got = em.tree_util.tree_leaves(module(x, n))
        want = em.tree_util.tree_leaves(em.jit(f, backend="interpreter")(x, n))
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6, atol=1e-6)
    bounded = em.aot.load(em.aot.compile(
        lambda n: em.lax.while_loop(lambda c: c > 1.0, lambda c: c / 2, n, max_steps=3), np.float32(1.0),
        output=tmp_path / "bounded.so", target="cuda"))
    assert float(np.asarray(bounded(np.float32(4.0)))) == 1.0
    with pytest.raises(RuntimeError, match="a while_loop ran past its max_steps"):
        bounded(np.float32(1000.0))


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "float64", "int8", "bool"])
def test_vectorised_elementwise_loops_with_their_tail_and_unaligned_views(dtype):
    dtype = np.dtype(enp.bfloat16) if dtype == "bfloat16" else np.dtype(dtype)
    rng = np.random.default_rng(13)
    x = (rng.standard_normal((7, 1003)) * 3).astype(dtype)  # 7021 elements: 1755 chunks of 4 and a tail of 1
    bias = (rng.standard_normal(1003) * 3).astype(dtype)
    if dtype == np.bool_:
        f = lambda x, b: (x ^ b[None, :]) | ~x
    else:
        f = lambda x, b: x * 2 - b[None, :]
    source = em._core._cuda_source(em.make_ir(f)(x, bias))["code"]
    assert "ember_vec4<" in source and "if (ember_aligned)" in source
    got, want = on_device_and_on_the_interpreter(f, x, bias)
    np.testing.assert_array_equal(got, want)

    # Scan rows of 301 elements are views at 301-element offsets: most are not 32-byte aligned, so those rows
    # take the scalar loop and the others the vectorised one.
    def g(xs):
        return em.lax.scan(lambda c, row: (c + row, row * 3), enp.zeros(xs.shape[1], xs.dtype), xs)

    xs = rng.integers(-3, 3, (9, 301)).astype(np.float32)
    got, want = on_device_and_on_the_interpreter(g, xs)
    for a, b in zip(em.tree_util.tree_leaves(got), em.tree_util.tree_leaves(want)):
        np.testing.assert_array_equal(a, b)


COMPLEX_FUNCTIONS = ["exp", "exp2", "expm1", "log", "log1p", "sqrt", "sin", "cos", "tan", "arcsin", "arccos",
                     "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sign", "abs", "conj",
                     "real", "imag", "reciprocal"]


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_functions_match_the_reference_executor_at_random_and_edge_values(dtype):
    # The edge values have infinite and NaN parts and signed zeros: Annex G's special cases.
    rng = np.random.default_rng(13)
    x = np.concatenate([random_values(rng, dtype, (300,)), edge_values(dtype), [1 + 1e-300j, 1e-5 - 2e-5j]])
    x = x.astype(dtype)
    tol = DEFAULT_TOL[dtype]
    for name in COMPLEX_FUNCTIONS:
        f = getattr(enp, name)
        got, want = on_device_and_on_the_interpreter(f, x)
        assert_matches(got, want, want.dtype, tol, f"{name}({dtype})")
    for name, f in [("divide", lambda a, b: a / b), ("equal", lambda a, b: a == b)]:
        got, want = on_device_and_on_the_interpreter(f, x[:, None], x[None, ::7])
        assert_matches(got, want, want.dtype, tol, f"{name}({dtype})")
    # Exponents for which z ** w is well conditioned at |z| <= 4, and special ones.
    exponents = np.array([0, 1, 2, 3, -1, 0.5, 1.5 - 0.5j, -2 + 1j, np.inf, np.nan, 1j * np.inf], dtype)
    got, want = on_device_and_on_the_interpreter(lambda a, b: a ** b, x[:, None], exponents[None, :])
    assert_matches(got, want, want.dtype, tol, f"power({dtype})")


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_reductions_products_and_updates_on_the_device(dtype):
    rng = np.random.default_rng(14)
    a, b = random_values(rng, dtype, (64, 512)), random_values(rng, dtype, (512, 24))
    table = np.array([1 + 2j, -3j, 0.5], dtype)  # an array constant

    def f(a, b, i):
        row_sums = enp.sum(a * enp.exp(a[:, :1]), axis=1)  # a block reduction per row
        # a @ b is large enough for cuBLAS; the small product is a generated kernel.
        return (row_sums, enp.prod(a[:4, :6], axis=0), a @ b, a[:3, :8] @ b[:8, :2], enp.cumsum(a[:3], axis=1),
                enp.cumprod(a[:2, :5], axis=1), enp.zeros(8, dtype).at[i].add(a[0, :5]),
                (a[:2, :3].real * table).astype(dtype), a[:3, :3].astype(np.float32), a[0].astype(bool),
                a[:2, :2] ** 3, enp.mean(a, axis=0))

    args = (a, b, np.array([0, 3, 3, 7, 1], np.int32))
    got, want = on_device_and_on_the_interpreter(f, *args)
    for k, (g, w) in enumerate(zip(got, want)):
        tol = (1e-4, 1e-4) if dtype == "complex64" else (1e-12, 1e-12)
        assert_matches(g, w, w.dtype, tol, f"result {k}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_functions_on_the_device_are_the_support_librarys(dtype):
    x = np.concatenate([np.linspace(-30, 30, 241), [0.0, -0.0, np.inf, -np.inf, np.nan, -2.0, 1.4616321449683622,
                                                    1e-300, 700.0]]).astype(dtype)
    fs = [em.lax.digamma, em.lax.bessel_i0e, em.lax.bessel_i1e,
          lambda v: em.lax.polygamma(enp.full_like(v, 3), v), lambda v: em.lax.polygamma(enp.ones_like(v), -v)]
    for k, f in enumerate(fs):
        got, want = on_device_and_on_the_interpreter(f, x)
        np.testing.assert_allclose(got, want, rtol=1e-13 if dtype == "float64" else 1e-6, atol=0,
                                   equal_nan=True, err_msg=f"function {k}")
