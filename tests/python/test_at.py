"""Functional updates x.at[index].<op>(values) against NumPy: np.<ufunc>.at for the combining updates (every
repeated index counts), item assignment for set, JAX's compositions for divide and power; out-of-bounds
modes, broadcasting of values, dtypes and promotion, eager and under jit with traced indices and values."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import ember as em
import ember.numpy as enp
from test_indexing import SHAPES, _items, _traced_positions, _with_traced, random_index

UFUNCS = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}


def _value_shape(rng, shape):
    """A shape that broadcasts to `shape`: a suffix of it with some sizes replaced by 1, or a scalar."""
    if rng.random() < 0.25:
        return ()
    suffix = shape[rng.integers(0, len(shape) + 1):]
    return tuple(1 if rng.random() < 0.2 else s for s in suffix)


def _reference(op, a, index, v):
    r = a.copy()
    if op == "set":
        r[index] = v
    else:
        UFUNCS[op].at(r, index, v)
    return r


def _unique(a, index):
    """Whether the index names each element at most once (set's order among repeats is NumPy's business)."""
    counts = np.zeros(a.shape, np.int64)
    np.add.at(counts, index, 1)
    return counts.max(initial=0) <= 1


def _check(got, expected, what, exact=True):
    got = np.asarray(got)
    assert got.shape == expected.shape and got.dtype == expected.dtype, what
    if exact:
        np.testing.assert_array_equal(got, expected, err_msg=what)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=what)


@pytest.mark.parametrize("seed", range(6))
def test_random_updates_match_numpy(seed):
    rng = np.random.default_rng(100 + seed)
    checked = 0
    for case in range(160):
        shape = SHAPES[rng.integers(0, len(SHAPES))]
        a = rng.integers(-20, 20, size=shape).astype(np.int64)  # integers: sums are exact in any order
        index = random_index(rng, shape)
        try:
            indexed = a[index].shape
        except IndexError:
            with pytest.raises(IndexError):
                enp.asarray(a).at[index].add(1)
            continue
        v = rng.integers(-5, 6, size=_value_shape(rng, indexed)).astype(np.int64)
        ops = ["add", "subtract", "multiply", "min", "max"] + (["set"] if _unique(a, index) else [])
        op = ops[rng.integers(0, len(ops))]
        what = f"seed {seed} case {case}: {op} shape {shape}, index {index!r}, values {v.shape}"
        expected = _reference(op, a, index, v)
        _check(getattr(enp.asarray(a).at[index], op)(v), expected, what)
        positions = _traced_positions(index)
        arrays = [_items(index)[p] for p in positions]
        f = em.jit(lambda x, vals, *arrs: getattr(x.at[_with_traced(index, positions, arrs)], op)(vals))
        _check(f(a, v, *arrays), expected, "jit " + what)
        checked += 1
    assert checked > 100


def test_repeated_indices():
    a = np.arange(6, dtype=np.float64)
    idx = np.array([1, 4, 1, 1, -2, 0])
    v = np.array([1.5, -2.0, 0.25, 3.0, 10.0, -1.0])
    x = enp.asarray(a)
    for op in ["add", "subtract", "multiply", "min", "max"]:
        _check(getattr(x.at[idx], op)(v), _reference(op, a, idx, v), op, exact=False)
    # set: the last of the repeated updates wins (-2 and 4 are the same element).
    expected = a.copy()
    for i, value in zip(idx, v):
        expected[i] = value
    _check(x.at[idx].set(v), expected, "set")
    # Repeated rows of a 2-d operand with a window per index.
    b = np.zeros((3, 4), np.int32)
    rows = np.array([[0, 2], [2, 2]])
    vals = np.arange(16, dtype=np.int32).reshape(2, 2, 4)
    ref = b.copy()
    np.add.at(ref, rows, vals)
    _check(enp.asarray(b).at[rows].add(vals), ref, "rows")


def test_divide_and_power_follow_jax():
    # JAX: x / (ones.at[idx].multiply(v)) and x ** (ones.at[idx].multiply(v)), i.e. repeated indices divide by
    # (raise to) the product of their values.
    a = np.array([8.0, 3.0, 5.0, 2.0], np.float32)
    idx = np.array([0, 0, 3])
    v = np.array([2.0, 4.0, 3.0], np.float32)
    factors = np.ones_like(a)
    np.multiply.at(factors, idx, v)
    x = enp.asarray(a)
    _check(x.at[idx].divide(v), a / factors, "divide", exact=False)
    _check(x.at[idx].power(v), a ** factors, "power", exact=False)
    # Without repeats this is NumPy's in-place division.
    ref = a.copy()
    ref[1:3] /= np.float32(4.0)
    _check(x.at[1:3].divide(4.0), ref, "divide slice", exact=False)
    # On integers, divide is a true division (a float result), as jnp.divide.
    got = enp.asarray(np.array([6, 7], np.int32)).at[0].divide(4)
    assert np.asarray(got).dtype == np.float32
    np.testing.assert_allclose(np.asarray(got), [1.5, 7.0])


@pytest.mark.parametrize("mode", ["drop", "clip", "fill", "promise_in_bounds", None])
def test_out_of_bounds_modes(mode):
    a = np.arange(5, dtype=np.int32)
    idx = np.array([0, 7, -1, -6, 2])
    v = np.array([10, 20, 30, 40, 50], np.int32)
    x = enp.asarray(a)
    if mode is None:
        with pytest.raises(IndexError, match="index 7 is out of bounds for axis 0 with size 5"):
            x.at[idx].add(v)
        # Traced indices under jit: updates default to dropping out-of-bounds indices.
        got = em.jit(lambda y, i, u: y.at[i].add(u))(a, idx, v)
        mode = "drop"
    elif mode == "promise_in_bounds":
        keep = np.array([0, 2, 4])  # in-bounds indices only: the promise holds
        ref = a.copy()
        np.add.at(ref, idx[keep], v[keep])
        _check(x.at[idx[keep]].add(v[keep], mode=mode), ref, mode)
        return
    else:
        got = x.at[idx].add(v, mode=mode)
    normalized = np.where(idx < 0, idx + 5, idx)
    ref = a.copy()
    if mode == "clip":
        np.add.at(ref, np.clip(normalized, 0, 4), v)
    else:
        inside = (normalized >= 0) & (normalized < 5)
        np.add.at(ref, normalized[inside], v[inside])
    _check(got, ref, str(mode))
    # The same under jit with traced indices and an explicit mode.
    jitted = em.jit(lambda y, i, u: y.at[i].add(u, mode=mode))(a, idx, v)
    _check(jitted, ref, f"jit {mode}")


def test_mode_objects_and_scalar_out_of_bounds():
    a = np.zeros((2, 3), np.float32)
    x = enp.asarray(a)
    _check(x.at[5, 1].set(1.0, mode="drop"), a, "dropped row")
    ref = a.copy()
    ref[1, 2] = 7.0
    _check(x.at[5, 9].set(7.0, mode="clip"), ref, "clipped")
    with pytest.raises(IndexError, match="out of bounds for axis 1 with size 3"):
        x.at[0, 3].set(1.0)
    with pytest.raises(ValueError, match="mode"):
        x.at[0].set(1.0, mode="wrap")

    class Mode:  # an enum member such as ember.lax.GatherScatterMode.FILL_OR_DROP
        name = "FILL_OR_DROP"

    _check(x.at[np.array([4])].set(1.0, mode=Mode()), a, "enum-like mode")


def test_values_broadcast_and_shape_errors():
    a = np.zeros((3, 4, 2), np.float32)
    x = enp.asarray(a)
    for index, v in [((slice(None), 1), np.arange(2, dtype=np.float32)),
                     ((np.array([0, 2]), slice(1, 3)), np.arange(2, dtype=np.float32).reshape(2, 1, 1)),
                     ((Ellipsis, 0), 5.0),
                     ((slice(None), 1), np.arange(6, dtype=np.float32).reshape(1, 3, 2)),  # extra leading 1
                     ((None, 1, slice(None, None, -1)), np.arange(8, dtype=np.float32).reshape(1, 4, 2)),
                     ((slice(None, None, 2), np.array([[3], [0]]), np.array([1, 0])),
                      np.arange(8, dtype=np.float32).reshape(2, 2, 2))]:
        ref = a.copy()
        ref[index] = v
        _check(x.at[index].set(v), ref, repr(index))
    with pytest.raises(ValueError):
        x.at[:, 1].set(np.ones(3, np.float32))
    with pytest.raises(ValueError):
        a[:, 1] = np.ones(3, np.float32)  # NumPy agrees


def test_basic_indices_strided_and_reversed():
    a = np.arange(60, dtype=np.int64).reshape(3, 4, 5)
    x = enp.asarray(a)
    for index in [(1,), (slice(None, None, -1),), (slice(3, 0, -2), slice(None, None, 3)), (Ellipsis, -1),
                  (slice(1, None), None, slice(4, None, -2)), (True, 2), (False,), (a > 30,), ()]:
        v = np.arange(a[index].size, dtype=np.int64).reshape(a[index].shape) * 7 + 1
        for op in ["set", "add", "max"]:
            _check(getattr(x.at[index], op)(v), _reference(op, a, index, v), f"{op} {index!r}")
        f = em.jit(lambda y, u: y.at[index].add(u))
        _check(f(a, v), _reference("add", a, index, v), f"jit add {index!r}")


ALL_DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.float16,
              ml_dtypes.bfloat16, np.float32, np.float64, np.complex64, np.complex128]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_every_dtype(dtype):
    a = (np.arange(12).reshape(3, 4) % 5).astype(dtype)
    idx = (np.array([2, 0, 2]), slice(1, 3))
    v = (np.arange(6).reshape(3, 2) % 3 + 1).astype(dtype)
    x = enp.asarray(a)
    ops = ["set", "add", "multiply"]
    if not np.issubdtype(np.dtype(dtype), np.complexfloating):
        ops += ["min", "max"]
    if dtype != np.bool_:
        ops += ["subtract"]
    for op in ops:
        if op == "set":
            ref = a.copy()
            ref[np.array([0, 2]), 1:3] = v[1:]  # rows 2, 0, 2 are set: the last of the repeated rows wins
        elif dtype == ml_dtypes.bfloat16:
            # NumPy's ufunc.at does not run on bfloat16: accumulate in float32 (exact for these values).
            ref = _reference(op, a.astype(np.float32), idx, v.astype(np.float32)).astype(dtype)
        else:
            ref = _reference(op, a, idx, v)  # for bool, add is logical or and multiply logical and
        _check(getattr(x.at[idx], op)(v), ref, op)
        f = em.jit(lambda y, i, u: getattr(y.at[i, 1:3], op)(u))
        _check(f(a, idx[0], v), ref, "jit " + op)


def test_promotion_and_weak_scalars():
    # A weak Python scalar takes x's dtype.
    h = enp.asarray(np.ones(3, np.float16))
    assert np.asarray(h.at[0].add(1.5)).dtype == np.float16
    with pytest.raises(OverflowError):
        enp.asarray(np.zeros(2, np.uint8)).at[0].set(300)
    with pytest.raises(OverflowError):
        np.zeros(2, np.uint8)[0] = 300  # NumPy 2 agrees
    # Combining updates run in the promoted dtype, then convert back (JAX): 1 + 0.5 + 0.5 = 2.
    got = enp.asarray(np.array([1, 1], np.int32)).at[np.array([0, 0])].add(0.5)
    assert np.asarray(got).dtype == np.int32
    ref = np.array([1.0, 1.0])
    np.add.at(ref, [0, 0], 0.5)
    _check(got, ref.astype(np.int32), "promoted add")
    # Elements the update does not touch keep their exact values (no round trip through float32).
    big = np.array([2 ** 40 + 1, 5], np.int64)
    got = enp.asarray(big).at[1].add(np.float32(0.5))
    assert np.asarray(got)[0] == 2 ** 40 + 1
    # set casts to x's dtype directly.
    _check(enp.asarray(np.zeros(2, np.int64)).at[1].set(np.float64(2 ** 53)),
           np.array([0, 2 ** 53], np.int64), "set cast")
    # Weak arrays stay weak.
    w = enp.asarray(2.0).at[()].set(3.0)
    assert w.weak_type and float(w) == 3.0


def test_zero_d_and_empty_updates():
    z = np.array(4.0, np.float32)
    x = enp.asarray(z)
    _check(x.at[()].set(2.0), np.array(2.0, np.float32), "0-d set")
    _check(x.at[...].add(1.0), np.array(5.0, np.float32), "0-d add")
    _check(x.at[None].multiply(np.array([3.0], np.float32)), np.array(12.0, np.float32), "0-d newaxis")
    e = np.ones((2, 0, 3), np.float32)
    y = enp.asarray(e)
    _check(y.at[:, :, 1].set(5.0), e, "empty set")
    _check(y.at[np.array([], np.int64)].add(1.0), e, "empty index")
    a = np.arange(4, dtype=np.float32)
    _check(enp.asarray(a).at[np.array([], np.int32)].set(9.0), a, "no updates")
    _check(enp.asarray(a).at[a > 10].set(9.0), a, "empty mask")


def test_get_apply_and_helper_objects():
    a = np.arange(6, dtype=np.float32)
    x = enp.asarray(a)
    _check(x.at[np.array([5, -1, 0])].get(), a[[5, -1, 0]], "get")
    assert "IndexUpdate" in repr(x.at) and "IndexUpdate" in repr(x.at[1])
    # apply: once per occurrence of each index (np.negative.at / np.square.at style).
    idx = np.array([0, 0, 3, 5, 5, 5])
    ref = a.copy()
    np.square.at(ref, idx)
    _check(x.at[idx].apply(lambda v: v * v), ref, "apply repeated")
    f = em.jit(lambda y: y.at[idx].apply(lambda v: v * v))  # concrete indices under jit
    _check(f(a), ref, "jit apply")
    ref2 = a.copy()
    ref2[1:4] = np.sqrt(ref2[1:4])
    g = em.jit(lambda y, i: y.at[i].apply(enp.sqrt, unique_indices=True))
    _check(g(a, np.array([1, 2, 3])), ref2, "jit apply unique")
    _check(em.jit(lambda y: y.at[1:4].apply(enp.sqrt))(a), ref2, "jit apply slice")
    with pytest.raises(NotImplementedError, match="unique_indices"):
        em.jit(lambda y, i: y.at[i].apply(enp.sqrt))(a, np.array([1, 1]))
    with pytest.raises(TypeError, match="boolean subtract"):
        enp.asarray(np.ones(2, bool)).at[0].subtract(True)


def test_update_ir_is_one_scatter():
    a = np.zeros((4, 5), np.float32)
    ir = str(em.make_ir(lambda y, i, u: y.at[i, 1:4].add(u))(a, np.array([0, 3]), np.ones((2, 3), np.float32)))
    assert ir.count("= scatter_add ") == 1 and "gather" not in ir
    ir = str(em.make_ir(lambda y, u: y.at[:, ::2].set(u))(a, np.ones((4, 3), np.float32)))
    assert ir.count("= scatter ") == 1
