"""ember.debug.print / debug.callback (ordered effects that run with the program) and pure_callback."""

import numpy as np
import pytest

import ember as em
import ember.numpy as enp


def test_debug_print_runs_at_run_time_in_program_order(capsys):
    def f(x):
        em.debug.print("first {}", x)
        y = x * 2
        em.debug.print("second {y}", y=y)
        em.debug.print("second {y}", y=y)  # an identical print is not merged away
        return y

    jitted = em.jit(f)
    jitted(1.0)
    jitted(5.0)  # cached: no retrace, the prints still run with the new values
    assert capsys.readouterr().out.splitlines() == ["first 1.0", "second 2.0", "second 2.0",
                                                    "first 5.0", "second 10.0", "second 10.0"]


def test_debug_print_survives_dead_code_and_transforms(capsys):
    def f(x):
        em.debug.print("x={}", x)  # its value is unused: DCE must keep the effect
        return enp.sin(x)

    g = em.grad(f)(0.0)
    assert float(g) == 1.0
    assert capsys.readouterr().out.splitlines() == ["x=0.0"]  # once: not at trace time, not in the backward
    em.jit(em.grad(f))(0.5)
    assert capsys.readouterr().out.splitlines() == ["x=0.5"]
    em.vmap(f)(np.array([1.0, 2.0], np.float32))  # under vmap, the whole batch
    assert capsys.readouterr().out.splitlines() == ["x=[1. 2.]"]

    def loop(x):
        def body(c, xi):
            em.debug.print("step {}", xi)
            return c + xi, None
        return em.lax.scan(body, 0.0, x)[0]

    em.jit(loop)(np.arange(3.0, dtype=np.float32))
    assert capsys.readouterr().out.splitlines() == ["step 0.0", "step 1.0", "step 2.0"]


def test_pure_callback_matches_numpy_and_checks_its_results():
    def host_sinc(x):
        assert isinstance(x, np.ndarray)  # the callback sees NumPy arrays
        return np.sinc(x)

    def f(x):
        return em.pure_callback(host_sinc, em.ShapeDtypeStruct(x.shape, x.dtype), x) * 2

    x = np.linspace(-2, 2, 7).astype(np.float32)
    np.testing.assert_allclose(np.asarray(f(x)), 2 * np.sinc(x), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(em.jit(f)(x)), 2 * np.sinc(x), rtol=1e-6)

    def wrong_shape(x):
        return em.pure_callback(lambda v: np.zeros(3, np.float32), em.ShapeDtypeStruct((2,), np.float32), x)

    with pytest.raises(TypeError, match=r"pure_callback.*f32\[2\]"):
        wrong_shape(np.ones(2, np.float32))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        em.pure_callback(lambda v: 1 // 0, em.ShapeDtypeStruct((), np.int32), 1)
    with pytest.raises(NotImplementedError, match="custom_jvp"):
        em.grad(lambda v: em.pure_callback(np.sin, em.ShapeDtypeStruct((), np.float32), v))(np.float32(1.0))


def test_pure_callback_under_vmap():
    calls = []

    def host(x, y):
        calls.append(x.shape)
        return x * y

    def f(x, y):
        return em.pure_callback(host, em.ShapeDtypeStruct(x.shape, x.dtype), x, y)

    xs = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    y = np.array([3.0, -1.0], np.float32)
    np.testing.assert_array_equal(np.asarray(em.vmap(f, in_axes=(0, None))(xs, y)), xs * y)
    assert calls == [(2,)] * 3  # sequential: once per batch member
    calls.clear()

    def g(x, y):
        return em.pure_callback(host, em.ShapeDtypeStruct(x.shape, x.dtype), x, y, vmap_method="broadcast_all")

    np.testing.assert_array_equal(np.asarray(em.vmap(g, in_axes=(0, None))(xs, y)), xs * y)
    assert calls == [(3, 2)]  # once, with every argument batched (y broadcast)
    with pytest.raises(ValueError, match="vmap_method"):
        em.pure_callback(host, em.ShapeDtypeStruct((), np.float32), 1.0, 2.0, vmap_method="bogus")
