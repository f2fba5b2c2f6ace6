"""ember.lax: every primitive reachable with JAX's names and signatures; errors at call time."""

import numpy as np
import pytest

import ember as em
from ember import _core, lax

F32 = np.float32


def test_every_primitive_has_a_lax_function():
    names = {
        "not": "bitwise_not", "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
        "iota": "broadcasted_iota", "constant": None, "while": "while_loop",
        # made by em.custom_jvp / em.custom_vjp / em.checkpoint (and their differentiation), not called directly
        "custom_jvp_call": None, "custom_vjp_call": None, "custom_lin": None, "checkpoint": None,
        "debug_callback": None,  # ember.debug.callback / ember.debug.print
        "pure_callback": None,  # ember.pure_callback (top level, as jax.pure_callback)
        "stack_new": None, "stack_push": None, "stack_loop": None,  # made by reverse mode through while_loop
    }
    for prim in _core.primitive_names():
        fn = names.get(prim, prim)
        if fn is None:
            continue
        assert callable(getattr(lax, fn, None)), f"ember.lax has no function for primitive {prim}"


def test_elementwise_and_scalars():
    x = np.array([1.0, -2.0, 3.0], F32)
    np.testing.assert_array_equal(np.asarray(lax.add(x, 1.0)), x + 1)  # a Python scalar takes x's dtype
    np.testing.assert_array_equal(np.asarray(lax.max(x, 0.0)), np.maximum(x, 0))
    np.testing.assert_allclose(np.asarray(lax.logistic(x)), 1 / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(lax.round(np.array([2.5], F32), lax.RoundingMethod.TO_NEAREST_EVEN)), [2])
    np.testing.assert_array_equal(np.asarray(lax.div(np.array([7, -7], np.int32), np.array([2, 2], np.int32))), [3, -3])
    np.testing.assert_array_equal(np.asarray(lax.rem(np.array([7, -7], np.int32), np.array([0, 2], np.int32))), [0, -1])


def test_dtype_and_shape_errors_name_the_primitive():
    with pytest.raises(TypeError, match=r"^\[add\] expected operands of the same dtype, got f32\[3\] and f64\[3\]"):
        lax.add(np.ones(3, F32), np.ones(3, np.float64))
    with pytest.raises(ValueError, match=r"^\[add\] expected operands of the same shape, got f32\[3\] and f32\[4\]"):
        lax.add(np.ones(3, F32), np.ones(4, F32))
    with pytest.raises(TypeError, match=r"^\[exp\] expected a floating or complex operand, got i32\[2\]"):
        lax.exp(np.ones(2, np.int32))
    with pytest.raises(ValueError, match=r"\[reshape\]"):
        lax.reshape(np.ones(6, F32), (4,))
    with pytest.raises(ValueError, match=r"\[dot_general\] expected contracting and batch dimensions of equal size"):
        lax.dot_general(np.ones((2, 3), F32), np.ones((4, 5), F32), (([1], [0]), ([], [])))
    with pytest.raises(ValueError, match=r"test_lax.py:\d+"):
        lax.transpose(np.ones((2, 3), F32), (0, 0))


def test_structural_primitives():
    x = np.arange(24, dtype=F32).reshape(2, 3, 4)
    np.testing.assert_array_equal(np.asarray(lax.transpose(x, (2, 0, 1))), x.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(lax.slice(x, (0, 1, 0), (2, 3, 4), (1, 1, 2))), x[:, 1:3, ::2])
    np.testing.assert_array_equal(np.asarray(lax.rev(x, (0, 2))), x[::-1, :, ::-1])
    np.testing.assert_array_equal(np.asarray(lax.broadcast_in_dim(np.arange(3, dtype=F32), (2, 3), (1,))),
                                  np.broadcast_to(np.arange(3), (2, 3)))
    np.testing.assert_array_equal(np.asarray(lax.concatenate([x, x], 1)), np.concatenate([x, x], 1))
    np.testing.assert_array_equal(np.asarray(lax.pad(np.arange(1, 4, dtype=F32), 0.0, [(-1, 2, 1)])),
                                  [0, 2, 0, 3, 0, 0])
    np.testing.assert_array_equal(np.asarray(lax.dynamic_slice(x, (1, -5, 3), (1, 2, 2))), x[1:2, 0:2, 2:4])
    upd = lax.dynamic_update_slice(np.zeros((3, 3), F32), np.ones((2, 2), F32), (2, 2))
    np.testing.assert_array_equal(np.asarray(upd), np.pad(np.ones((2, 2)), ((1, 0), (1, 0))))
    np.testing.assert_array_equal(np.asarray(lax.reduce_max(x, (0, 2))), x.max(axis=(0, 2)))
    assert lax.argmax(x, 1, np.int32).dtype == np.int32
    np.testing.assert_array_equal(np.asarray(lax.broadcasted_iota(np.int32, (2, 3), 0)), [[0, 0, 0], [1, 1, 1]])
    out = lax.dot_general(np.ones((5, 2, 3), F32), np.ones((5, 3, 4), F32), (([2], [1]), ([0], [0])),
                          preferred_element_type=np.float64)
    assert out.shape == (5, 2, 4) and out.dtype == np.float64
    np.testing.assert_array_equal(np.asarray(lax.bitcast_convert_type(np.array([1.0], F32), np.uint16)).shape, (1, 2))
    np.testing.assert_array_equal(np.asarray(lax.convert_element_type(np.array([np.nan, -1e20], F32), np.int8)),
                                  [0, -128])


def test_lax_under_jit_records_the_primitive():
    ir = em.make_ir(lambda x: lax.exp2(x))(np.ones(2, F32))
    assert ir.primitives == ["exp2"]
