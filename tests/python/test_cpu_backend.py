"""The native CPU backend (lowering/plan + lowering/cpu): the fusion plan's structure, and compiled results
against NumPy and the reference executor. The op-table sweep on this backend is in test_opdb.py."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import ember as em
import ember.numpy as enp

pytestmark = pytest.mark.skipif("cpu" not in em.backends(), reason="ember was built without the CPU backend")

RNG = np.random.default_rng(7)


def gelu(x):
    return 0.5 * x * (1 + enp.tanh(0.7978845608 * (x + 0.044715 * x**3)))


def layernorm(x, g, b):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / enp.sqrt(var + 1e-5) * g + b


def mlp(params, x):
    (w1, b1), (w2, b2) = params
    h = enp.tanh(x @ w1 + b1)
    return h @ w2 + b2


def mlp_params(d_in=784, d_hidden=512, d_out=10):
    return [(RNG.standard_normal((d_in, d_hidden)).astype(np.float32) * 0.05, np.zeros(d_hidden, np.float32)),
            (RNG.standard_normal((d_hidden, d_out)).astype(np.float32) * 0.05, np.zeros(d_out, np.float32))]


def plan(f, *args):
    return em.make_ir(f)(*args).plan()


def kernels(p):
    return [s for s in p["steps"] if s["kind"] == "kernel"]


# -- the plan


def test_gelu_is_one_kernel_with_no_intermediate_in_memory():
    p = plan(gelu, np.ones((1000,), np.float32))
    assert [s["kind"] for s in p["steps"]] == ["kernel"]
    assert "tanh" in p["steps"][0]["ops"] and p["steps"][0]["storage"] == "output"
    assert p["workspace_bytes"] == 0


def test_softmax_over_rows_is_at_most_two_kernels_and_keeps_nothing_full_size():
    x = np.ones((64, 32), np.float32)
    p = plan(em.nn.softmax, x)
    assert len(kernels(p)) <= 2, p["text"]
    # Whatever is materialised between kernels is per row, never a (64, 32) intermediate.
    assert p["workspace_bytes"] < x.nbytes, p["text"]


def test_layernorm_over_rows_is_at_most_two_kernels():
    x = np.ones((64, 32), np.float32)
    p = plan(layernorm, x, np.ones(32, np.float32), np.zeros(32, np.float32))
    assert len(kernels(p)) <= 2, p["text"]
    assert p["workspace_bytes"] < x.nbytes, p["text"]


def test_mlp_forward_is_its_matrix_products_plus_one_kernel_after_each():
    p = plan(mlp, mlp_params(), np.ones((256, 784), np.float32))
    assert [s["kind"] for s in p["steps"]] == ["gemm", "kernel", "gemm", "kernel"], p["text"]
    # The bias and tanh are fused into the kernel between the products, which writes the hidden layer once.
    assert {"add", "tanh"} <= set(p["steps"][1]["ops"])


def test_a_column_reduction_read_by_every_row_is_materialised_once():
    # Fusing the column mean into the row loop would recompute it for every row: it gets its own kernel,
    # and only the mean (not a full-size array) goes to memory.
    x = np.ones((128, 64), np.float32)
    p = plan(lambda x: x - x.mean(axis=0), x)
    assert len(kernels(p)) == 2, p["text"]
    assert 0 < p["workspace_bytes"] <= 64 * 4 + 63


def test_a_column_reduction_is_its_own_kernel_even_when_one_element_of_it_is_read_per_element():
    # b - 0.1 * g.sum(0) reads each column sum once, so it could fuse; it is planned as its own kernel, which
    # adds whole rows of g into the sums instead of reducing each column with strided reads.
    p = plan(lambda g, b: b - 0.1 * g.sum(axis=0), np.ones((256, 512), np.float32), np.ones(512, np.float32))
    assert [k["ops"] for k in kernels(p)][0] == ["reduce_sum"], p["text"]
    # A short last dim (10) keeps the fused form.
    p = plan(lambda g, b: b - 0.1 * g.sum(axis=0), np.ones((256, 10), np.float32), np.ones(10, np.float32))
    assert len(kernels(p)) == 1, p["text"]


def test_a_chain_of_normalisations_materialises_instead_of_recomputing_every_stage():
    # Each stage is read both by its mean's loop and by the next stage: fused into one kernel, stage k would
    # be recomputed inside the loops of every later stage. A value is evaluated by at most two loops of a
    # kernel when it is costly (tanh here), so the chain splits about every other stage.
    def chain(x):
        for i in range(12):
            x = enp.tanh(x * (1.0 + i))
            x = x - enp.mean(x)
        return x

    p = plan(chain, np.ones(1000, np.float32))
    assert 6 <= len(kernels(p)) <= 12, p["text"]
    assert all(k["ops"].count("tanh") <= 2 for k in kernels(p)), p["text"]
    x = np.linspace(-1, 1, 1000)
    np.testing.assert_allclose(np.asarray(em.jit(chain, backend="cpu")(x)),
                               np.asarray(em.jit(chain, backend="interpreter")(x)), rtol=1e-12, atol=1e-14)


def test_blas_transposes_operands_and_results_itself():
    x, g = np.ones((256, 784), np.float32), np.ones((256, 512), np.float32)
    # x.T @ g: BLAS reads x transposed; no kernel writes x.T out.
    assert [s["kind"] for s in plan(lambda a, b: a.T @ b, x, g)["steps"]] == ["gemm"]
    # (g.T @ x).T: the product is computed as x.T @ g, in the layout of the result.
    assert [s["kind"] for s in plan(lambda a, b: (b.T @ a).T, x, g)["steps"]] == ["gemm"]
    # The weight gradients of an MLP step: every transpose is folded into a BLAS call.
    def loss(params, x):
        return enp.sum(mlp(params, x) ** 2)

    p = plan(em.grad(loss), mlp_params(), np.ones((256, 784), np.float32))
    assert not any("transpose" in s["ops"] for s in p["steps"]), p["text"]
    params, xs = mlp_params(), RNG.standard_normal((256, 784)).astype(np.float32)
    got = em.jit(em.grad(loss), backend="cpu")(params, xs)
    want = em.jit(em.grad(loss), backend="interpreter")(params, xs)
    for u, v in zip(em.tree_util.tree_leaves(got), em.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=2e-4, atol=1e-4)


def test_values_nothing_reads_are_not_planned():
    def f(x):
        enp.exp(x) * 2  # traced, never used
        return x + 1

    ir = em.make_ir(f)(np.ones(100, np.float32))
    assert "exp" in str(ir)  # the trace has it
    p = ir.plan()
    assert len(p["steps"]) == 1 and "exp" not in p["steps"][0]["ops"] and "mul" not in p["steps"][0]["ops"], p["text"]


def test_small_contractions_are_generated_as_loops_not_blas_calls():
    # vmap(grad) of a linear model produces many tiny products: no GEMM call per item.
    w = np.ones(100, np.float32)
    xs = np.ones((64, 100), np.float32)
    ys = np.ones(64, np.float32)
    per_sample = em.vmap(em.grad(lambda w, x, y: (enp.dot(x, w) - y) ** 2), in_axes=(None, 0, 0))
    p = plan(per_sample, w, xs, ys)
    assert all(s["kind"] == "kernel" for s in p["steps"]), p["text"]


def dumped_mlir(code):
    env = dict(os.environ, EMBER_DUMP="mlir", EMBER_DISK_CACHE="0")
    return subprocess.run([sys.executable, "-c", "import numpy as np, ember as em\n" + code], env=env,
                          capture_output=True, text=True, check=True).stderr


def test_softmax_evaluates_its_exponential_once_per_element():
    # The row sum's loop keeps exp(x - max) in the output row, and the output loop reads it back.
    out = dumped_mlir("em.jit(em.nn.softmax, backend='cpu')(np.ones((8, 64), np.float32))")
    assert out.count("math.exp") == 1, out


def test_ember_dump_prints_plan_mlir_and_llvm():
    code = ("import numpy as np, ember as em\n"
            "em.jit(lambda x: x * 2.0 + 1.0, backend='cpu')(np.ones(4, np.float32))\n")
    env = dict(os.environ, EMBER_DUMP="plan,mlir,llvm")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "EMBER_DUMP plan" in out.stderr and "kernel" in out.stderr
    assert "EMBER_DUMP mlir" in out.stderr and "scf.for" in out.stderr
    assert "EMBER_DUMP llvm" in out.stderr and "define" in out.stderr


# -- compiled results


def test_gelu_matches_numpy_on_many_threads():
    x = RNG.standard_normal(1_000_003).astype(np.float32)  # odd length: vector tails and thread chunks
    got = np.asarray(em.jit(gelu, backend="cpu")(x))
    want = 0.5 * x * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x.astype(np.float64) ** 3)))
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_layernorm_match_numpy(dtype):
    x = RNG.standard_normal((300, 257)).astype(dtype)
    got = np.asarray(em.jit(em.nn.softmax, backend="cpu")(x))
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, e / e.sum(axis=-1, keepdims=True), rtol=rtol, atol=1e-7)
    g, b = RNG.standard_normal(257).astype(dtype), RNG.standard_normal(257).astype(dtype)
    got = np.asarray(em.jit(layernorm, backend="cpu")(x, g, b))
    mean = x.mean(axis=-1, keepdims=True)
    want = (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + 1e-5) * g + b
    np.testing.assert_allclose(got, want, rtol=10 * rtol, atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("case", ["rows", "columns", "float16", "reversed", "donated", "two_sums"])
def test_values_kept_in_the_output_between_loops_match_the_interpreter(case):
    # Softmax-like kernels where a costly value is read by a row reduction and by the output loop: kept in
    # the output row where that is safe, recomputed where it is not (another index, a 16-bit output, a
    # parameter donated to the output that the output loop still reads).
    x = RNG.standard_normal((37, 129)).astype(np.float16 if case == "float16" else np.float32)
    y = RNG.standard_normal((37, 129)).astype(np.float32)
    f = {
        "rows": lambda x, y: em.nn.softmax(x) * y,
        "columns": lambda x, y: em.nn.softmax(x, axis=0),
        "float16": lambda x, y: em.nn.softmax(x),
        "reversed": lambda x, y: enp.exp(x)[:, ::-1] / enp.exp(x).sum(axis=1, keepdims=True),
        "donated": lambda x, y: y * (enp.exp(x) / enp.exp(x).sum(axis=1, keepdims=True)),
        "two_sums": lambda x, y: enp.tanh(x) * enp.tanh(x).sum(axis=1, keepdims=True) / (enp.tanh(x) ** 2).sum(axis=1, keepdims=True),
    }[case]
    want = np.asarray(em.jit(f, backend="interpreter")(x, y))
    compiled = em.jit(f, backend="cpu", donate_argnums=(1,) if case == "donated" else ())
    got = np.asarray(compiled(x, enp.asarray(y)))
    tol = 2e-3 if case == "float16" else 1e-5
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "any", "all"])
@pytest.mark.parametrize("shape,axis", [((256, 40), 0), ((3, 5, 33), (0, 1)), ((4, 7, 17), 1), ((5, 1000), 0)])
def test_column_reductions_match_numpy(name, shape, axis):
    # Reductions over leading dims accumulate row by row into the result (threads split the last dim when
    # it is the only kept one).
    dtypes = [np.bool_] if name in ("any", "all") else [np.float32, np.float64, np.int32]
    for dtype in dtypes:
        x = RNG.standard_normal(shape) * (0.5 if name == "prod" else 3)
        x = (x > 0) if dtype == np.bool_ else x.astype(dtype)
        if name in ("max", "min") and dtype != np.int32:
            x.flat[7] = np.nan  # propagates
        got = np.asarray(em.jit(lambda a: getattr(enp, name)(a, axis=axis), backend="cpu")(x))
        want = getattr(np, name)(x, axis=axis).astype(got.dtype)  # (NumPy sums int32 in int64)
        np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_mlp_training_step_matches_the_interpreter():
    params = mlp_params(d_in=50, d_hidden=40, d_out=10)
    x = RNG.standard_normal((32, 50)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[RNG.integers(0, 10, 32)]  # one-hot

    def loss(params, x, labels):
        logits = mlp(params, x)
        return -enp.mean(enp.sum(em.nn.log_softmax(logits) * labels, axis=-1))

    def step(params, x, labels):
        value, grads = em.value_and_grad(loss)(params, x, labels)
        return value, em.tree_util.tree_map(lambda p, g: p - 0.1 * g, params, grads)

    got = em.tree_util.tree_leaves(em.jit(step, backend="cpu")(params, x, labels))
    want = em.tree_util.tree_leaves(em.jit(step)(params, x, labels))
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-4, atol=1e-5)


def test_integer_and_conversion_semantics_are_the_interpreters():
    a = np.array([7, -7, np.iinfo(np.int32).min, 5, 0], np.int32)
    b = np.array([0, 2, -1, -3, 0], np.int32)
    f = lambda a, b: (em.lax.div(a, b), em.lax.rem(a, b), a << b, a >> b)
    for got, want in zip(em.jit(f, backend="cpu")(a, b), em.jit(f)(a, b)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    x = np.array([np.nan, np.inf, -np.inf, 3e9, -3e9, -0.5, 2.5], np.float32)
    conv = lambda x: (x.astype(enp.int32), x.astype(enp.uint8), x.astype(enp.bool_), x.astype(enp.float16))
    for got, want in zip(em.jit(conv, backend="cpu")(x), em.jit(conv)(x)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_wide_values_round_once_to_the_16_bit_floats_and_integer_powers_wrap():
    # Halfway cases that double rounding (float64 -> float32 -> 16 bits) would get wrong, and integers
    # wider than float32's significand.
    x = np.array([1 + 2.0**-11 + 2.0**-40, 1 + 2.0**-8 + 2.0**-35, 65519.99, 1e300, -2.5e-5, np.nan, -0.0])
    i = np.array([2**62 + 2**40 + 1, -(2**63), 2**53 + 1, 2**24 + 2**13 + 1, -7], np.int64)
    bf16 = np.dtype("bfloat16")

    def f(x, i):
        return (x.astype(enp.float16), x.astype(bf16), i.astype(enp.float16), i.astype(bf16),
                em.lax.bitcast_convert_type(x.astype(enp.float16), enp.uint16))

    got, want = both_backends(f, x, i)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.view(np.uint16), w.view(np.uint16))
    with np.errstate(over="ignore"):  # 1e300 and 2**62 overflow to inf in float16
        np.testing.assert_array_equal(got[0], x.astype(np.float16))  # NumPy rounds float64 -> float16 once
        np.testing.assert_array_equal(got[2], i.astype(np.float16))
    base, exponent = np.array([3, -2, 5, -1, 1, 7], np.int32), np.array([4, 3, -1, -3, -5, 40], np.int32)
    got, _ = both_backends(lambda a, b: a**b, base, exponent)
    np.testing.assert_array_equal(got[0], [81, -8, 0, -1, 1, np.int32(np.uint32(7**40 % 2**32))])


def test_nan_and_signed_zero_propagate_through_max_and_reductions():
    x = np.array([[1.0, np.nan, 3.0], [-0.0, 0.0, -1.0]], np.float32)
    f = lambda x: (x.max(axis=1), enp.maximum(x, 0.0), enp.argmax(x, axis=1), x.sum(axis=0))
    for got, want in zip(em.jit(f, backend="cpu")(x), em.jit(f)(x)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
        assert np.array_equal(np.signbit(np.asarray(got)), np.signbit(np.asarray(want)))


def test_results_that_are_inputs_constants_or_repeated_are_copied():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    c = np.ones((2, 3), np.float32)
    f = em.jit(lambda x: (x, enp.asarray(c), x + 1, x + 1), backend="cpu")
    r = [np.asarray(v) for v in f(x)]
    np.testing.assert_array_equal(r[0], x)
    np.testing.assert_array_equal(r[1], c)
    np.testing.assert_array_equal(r[2], x + 1)
    np.testing.assert_array_equal(r[3], x + 1)


def test_what_no_backend_can_run_is_a_clear_compile_time_error():
    @em.custom_vjp
    def f(x):
        return enp.sin(x)

    f.defvjp(lambda x: (enp.sin(x), x), lambda x, g: (g * enp.cos(x),))
    with pytest.raises(NotImplementedError, match=r"^\[custom_lin\] the cpu backend cannot compile it: "
                                                  r"forward-mode .*\(at .*test_cpu_backend.py:\d+\)"):
        em.jit(lambda x: em.jvp(f, (x,), (x,)), backend="cpu")(np.ones(3))


@pytest.mark.parametrize("start", [-3, 0, 2, 9])
def test_dynamic_slice_and_update_clamp_their_starts_like_the_interpreter(start):
    x = np.arange(30, dtype=np.float32).reshape(5, 6)
    u = -np.ones((2, 3), np.float32)

    def f(x, u, i):
        return em.lax.dynamic_slice(x, (i, i), (2, 3)), em.lax.dynamic_update_slice(x, u, (i, 1))

    for got, want in zip(em.jit(f, backend="cpu")(x, u, start), em.jit(f)(x, u, start)):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


# -- control flow, run-time stacks and host callbacks, compiled into the entry point


def both_backends(f, *args):
    """f jitted on the cpu backend and on the reference executor, results as NumPy arrays."""
    cpu = em.tree_util.tree_leaves(em.jit(f, backend="cpu")(*args))
    ref = em.tree_util.tree_leaves(em.jit(f, backend="interpreter")(*args))
    return [np.asarray(a) for a in cpu], [np.asarray(a) for a in ref]


def test_a_while_loop_is_one_op_step_with_its_regions_planned_inside():
    def f(x):
        return em.lax.while_loop(lambda c: c[1].sum() < 100.0, lambda c: (c[0] + 1, enp.tanh(c[1]) * 2 + c[1]),
                                 (0, x))

    p = plan(f, np.ones(8, np.float32))
    (loop,) = [s for s in p["steps"] if s["kind"] == "op"]
    assert loop["ops"] == ["while"]
    cond, body = loop["regions"]
    assert [s["kind"] for s in cond["steps"]] == ["kernel"]  # sum and compare fused
    assert "tanh" in kernels(body)[-1]["ops"] and len(kernels(body)) == 2  # the counter and the fused update
    got, want = both_backends(f, np.linspace(0.1, 1, 8).astype(np.float32))
    assert got[0] == want[0]
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)  # float32 tanh is a polynomial approximation


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_runs_its_body_per_row_and_stacks_the_outputs(reverse):
    def f(c, xs):
        return em.lax.scan(lambda c, x: (c * 0.9 + x, enp.sin(c) * x), c, xs, reverse=reverse)

    c, xs = RNG.standard_normal(5), RNG.standard_normal((7, 5))
    got, want = both_backends(f, c, xs)
    carry, ys = c.copy(), []
    for x in (xs[::-1] if reverse else xs):  # NumPy reference of the same recurrence
        ys.append(np.sin(carry) * x)
        carry = carry * 0.9 + x
    ys = np.stack(ys[::-1] if reverse else ys)
    np.testing.assert_allclose(got[0], carry, rtol=1e-12)
    np.testing.assert_allclose(got[1], ys, rtol=1e-12)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-13)


@pytest.mark.parametrize("index", [-2, 0, 1, 2, 7])
def test_switch_clamps_its_index_like_lax_switch(index):
    branches = [lambda x: x + 1, lambda x: enp.exp(x), lambda x: -x * 3]

    def f(i, x):
        return em.lax.switch(i, branches, x)

    x = np.linspace(-1, 1, 6)
    got, _ = both_backends(f, np.int32(index), x)
    np.testing.assert_allclose(got[0], np.asarray(branches[min(max(index, 0), 2)](x)), rtol=1e-15)


def test_grad_through_a_while_loop_uses_run_time_stacks():
    def loss(x):
        def body(c):
            i, y = c
            return i + 1, enp.sin(y) * x + y  # x is read in the loop: reverse mode pushes the carry each trip

        return em.lax.while_loop(lambda c: c[0] < 6, body, (0, x))[1].sum()

    x = np.linspace(-0.5, 0.5, 5)
    p = plan(em.grad(loss), x)
    assert {"stack_new", "while", "stack_loop"} <= {s["ops"][0] for s in p["steps"] if s["kind"] == "op"}
    got, want = both_backends(em.grad(loss), x)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-13)
    eps = 1e-6
    fd = np.array([(float(loss(x + eps * e)) - float(loss(x - eps * e))) / (2 * eps) for e in np.eye(5)])
    np.testing.assert_allclose(got[0], fd, rtol=1e-6)


def test_a_while_loop_past_max_steps_raises_and_the_function_stays_usable():
    f = em.jit(lambda n: em.lax.while_loop(lambda c: c < n, lambda c: c + 1, np.int32(0), max_steps=5),
               backend="cpu")
    with pytest.raises(RuntimeError, match=r"\[while\] .*max_steps"):
        f(np.int32(9))
    assert int(f(np.int32(4))) == 4


def test_custom_vjp_and_checkpoint_run_their_function_region():
    @em.custom_vjp
    def clipped_square(x):
        return x * x

    clipped_square.defvjp(lambda x: (x * x, x), lambda x, g: (enp.clip(2 * x * g, -1.0, 1.0),))

    def f(x):
        return em.checkpoint(lambda y: enp.sin(clipped_square(y)).sum())(x)

    x = np.linspace(-2, 2, 9)
    got, want = both_backends(em.value_and_grad(f), x)
    np.testing.assert_allclose(got[0], np.sin(x * x).sum(), rtol=1e-13)
    np.testing.assert_allclose(got[1], np.clip(2 * x * np.cos(x * x), -1, 1), rtol=1e-13)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-13)


def test_host_callbacks_run_from_compiled_code_and_their_errors_propagate():
    seen = []

    def f(x):
        y = em.pure_callback(lambda a: np.cumsum(a), em.ShapeDtypeStruct(x.shape, x.dtype), x * 2)
        em.debug.callback(lambda a: seen.append(np.asarray(a).copy()), y)
        return y + 1

    x = np.arange(5.0)
    np.testing.assert_array_equal(np.asarray(em.jit(f, backend="cpu")(x)), np.cumsum(2 * x) + 1)
    np.testing.assert_array_equal(seen[0], np.cumsum(2 * x))

    def wrong_shape(x):
        return em.pure_callback(lambda a: np.ones(3), em.ShapeDtypeStruct(x.shape, x.dtype), x)

    with pytest.raises(TypeError, match=r"\[pure_callback\] expected the callback's result 0 to be f64\[5\]"):
        em.jit(wrong_shape, backend="cpu")(x)


# -- gather, scatter and cumulative reductions


def test_a_gather_fuses_into_the_kernel_that_reads_it_and_fills_out_of_bounds_rows():
    def f(table, ids):
        return enp.tanh(table[ids] * 2.0).sum(axis=-1)

    table, ids = RNG.standard_normal((50, 16)), np.array([3, 0, 49, 7, 3])
    p = plan(f, table, ids)
    assert len(kernels(p)) == 1 and "gather" in kernels(p)[0]["ops"]
    got, want = both_backends(f, table, ids)
    np.testing.assert_allclose(got[0], np.tanh(table[ids] * 2).sum(-1), rtol=1e-13)
    fill = em.jit(lambda t, i: t.at[i].get(mode="fill", fill_value=np.nan), backend="cpu")(table, np.array([1, 60, -70]))
    assert np.isnan(np.asarray(fill)[1:]).all() and np.array_equal(np.asarray(fill)[0], table[1])


def test_scatter_add_applies_repeated_indices_in_order_and_drops_out_of_bounds_ones():
    def f(x, i, u):
        return x.at[i].add(u, mode="drop"), x.at[i].set(u, mode="drop"), x.at[i].max(u, mode="clip")

    x, i = np.zeros(6, np.float32), np.array([1, 4, 1, 9, -8, 1])
    u = np.arange(1, 7, dtype=np.float32)
    got, want = both_backends(f, x, i, u)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    add = np.zeros(6, np.float32)
    np.add.at(add, [1, 4, 1, 1], [1, 2, 3, 6])
    np.testing.assert_array_equal(got[0], add)
    assert got[1][1] == 6  # the last update to an index wins


@pytest.mark.parametrize("axis", [0, 1])
def test_cumulative_ops_fuse_their_producer_and_match_numpy(axis):
    x = RNG.standard_normal((5, 7))

    def f(x):
        e = enp.exp(x)
        return enp.cumsum(e, axis=axis), enp.cumprod(x, axis=axis), em.lax.cummax(x, axis=axis)

    assert [s["ops"] for s in kernels(plan(f, x))][0] == ["exp", "cumsum"]
    got, want = both_backends(f, x)
    np.testing.assert_allclose(got[0], np.cumsum(np.exp(x), axis=axis), rtol=1e-13)
    np.testing.assert_allclose(got[1], np.cumprod(x, axis=axis), rtol=1e-13)
    np.testing.assert_array_equal(got[2], np.maximum.accumulate(x, axis=axis))
    lse = em.jit(lambda x: em.lax.cumlogsumexp(x, axis=axis, reverse=True), backend="cpu")(x)
    np.testing.assert_allclose(np.asarray(lse), np.flip(np.logaddexp.accumulate(np.flip(x, axis), axis=axis), axis),
                               rtol=1e-13)


def test_sort_with_several_keys_and_top_k_call_the_support_library_in_numpys_order():
    a = np.array([[2, 1, 2, 1, 0, 2], [5, 5, 4, 4, 3, 3]], np.int32)
    b = np.array([[0.5, np.nan, -0.0, 0.0, 1.0, -1.0], [1, 2, 3, 4, 5, 6]])

    def f(a, b):
        keys = em.lax.sort((a, b, b * 10), dimension=1, num_keys=2)
        return keys, em.lax.top_k(b, 4), enp.argsort(b, axis=0)

    p = plan(f, a, b)
    assert [s["ops"] for s in p["steps"] if s["kind"] == "op"] == [["sort"], ["top_k"], ["sort"]]
    got, want = both_backends(f, a, b)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    order = np.stack([np.lexsort((b[r], a[r])) for r in range(2)])  # last key first in np.lexsort
    np.testing.assert_array_equal(got[0], np.take_along_axis(a, order, 1))
    np.testing.assert_array_equal(got[2], np.take_along_axis(b * 10, order, 1))
    np.testing.assert_array_equal(got[5], np.argsort(b, axis=0, kind="stable"))


def test_complex_arithmetic_reductions_and_functions_match_the_interpreter():
    rng = np.random.default_rng(3)
    z = (rng.standard_normal((4, 6)) + 1j * rng.standard_normal((4, 6))).astype(np.complex64)
    w = (rng.standard_normal((6, 3)) + 1j * rng.standard_normal((6, 3))).astype(np.complex64)

    def f(z, w):
        return (z * z.conj() / (z + 1j), (z @ w).sum(axis=0), enp.cumprod(z, axis=1), enp.exp(z) ** 0.5,
                enp.abs(z), z.real * z.imag, enp.sign(z), z == z[::-1])

    got, want = both_backends(f, z, w)
    for g, wv in zip(got, want):
        np.testing.assert_allclose(g, wv, rtol=2e-6, atol=1e-6)
    np.testing.assert_array_equal(got[0], want[0])  # the same product and Smith quotient, bit for bit
    np.testing.assert_allclose(got[1], (z @ w).sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(got[3], np.exp(z) ** 0.5, rtol=1e-5)


def test_batched_matmul_loops_over_blas_calls():
    x, y = RNG.standard_normal((100, 40, 50)), RNG.standard_normal((100, 50, 60))
    p = plan(lambda x, y: x @ y, x, y)
    assert [s["kind"] for s in p["steps"]] == ["gemm"]
    got = np.asarray(em.jit(lambda x, y: x @ y, backend="cpu")(x, y))
    np.testing.assert_allclose(got, x @ y, rtol=1e-12)
