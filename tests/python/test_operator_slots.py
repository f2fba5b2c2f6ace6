"""The Python operators of ember.Array are CPython number-protocol slots (python/src/array.cc): either operand
may be the ember array, errors are ember's, and traced values go through the same path. References are
NumPy's results."""

import operator

import numpy as np
import pytest

import ember as em
import ember.numpy as enp

BINARY = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
          operator.pow, operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@pytest.mark.parametrize("op", BINARY, ids=lambda f: f.__name__)
def test_numpy_operand_on_either_side(op):
    x = np.array([0.5, 1.5, 3.0, -2.0], np.float32)
    y = np.array([2.0, 1.5, 0.25, 4.0], np.float32)
    ex, ey = enp.asarray(x), enp.asarray(y)
    for got, want in [(op(ex, y), op(x, y)), (op(x, ey), op(x, y)), (op(ex, ey), op(x, y))]:
        assert isinstance(got, em.Array)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_bitwise_shift_and_matmul_slots_with_numpy_on_the_left():
    i = np.array([1, 6, 12], np.int32)
    ei = enp.asarray(i)
    np.testing.assert_array_equal(np.asarray(np.int32(7) & ei), 7 & i)
    np.testing.assert_array_equal(np.asarray(i | ei), i | i)
    np.testing.assert_array_equal(np.asarray(i ^ ei), i ^ i)
    np.testing.assert_array_equal(np.asarray(i << ei), i << i)
    np.testing.assert_array_equal(np.asarray(i >> enp.asarray(np.array([1, 1, 2], np.int32))), i >> [1, 1, 2])
    m = np.arange(9, dtype=np.float32).reshape(3, 3)
    np.testing.assert_array_equal(np.asarray(m @ enp.asarray(m)), m @ m)


def test_unary_slots():
    x = np.array([-1.5, 0.0, 2.0], np.float32)
    ex = enp.asarray(x)
    np.testing.assert_array_equal(np.asarray(-ex), -x)
    np.testing.assert_array_equal(np.asarray(+ex), x)
    np.testing.assert_array_equal(np.asarray(abs(ex)), np.abs(x))
    np.testing.assert_array_equal(np.asarray(~enp.asarray(np.array([0, 5], np.uint8))), ~np.array([0, 5], np.uint8))


def test_in_place_operators_rebind_and_leave_the_original_unchanged():
    a = enp.asarray(np.array([1.0, 2.0], np.float32))
    b = a
    b += 1
    b *= 2
    np.testing.assert_array_equal(np.asarray(a), [1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(b), [4.0, 6.0])


def test_errors_are_embers():
    a = enp.asarray(np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"\[add\] expected broadcastable shapes, got \[3\] and \[4\]"):
        a + enp.asarray(np.ones(4, np.float32))
    with pytest.raises(TypeError, match=r"\[asarray\] expected an array.*got str \(at .*test_operator_slots.py"):
        a * "x"
    with pytest.raises(TypeError):
        pow(a, 2, 3)
    with pytest.raises(OverflowError):
        enp.asarray(np.ones(2, np.int8)) + 300


def test_traced_values_use_the_same_operators():
    f = em.jit(lambda x, y: (x + y) * y - x / 2 < y)
    x = np.array([1.0, -3.0, 4.0], np.float32)
    y = np.array([2.0, 0.5, -1.0], np.float32)
    np.testing.assert_array_equal(np.asarray(f(x, y)), (x + y) * y - x / 2 < y)
    assert "add" in str(em.make_ir(lambda x, y: x + y)(x, y))
