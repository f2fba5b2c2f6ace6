"""jit: tracing, caching by signature, static arguments, pytrees, make_ir, and errors under tracing."""

import collections
import sys

import numpy as np
import pytest

import ember as em
import ember.numpy as enp


def test_issue_example_predict():
    @em.jit
    def predict(w, b, x):
        return enp.tanh(x @ w + b)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 64)).astype(np.float32)
    w = rng.standard_normal((64, 10)).astype(np.float32)
    b = np.zeros(10, np.float32)
    y = predict(w, b, x)
    assert isinstance(y, em.Array)
    np.testing.assert_allclose(np.asarray(y), np.tanh(x @ w + b), rtol=1e-5, atol=1e-5)
    text = str(em.make_ir(predict)(w, b, x))
    assert text.startswith("func @predict(")
    assert "dot_general" in text and "tanh" in text and "f32[128,10]" in text
    z = em.lax.dot_general(x, w, (([1], [0]), ([], [])))
    np.testing.assert_allclose(np.asarray(z), x @ w, rtol=1e-5, atol=1e-4)


def test_retraces_only_for_new_signatures():
    traces = []

    @em.jit
    def f(x, y):
        traces.append(1)
        return x * 2 + y

    a = np.ones(3, np.float32)
    f(a, a)
    f(a + 1, a)  # same signature: no trace
    assert len(traces) == 1
    f(np.ones(4, np.float32), np.ones(4, np.float32))  # new shape
    assert len(traces) == 2
    f(a.astype(np.float64), a.astype(np.float64))  # new dtype
    assert len(traces) == 3
    f(a, 1.0)  # a Python float is a weak float32 parameter
    f(a, 2.0)  # another value, same signature
    assert len(traces) == 4
    f(a, 1)  # a Python int is a different signature (weak int64)
    assert len(traces) == 5
    assert f._num_traces() == 5


def test_weak_python_scalars_under_jit():
    f = em.jit(lambda x, s: x * s)
    out = f(np.ones(2, np.float16), 3.0)
    assert out.dtype == np.float16
    np.testing.assert_array_equal(np.asarray(out), [3.0, 3.0])
    assert em.jit(lambda s: s * 2)(1.5).dtype == np.float32


def test_static_argnums_and_argnames():
    traces = []

    def f(x, n, *, mode="add"):
        traces.append((n, mode))
        return x + n if mode == "add" else x * n

    g = em.jit(f, static_argnums=1, static_argnames="mode")
    x = np.ones(2, np.float32)
    np.testing.assert_array_equal(np.asarray(g(x, 2)), [3, 3])
    np.testing.assert_array_equal(np.asarray(g(x, 2, mode="mul")), [2, 2])
    np.testing.assert_array_equal(np.asarray(g(x, 3)), [4, 4])
    g(x, 3)
    assert traces == [(2, "add"), (2, "mul"), (3, "add")]
    with pytest.raises(ValueError, match="hashable"):
        g(x, [1, 2])


def test_pytrees_in_and_out():
    Point = collections.namedtuple("Point", "x y")

    @em.jit
    def f(params, p):
        return {"sum": params["w"] + params["b"], "pt": Point(p.x * 2, p.y), "none": None}

    out = f({"w": np.ones(2, np.float32), "b": np.full(2, 3, np.float32)}, Point(np.ones(1, np.float32), 5.0))
    assert set(out) == {"sum", "pt", "none"}
    assert out["none"] is None
    assert isinstance(out["pt"], Point)
    np.testing.assert_array_equal(np.asarray(out["sum"]), [4, 4])
    assert float(out["pt"].y) == 5.0


def test_jit_inside_jit_is_inlined():
    inner = em.jit(lambda x: x + 1)
    outer = em.jit(lambda x: inner(x) * 2)
    np.testing.assert_array_equal(np.asarray(outer(np.zeros(2, np.float32))), [2, 2])
    assert em.make_ir(outer)(np.zeros(2, np.float32)).primitives.count("add") == 1


def test_closure_over_concrete_array_becomes_a_constant():
    w = enp.asarray(np.arange(3, dtype=np.float32))
    ir = em.make_ir(lambda x: x * w)(np.ones(3, np.float32))
    assert "constant" in ir.primitives
    assert len(ir.in_types) == 1
    np.testing.assert_array_equal(np.asarray(em.jit(lambda x: x * w)(np.ones(3, np.float32))), [0, 1, 2])


def test_creation_under_jit_is_staged_not_constant():
    ir = em.make_ir(lambda x: x + enp.arange(1000, dtype=enp.float32))(np.ones(1000, np.float32))
    assert "iota" in ir.primitives
    assert ir.num_ops <= 6


def test_python_control_flow_on_traced_value_raises():
    def f(x):
        if x > 0:  # a traced value
            return x
        return -x

    with pytest.raises(em.ConcretizationError) as info:
        em.jit(f)(np.float32(1.0))
    msg = str(info.value)
    assert msg.startswith("[bool] expected a concrete value")
    assert "ember.lax.cond" in msg and "ember.lax.while_loop" in msg
    assert "computed by gt" in msg
    assert "test_jit.py:" in msg  # the user's line
    assert isinstance(info.value, TypeError)


def test_concretization_names_the_argument():
    with pytest.raises(em.ConcretizationError, match="argument 'count'"):
        em.jit(lambda count: int(count))(3)
    with pytest.raises(em.ConcretizationError, match=r"\[__array__\]"):
        em.jit(lambda x: np.asarray(x))(np.ones(2))


def test_leaked_tracer_is_reported():
    leaked = []
    em.jit(lambda x: leaked.append(x) or x)(np.ones(2, np.float32))
    with pytest.raises(ValueError, match="leaked"):
        leaked[0] + 1


def test_make_ir_prints_parsable_text_and_runs():
    f = lambda x, y: enp.sum(enp.exp(x) * y, axis=0)  # noqa: E731
    x, y = np.ones((3, 2), np.float32), np.full((3, 2), 2, np.float32)
    ir = em.make_ir(f)(x, y)
    text = str(ir)
    reparsed = em.IR.parse(text)
    assert str(reparsed) == text
    reparsed.verify()
    np.testing.assert_allclose(np.asarray(reparsed(x, y)[0]), np.sum(np.exp(x) * y, axis=0), rtol=1e-6)


def test_shape_error_names_op_shapes_and_line():
    with pytest.raises(ValueError) as info:
        em.jit(lambda a, b: a + b)(np.ones(3, np.float32), np.ones(4, np.float32))
    msg = str(info.value)
    assert msg.startswith("[add] expected broadcastable shapes, got [3] and [4]")
    assert "test_jit.py:" in msg


def test_unknown_backend_and_device():
    with pytest.raises(ValueError, match="backend"):
        em.jit(lambda x: x, backend="tpu")
    with pytest.raises(ValueError, match="device"):
        em.jit(lambda x: x, device="cuda:0")


def test_jit_as_decorator_factory_keeps_metadata():
    @em.jit(static_argnums=(1,))
    def scaled(x, k):
        """Scales x by k."""
        return x * k

    assert scaled.__name__ == "scaled" and scaled.__doc__ == "Scales x by k."
    np.testing.assert_array_equal(np.asarray(scaled(np.ones(2, np.float32), 3)), [3, 3])


@pytest.mark.parametrize("backend", [b for b in em.backends() if b != "cuda"])
def test_numpy_arguments_read_in_place_never_alias_results(backend):
    # The cpu backend reads dense NumPy arguments without a copy: no result may share their memory, donated
    # or not, and mutating the array after the call changes nothing.
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    results = [em.jit(lambda x: x, backend=backend)(a), em.jit(lambda x: x.reshape(12), backend=backend)(a),
               em.jit(lambda x: x * 2, backend=backend, donate_argnums=0)(a)]
    a[...] = -1
    np.testing.assert_array_equal(np.asarray(results[0]), np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(np.asarray(results[1]), np.arange(12.0))
    np.testing.assert_array_equal(np.asarray(results[2]), 2 * np.arange(12.0).reshape(3, 4))


def test_a_numpy_argument_is_held_during_the_call_and_released_after_it():
    a = np.arange(1000.0)
    counts = []

    def f(x):
        y = em.pure_callback(lambda v: (counts.append(sys.getrefcount(a)), np.asarray(v))[1],
                             em.ShapeDtypeStruct(x.shape, x.dtype), x)
        return y + x

    before = sys.getrefcount(a)
    np.testing.assert_array_equal(np.asarray(em.jit(f, backend="cpu")(a)), 2 * a)
    assert counts[0] > before  # the call's view of `a` (a copy would not hold it)
    assert sys.getrefcount(a) == before  # and nothing keeps it after the call


def test_arrays_of_every_layout_and_byte_order_convert_by_value():
    base = np.arange(24.0).reshape(4, 6)
    unaligned = np.frombuffer(b"\0" + base.astype(np.float32).tobytes(), np.float32, offset=1).reshape(4, 6)
    cases = [base[:, ::2], base.T, base.astype(">f8"), (base * 1j).astype(">c8"), np.ma.masked_array(base),
             unaligned, base[:0], np.float32(3.5), base.astype(np.float32)[1]]
    for x in cases:
        want = np.asarray(x) * 2
        np.testing.assert_array_equal(np.asarray(em.jit(lambda v: v * 2)(x)), want, err_msg=repr(x.dtype))
        np.testing.assert_array_equal(np.asarray(enp.asarray(x) * 2), want, err_msg=repr(x.dtype))
