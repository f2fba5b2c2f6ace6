"""x[index] against NumPy: a randomized sweep over index combinations (integers, negative integers, slices of
every step sign, Ellipsis, None, integer arrays of several shapes and dtypes, boolean masks and scalars),
operands of several shapes (0-d, empty dimensions) and dtypes, eager and under jit with traced index arrays;
then the error cases and the out-of-bounds modes."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import ember as em
import ember.numpy as enp

SHAPES = [(), (0,), (5,), (4, 3), (2, 0, 3), (3, 4, 5), (2, 3, 1, 4), (1, 6), (3, 2, 4, 2, 2)]
OPERAND_DTYPES = [np.float32, np.int64, np.bool_, np.complex64, np.uint8, ml_dtypes.bfloat16, np.float64]
INDEX_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8, np.uint16, np.uint32, np.uint64]
BLOCKS = [(), (1,), (2,), (3,), (0,), (2, 3), (3, 1), (2, 1, 2)]
KINDS = ["int", "slice", "slice", "array", "array", "array", "array", "mask", "none", "ellipsis", "bool"]


def _operand(rng, shape, dtype):
    values = rng.integers(-50, 50, size=shape)
    if dtype == np.bool_:
        return values > 0
    if np.issubdtype(dtype, np.complexfloating):
        return (values + 1j * rng.integers(-5, 5, size=shape)).astype(dtype)
    if dtype == np.uint8:
        return np.abs(values).astype(dtype)
    return values.astype(dtype)


def _int_array(rng, n, shape, dtype):
    if n == 0:  # nothing is in bounds: only empty arrays index an empty dimension
        shape = tuple(0 if i == 0 else s for i, s in enumerate(shape)) if shape else (0,)
    lo = -n if np.issubdtype(dtype, np.signedinteger) else 0
    lo, hi = max(lo, int(np.iinfo(dtype).min)), min(n, int(np.iinfo(dtype).max) + 1)
    return rng.integers(lo, max(hi, lo + 1), size=shape).astype(dtype)


def _array_shape(rng, block):
    """A shape that broadcasts to `block`: a suffix of it with some sizes replaced by 1."""
    shape = list(block[rng.integers(0, len(block) + 1):]) if block else []
    return tuple(1 if rng.random() < 0.25 else s for s in shape)


def random_index(rng, shape):
    """A random NumPy index for an array of `shape` (valid or not: NumPy decides)."""
    rank = len(shape)
    kinds, consumed, ellipsis = [], 0, False
    for _ in range(rng.integers(0, rank + 3)):
        kind = KINDS[rng.integers(0, len(KINDS))]
        if kind == "ellipsis":
            if ellipsis:
                continue
            ellipsis = True
            kinds.append((kind, 0))
        elif kind in ("none", "bool"):
            kinds.append((kind, 0))
        elif kind == "mask":
            k = int(rng.integers(1, 3))
            if consumed + k <= rank:
                kinds.append((kind, k))
                consumed += k
        elif consumed < rank:
            kinds.append((kind, 1))
            consumed += 1
    # Dimensions: consuming items before the Ellipsis take the leading ones, those after it the trailing ones.
    after = sum(k for i, (_, k) in enumerate(kinds) if any(kk == "ellipsis" for kk, _ in kinds[:i]))
    dim, index = 0, []
    block = BLOCKS[rng.integers(0, len(BLOCKS))]
    for kind, k in kinds:
        if kind == "ellipsis":
            dim = rank - after
            index.append(Ellipsis)
            continue
        if kind == "none":
            index.append(None)
            continue
        if kind == "bool":
            index.append(bool(rng.random() < 0.7) if rng.random() < 0.5 else np.bool_(rng.random() < 0.7))
            continue
        n = shape[dim]
        if kind == "int":
            value = int(rng.integers(-n, n)) if n > 0 else 0
            index.append(value if rng.random() < 0.8 else np.int32(value))
        elif kind == "slice":
            def bound():
                return None if rng.random() < 0.3 else int(rng.integers(-n - 2, n + 3))
            index.append(slice(bound(), bound(), [None, 1, 2, 3, -1, -2, -3][rng.integers(0, 7)]))
        elif kind == "array":
            dtype = INDEX_DTYPES[rng.integers(0, len(INDEX_DTYPES))]
            arr = _int_array(rng, n, _array_shape(rng, block), dtype)
            index.append(arr.tolist() if rng.random() < 0.1 and arr.ndim > 0 and arr.dtype == np.int64 else arr)
        else:  # mask of rank k
            index.append(rng.random(shape[dim:dim + k]) < 0.5)
        dim += k
    return tuple(index) if len(index) != 1 or rng.random() < 0.5 else index[0]


def _items(index):
    return index if isinstance(index, tuple) else (index,)


def _traced_positions(index):
    """Items passed as traced jit arguments: the integer arrays (masks must stay concrete)."""
    return [i for i, k in enumerate(_items(index))
            if isinstance(k, np.ndarray) and k.dtype != np.bool_]


def _with_traced(index, positions, arrays):
    items = list(_items(index))
    for p, a in zip(positions, arrays):
        items[p] = a
    return tuple(items) if isinstance(index, tuple) else items[0]


def _check(got, expected, what):
    got = np.asarray(got)
    assert got.shape == expected.shape, what
    assert got.dtype == expected.dtype, what
    np.testing.assert_array_equal(got, expected, err_msg=what)


@pytest.mark.parametrize("seed", range(8))
def test_random_indices_match_numpy(seed):
    rng = np.random.default_rng(seed)
    valid = errors = 0
    for case in range(250):
        shape = SHAPES[rng.integers(0, len(SHAPES))]
        dtype = OPERAND_DTYPES[rng.integers(0, len(OPERAND_DTYPES))]
        a = _operand(rng, shape, dtype)
        index = random_index(rng, shape)
        what = f"seed {seed} case {case}: shape {shape} {np.dtype(dtype).name}, index {index!r}"
        x = enp.asarray(a)
        try:
            expected = a[index]
        except IndexError:
            errors += 1
            with pytest.raises(IndexError):
                x[index]
            continue
        valid += 1
        expected = np.asarray(expected)
        _check(x[index], expected, what)
        # Under jit, with the integer arrays as traced arguments (negative ones normalised in the IR).
        positions = _traced_positions(index)
        arrays = [_items(index)[p] for p in positions]
        f = em.jit(lambda v, *arrs: v[_with_traced(index, positions, arrs)])
        _check(f(a, *arrays), expected, "jit " + what)
    assert valid > 200 and errors > 0  # the generator covers both


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                                   np.uint64, np.float16, ml_dtypes.bfloat16, np.float32, np.float64, np.complex64,
                                   np.complex128], ids=lambda d: np.dtype(d).name)
def test_every_dtype(dtype):
    a = (np.arange(60).reshape(3, 4, 5) % 7).astype(dtype)
    x = enp.asarray(a)
    keys = [(1, slice(None, None, -2)), (np.array([2, 0, -1]),), (slice(1, None), np.array([[0, 3]]), 2),
            (np.array([0, 2]), Ellipsis, np.array([1, 4])), (a.real > 2 if a.dtype != np.bool_ else a,),
            (None, Ellipsis, np.array(2), None)]
    for k in keys:
        _check(x[k], np.asarray(a[k]), repr(k))


def test_advanced_dimension_placement():
    a = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    x = enp.asarray(a)
    i, j = np.array([[0, 1], [1, 0]]), np.array([2, 1])
    keys = [
        (slice(None), i, j),             # adjacent: in place
        (i, slice(None), j),             # separated by a slice: to the front
        (slice(None), i, Ellipsis, j),   # separated by an Ellipsis: to the front
        (slice(None), i, j, Ellipsis),   # an Ellipsis after them does not separate
        (0, slice(None), j),             # an integer is advanced when an array is present: front
        (slice(None), 1, j),             # adjacent integer and array: in place
        (i, None, j),                    # separated by a new axis: to the front
        (slice(None), True, i),          # a boolean scalar is advanced too
        (a[:, :, 0, 0] > 5, slice(None, None, -1), 1),  # a 2-d mask consumes two dimensions
    ]
    for k in keys:
        _check(x[k], a[k], repr(k))
    # The Ellipsis case where nothing expands in between (NumPy still moves the result to the front).
    b = np.arange(6).reshape(2, 3)
    _check(enp.asarray(b)[np.array([1]), ..., np.array([2])], b[np.array([1]), ..., np.array([2])], "2-d")
    c = np.arange(24).reshape(2, 3, 4)
    _check(enp.asarray(c)[:, [0], ..., [1]], c[:, [0], ..., [1]], "zero-width Ellipsis")


def test_zero_d_and_empty():
    s = np.float32(7.5)
    x = enp.asarray(np.array(s))
    for k in [(), Ellipsis, None, (None, None), True, False, (Ellipsis, None)]:
        _check(x[k], np.asarray(np.array(s)[k]), repr(k))
    e = np.zeros((2, 0, 3), np.float32)
    y = enp.asarray(e)
    for k in [(slice(None), slice(None), 1), (np.array([1, 0]),), (slice(None), np.array([], np.int64)),
              (np.zeros((2, 0), bool),), (Ellipsis, np.array([2, 2]))]:
        _check(y[k], e[k], repr(k))


def test_traced_scalar_index_is_a_dynamic_slice():
    a = np.arange(20, dtype=np.float32).reshape(4, 5)
    f = em.jit(lambda x, i: x[i, 1:])
    for i in range(-4, 4):
        _check(f(a, np.int32(i)), a[i, 1:], str(i))
    assert "dynamic_slice" in str(em.make_ir(f)(a, np.int32(1)))
    assert "gather" not in str(em.make_ir(f)(a, np.int32(1)))


def test_traced_out_of_bounds_indices_clip():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    idx = np.array([-7, -1, 0, 3, 9])
    f = em.jit(lambda x, i: x[:, i])
    # JAX's rule: negative indices count from the end, then the index is clamped into bounds.
    expected = np.take(a, np.clip(np.where(idx < 0, idx + 4, idx), 0, 3), axis=1)
    _check(f(a, idx), expected, "clip")
    g = em.jit(lambda x, i: x[i])
    _check(g(a, np.int64(-5)), a[0], "scalar below")
    _check(g(a, np.int64(5)), a[2], "scalar above")
    # Narrow index dtypes are widened before negative indices are normalised (int8 -128 into 300 elements);
    # huge unsigned indices saturate instead of wrapping to negative numbers.
    b = np.arange(300, dtype=np.float32)
    _check(g(b, np.array([-1, -128, 127], np.int8)), b[[-1, -128, 127]], "int8 into 300")
    _check(g(b, np.array([2 ** 64 - 1, 3], np.uint64)), b[[299, 3]], "uint64 saturates")
    _check(g(b, np.array([2 ** 32 - 1, 3], np.uint32)), b[[299, 3]], "uint32 saturates")


def test_modes_of_get():
    a = np.arange(6, dtype=np.float32)
    x = enp.asarray(a)
    idx = np.array([-8, -1, 2, 6, 100])
    normalized = np.where(idx < 0, idx + 6, idx)
    inside = (normalized >= 0) & (normalized < 6)
    _check(x.at[idx].get(mode="clip"), a[np.clip(normalized, 0, 5)], "clip")
    _check(x.at[idx].get(mode="fill"), np.where(inside, a[np.clip(normalized, 0, 5)], np.nan).astype(np.float32),
           "fill NaN")
    _check(x.at[idx].get(mode="fill", fill_value=-3.0),
           np.where(inside, a[np.clip(normalized, 0, 5)], -3.0).astype(np.float32), "fill value")
    # Integer dtypes fill with their minimum (signed) or maximum (unsigned), as JAX.
    ai = np.arange(4, dtype=np.int16)
    _check(enp.asarray(ai).at[np.array([1, 4])].get(mode="fill"), np.array([1, np.iinfo(np.int16).min], np.int16),
           "int fill")
    au = np.arange(4, dtype=np.uint8)
    _check(enp.asarray(au).at[np.array([5, 0])].get(mode="fill"), np.array([255, 0], np.uint8), "uint fill")
    # A scalar integer out of bounds with an explicit mode, and under jit with a traced index.
    assert float(x.at[9].get(mode="clip")) == 5.0
    assert np.isnan(float(x.at[-9].get(mode="fill")))
    f = em.jit(lambda v, i: v.at[i].get(mode="fill", fill_value=42.0))
    _check(f(a, np.array([0, 6, -6, -7])), np.array([0, 42, 0, 42], np.float32), "jit fill")
    m2 = np.arange(12, dtype=np.float32).reshape(3, 4)
    _check(enp.asarray(m2).at[np.array([0, 3]), 1:].get(mode="fill", fill_value=0.0),
           np.array([[1, 2, 3], [0, 0, 0]], np.float32), "fill rows")


def test_concrete_out_of_bounds_raise_index_error():
    a = np.arange(10, dtype=np.float32).reshape(2, 5)
    x = enp.asarray(a)
    for k, axis, size, value in [(5, 0, 2, 5), ((0, -6), 1, 5, -6), ((np.array([0, 2]),), 0, 2, 2),
                                 ((slice(None), np.array([[1], [-6]])), 1, 5, -6)]:
        with pytest.raises(IndexError, match=f"index {value} is out of bounds for axis {axis} with size {size}"):
            x[k]
    # Constant indices under jit are checked while tracing.
    with pytest.raises(IndexError, match="out of bounds"):
        em.jit(lambda v: v[:, np.array([7])])(a)
    with pytest.raises(IndexError, match="out of bounds"):
        enp.zeros((0, 3))[np.array([0])]


def test_index_errors():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = enp.asarray(a)
    cases = [
        ((0, 0, 0, 0), "too many indices"),
        ((Ellipsis, 0, Ellipsis), "Ellipsis"),
        ((np.array([0, 1]), np.array([0, 1, 2])), "broadcast"),
        ((np.ones((2, 2), bool),), "boolean index"),
        ((np.array([0.0]),), "integer or boolean"),
        ((1.0,), "valid indices"),
        (("a",), "valid indices"),
        (([0, None],), "valid indices"),
        ((np.ones(5, bool),), "boolean index"),
    ]
    for k, message in cases:
        with pytest.raises(IndexError, match=message):
            x[k]
        with pytest.raises(IndexError):  # NumPy agrees that these are index errors
            a[k]
    with pytest.raises(ValueError, match="non-zero slice step"):
        x[::0]
    with pytest.raises(IndexError, match="int64"):
        x[2 ** 70]


def test_traced_masks_need_concrete_values():
    a = np.arange(6, dtype=np.float32)
    with pytest.raises(em.ConcretizationError, match=r"ember\.numpy\.where.*size="):
        em.jit(lambda v: v[v > 2])(a)
    with pytest.raises(em.ConcretizationError, match="boolean mask"):
        em.jit(lambda v, b: v[b])(a, np.bool_(True))
    with pytest.raises(TypeError):  # ConcretizationError is a TypeError
        em.jit(lambda v: v.at[v > 2].set(0.0))(a)
    # A concrete mask is fine under jit (a constant, as in JAX).
    mask = a > 2
    _check(em.jit(lambda v: v[mask])(a), a[mask], "constant mask")


def test_indexing_a_traced_operand_records_one_gather():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    ir = str(em.make_ir(lambda v, i: v[i, ::2])(a, np.array([0, 2])))
    assert ir.count("gather") == 1 and "slice" in ir
