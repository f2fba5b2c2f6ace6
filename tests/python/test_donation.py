"""Buffer donation (jit's donate_argnums / donate_argnames): what the caller sees on every backend, which
results the plan lets take a donated buffer, and that the cpu backend writes them in place."""

from __future__ import annotations

import numpy as np
import pytest

import ember as em
import ember.numpy as enp

BACKENDS = [b for b in ("interpreter", "cpu") if b in em.backends()]
native = pytest.mark.skipif("cpu" not in em.backends(), reason="ember was built without the CPU backend")

RNG = np.random.default_rng(11)


def sgd(params, grads):
    return [p - 0.1 * g for p, g in zip(params, grads)]


def reusable_inputs(fun, *args):
    return em.make_ir(fun)(*args).plan()["reusable_inputs"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_donated_arrays_are_deleted_and_results_are_right(backend):
    params = [enp.asarray(RNG.standard_normal((64, 32)).astype(np.float32)), enp.asarray(np.ones(32, np.float32))]
    grads = [np.full((64, 32), 2.0, np.float32), np.full(32, 4.0, np.float32)]
    expected = [np.asarray(p) - 0.1 * g for p, g in zip(params, grads)]
    new = em.jit(sgd, donate_argnums=0, backend=backend)(params, grads)
    for got, want in zip(new, expected):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    for p in params:
        assert p.is_deleted()
        assert p.shape and "<donated>" in repr(p)
        with pytest.raises(RuntimeError, match="donated to a jitted function"):
            np.asarray(p)
        with pytest.raises(RuntimeError, match="donated"):
            p + 1
    # What was not donated is untouched.
    np.testing.assert_array_equal(grads[0], 2.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_numpy_and_keyword_donations_leave_the_callers_objects_alone(backend):
    x = RNG.standard_normal(1000)
    kept = x.copy()
    f = em.jit(lambda x, y: x * 2 + y, donate_argnames=("x", "y"), backend=backend)
    y = enp.asarray(np.ones(1000))
    out = f(x, y=y)
    np.testing.assert_allclose(np.asarray(out), kept * 2 + 1)
    np.testing.assert_array_equal(x, kept)  # ember donated its own copy of the NumPy array
    assert y.is_deleted()  # donated by name, passed by keyword


def test_static_and_donated_together_is_an_error():
    with pytest.raises(ValueError, match="both static and donated"):
        em.jit(lambda x, n: x * n, static_argnums=1, donate_argnames="n")
    f = em.jit(lambda x, n: x * n, static_argnums=-1, donate_argnums=1)
    with pytest.raises(ValueError, match="both static and donated"):
        f(np.ones(3), 2)


def test_plan_offers_a_donated_buffer_only_to_an_elementwise_last_reader():
    x, g = np.ones((8, 16), np.float32), np.ones((8, 16), np.float32)
    assert reusable_inputs(lambda p, g: p - 0.1 * g, x, g) == [0]
    # The first result takes x; the second may take g.
    assert reusable_inputs(lambda p, g: (p * 2, g + p), x, g) in ([None, 0], [None, 1])
    # A row reduction reads every element of a row before the row is written: no reuse.
    assert reusable_inputs(lambda x: em.nn.softmax(x, axis=-1), x) == [None]
    # A transposed read would overwrite elements not yet read.
    assert reusable_inputs(lambda x: x.T + 1, np.ones((16, 16), np.float32)) == [None]
    # A later step (the copy of x to the second result) still reads x.
    assert reusable_inputs(lambda x: (x + 1, x), x) == [None, None]
    # Another dtype or shape cannot share the memory.
    assert reusable_inputs(lambda x: x.astype(np.float64), x) == [None]
    assert reusable_inputs(lambda x: x[0] + 1, x) == [None]


def test_plan_x_read_by_a_later_kernel_is_not_reused():
    # y = x + 1 is written first, then z = x * y reads x again: y may not take x's buffer.
    plan = em.make_ir(lambda x: (x + 1, x * enp.sum(x + 1)))(np.ones(100, np.float32)).plan()
    assert plan["reusable_inputs"][0] is None


@native
def test_cpu_backend_writes_the_result_over_the_donated_buffer():
    f = em.jit(lambda p, g: p - 0.5 * g, donate_argnums=0, backend="cpu")
    p = enp.asarray(np.arange(1 << 16, dtype=np.float32))
    g = enp.asarray(np.ones(1 << 16, np.float32))
    address = p.unsafe_buffer_pointer()
    out = f(p, g)
    assert out.unsafe_buffer_pointer() == address
    np.testing.assert_array_equal(np.asarray(out), np.arange(1 << 16, dtype=np.float32) - 0.5)
    # The update chains in place, call after call.
    out2 = f(out, g)
    assert out2.unsafe_buffer_pointer() == address
    np.testing.assert_array_equal(np.asarray(out2), np.arange(1 << 16, dtype=np.float32) - 1.0)


@native
def test_cpu_backend_does_not_reuse_a_buffer_someone_else_still_reads():
    f = em.jit(lambda p: p + 1, donate_argnums=0, backend="cpu")
    p = enp.asarray(np.zeros(4096, np.float32))
    view = np.asarray(p)  # NumPy now shares p's memory
    out = f(p)
    assert p.is_deleted()
    np.testing.assert_array_equal(view, 0.0)  # still the old values
    np.testing.assert_array_equal(np.asarray(out), 1.0)
    # Donated twice in one call, or donated and also passed undonated: still correct.
    q = enp.asarray(np.full(4096, 3.0, np.float32))
    out = em.jit(lambda a, b: a * b, donate_argnums=0, backend="cpu")(q, q)
    np.testing.assert_array_equal(np.asarray(out), 9.0)


@native
def test_cpu_backend_donation_under_grad_training_step():
    def loss(w, x, y):
        return enp.mean((x @ w - y) ** 2)

    def sgd_step(w, x, y):
        return w - 0.01 * em.grad(loss)(w, x, y)

    reference_step = em.jit(sgd_step, backend="interpreter")
    step = em.jit(sgd_step, donate_argnums=0, backend="cpu")
    x, y = RNG.standard_normal((32, 8)), RNG.standard_normal(32)
    w0 = RNG.standard_normal(8)
    w_ref = w0
    w = enp.asarray(w0)
    for _ in range(5):
        w_ref = reference_step(w_ref, x, y)
        w = step(w, x, y)
    np.testing.assert_allclose(np.asarray(w), np.asarray(w_ref), rtol=1e-10)
