"""ember.lax gather/scatter, sort/top_k and cumulative reductions against NumPy (np.take, ufunc.at, np.sort,
np.argsort(kind="stable"), np.lexsort, np.cumsum, ufunc.accumulate), eager and under jit, for every dtype."""

import ml_dtypes
import numpy as np
import pytest

import ember as em
from ember import lax

BF16 = np.dtype(ml_dtypes.bfloat16)
ALL = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
       np.float16, BF16, np.float32, np.float64, np.complex64, np.complex128]
ORDERED = [d for d in ALL if np.dtype(d).kind not in "c"]
NUMBERS = [d for d in ALL if d is not np.bool_]
FLOATS = [np.float16, BF16, np.float32, np.float64]
INDEX_DTYPES = [np.int8, np.int32, np.int64, np.uint8, np.uint16, np.uint64]

ROWS = lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
SCALARS = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))


def values(dtype, shape, rng, nan=False):
    """Values of `dtype` with repeats (ties), negative zeros and, if asked, NaNs."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape))
    if dtype == np.bool_:
        return rng.integers(0, 2, n).astype(bool).reshape(shape)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        v = rng.integers(-5 if dtype.kind == "i" else 0, 10, n)
        v[: n // 4] = rng.integers(info.min, info.max, n // 4, dtype=dtype, endpoint=True)
        return rng.permutation(v.astype(dtype)).reshape(shape)
    v = rng.integers(-4, 5, n) * 0.5
    v[v == 0] = np.where(rng.integers(0, 2, (v == 0).sum()) == 0, -0.0, 0.0)
    if nan:
        v[rng.integers(0, n, n // 5)] = np.nan
    if dtype.kind == "c":
        w = rng.integers(-2, 3, n) * 1.0
        if nan:
            w[rng.integers(0, n, n // 5)] = np.nan
        return (v + 1j * w).astype(dtype).reshape(shape)
    return v.astype(dtype).reshape(shape)


def wide(a):
    """float64 (complex128) copy, for comparing float16/bfloat16 values with NumPy's tools."""
    return a.astype(np.complex128) if a.dtype.kind == "c" else a.astype(np.float64)


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    if a.dtype.kind in "fc" or a.dtype == BF16:
        np.testing.assert_array_equal(wide(a), wide(b))
    else:
        np.testing.assert_array_equal(a, b)


# ---- gather ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_gather_rows_as_np_take_in_both_modes(dtype):
    rng = np.random.default_rng(0)
    x = values(dtype, (5, 3), rng)
    idx = np.array([[4], [0], [2], [2], [7], [-1]], np.int32)
    clipped = lax.gather(x, idx, ROWS, (1, 3), mode="clip")
    same(clipped, np.take(x, idx[:, 0], axis=0, mode="clip"))
    filled = np.asarray(lax.gather(x, idx, ROWS, (1, 3), mode="fill"))
    same(filled[:4], np.take(x, idx[:4, 0], axis=0))
    kind = np.dtype(dtype).kind
    expected_fill = {"b": True, "i": np.iinfo(dtype).min if kind == "i" else 0,
                     "u": np.iinfo(dtype).max if kind == "u" else 0}.get(kind)
    if expected_fill is None:  # inexact: NaN
        assert np.isnan(wide(filled[4:]).real).all()
    else:
        assert (filled[4:] == expected_fill).all()
    # mode=None promises in-bounds indices and clamps, as "clip".
    same(lax.gather(x, idx, ROWS, (1, 3)), clipped)


@pytest.mark.parametrize("index_dtype", INDEX_DTYPES, ids=str)
def test_gather_index_dtypes_and_fill_value(index_dtype):
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    idx = np.array([[3], [1], [100]], index_dtype)
    out = lax.gather(x, idx, ROWS, (1, 3), mode=lax.GatherScatterMode.FILL_OR_DROP, fill_value=-7.5)
    expected = np.stack([x[3], x[1], np.full(3, -7.5, np.float32)])
    same(out, expected)
    same(lax.gather(x, idx, ROWS, (1, 3), mode=lax.GatherScatterMode.PROMISE_IN_BOUNDS), x[[3, 1, 3]])


def test_gather_windows_batching_dims_and_jit():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 6)).astype(np.float32)
    # 2x2 windows at (row, col) starts; a start that would cross the end is clamped (clip) or filled (fill).
    dn = lax.GatherDimensionNumbers(offset_dims=(1, 2), collapsed_slice_dims=(), start_index_map=(0, 1))
    starts = np.array([[0, 0], [2, 4], [3, 5], [1, 2]], np.int64)
    expected = np.stack([x[min(r, 2):min(r, 2) + 2, min(c, 4):min(c, 4) + 2] for r, c in starts])
    same(lax.gather(x, starts, dn, (2, 2), mode="clip"), expected)
    filled = np.asarray(lax.gather(x, starts, dn, (2, 2), mode="fill"))
    assert np.isnan(filled[2]).all() and np.array_equal(filled[[0, 1, 3]], expected[[0, 1, 3]])
    # Batching dims: per batch row b, take x_b[i[b, j]] (what vmap of x[i] produces).
    xb = rng.standard_normal((3, 5, 2))
    ib = rng.integers(0, 5, (3, 4, 1))
    dn = lax.GatherDimensionNumbers(offset_dims=(2,), collapsed_slice_dims=(1,), start_index_map=(1,),
                                    operand_batching_dims=(0,), start_indices_batching_dims=(0,))
    expected = np.stack([xb[b][ib[b, :, 0]] for b in range(3)])
    same(lax.gather(xb, ib, dn, (1, 1, 2)), expected)
    jitted = em.jit(lambda a, i: lax.gather(a, i, dn, (1, 1, 2), mode="fill", fill_value=0.0))
    same(jitted(xb, ib), expected)


def test_gather_errors_name_the_primitive():
    with pytest.raises(TypeError, match=r"^\[gather\] expected integer indices"):
        lax.gather(np.ones(3, np.float32), np.ones((2, 1), np.float32), SCALARS_AS_GATHER, (1,))
    with pytest.raises(ValueError, match=r"^\[gather\]"):
        lax.gather(np.ones(3, np.float32), np.ones((2, 1), np.int32), SCALARS_AS_GATHER, (4,))


SCALARS_AS_GATHER = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))


# ---- scatter --------------------------------------------------------------------------------------------

SCATTERS = {
    "scatter": (lax.scatter, None, ALL),
    "scatter_add": (lax.scatter_add, np.add, NUMBERS),
    "scatter_mul": (lax.scatter_mul, np.multiply, NUMBERS),
    "scatter_min": (lax.scatter_min, np.minimum, ORDERED),
    "scatter_max": (lax.scatter_max, np.maximum, ORDERED),
}


def numpy_scatter(name, x, idx, upd, drop):
    """x.at[idx].op(upd) with NumPy: ufunc.at (unbuffered, in order) or assignment in order."""
    out = x.copy()
    keep = (idx >= 0) & (idx < len(x)) if drop else np.ones(len(idx), bool)
    i = idx[keep] if drop else np.clip(idx, 0, len(x) - 1)
    u = upd[keep] if drop else upd
    ufunc = SCATTERS[name][1]
    if ufunc is None:
        for k, v in zip(i, u):
            out[k] = v
        return out
    if x.dtype in (np.float16, BF16):  # ember accumulates 16-bit floats in float32 and rounds once
        acc = out.astype(np.float32)
        with np.errstate(invalid="ignore"):
            ufunc.at(acc, i, u.astype(np.float32))
        return acc.astype(x.dtype)
    with np.errstate(invalid="ignore"):  # NaN operands of minimum/maximum
        ufunc.at(out, i, u)
    return out


@pytest.mark.parametrize("name", list(SCATTERS))
def test_scatter_family_as_numpy_ufunc_at(name):
    fn, _, dtypes = SCATTERS[name]
    rng = np.random.default_rng(2)
    for dtype in dtypes:
        x = values(dtype, (6,), rng, nan=name in ("scatter_min", "scatter_max"))
        idx = np.array([3, 0, 3, 7, 5, -2, 3, 0], np.int64)
        upd = values(dtype, (8,), rng, nan=name in ("scatter_min", "scatter_max"))
        if dtype is not np.bool_ and np.dtype(dtype).kind in "iu" and name == "scatter_mul":
            upd = (upd % 5).astype(dtype)
        for mode, drop in (("drop", True), (None, True), ("clip", False)):
            got = fn(x, idx[:, None], upd, SCALARS, mode=mode)
            same(got, numpy_scatter(name, x, idx, upd, drop))


def test_scatter_windows_repeated_last_wins_batching_and_jit():
    x = np.zeros((4, 3), np.float32)
    dn = lax.ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,),
                                     scatter_dims_to_operand_dims=(0,))
    idx = np.array([[1], [3], [1]], np.int32)
    upd = np.arange(9, dtype=np.float32).reshape(3, 3)
    expected = x.copy()
    expected[3], expected[1] = upd[1], upd[2]
    same(lax.scatter(x, idx, upd, dn), expected)
    same(lax.scatter_add(x, idx, upd, dn), np.array([[0, 0, 0], upd[0] + upd[2], [0, 0, 0], upd[1]], np.float32))
    # Batching dims: per batch row b, x_b.at[i[b]].add(u[b]).
    rng = np.random.default_rng(3)
    xb = rng.standard_normal((2, 5))
    ib = rng.integers(0, 5, (2, 6, 1))
    ub = rng.standard_normal((2, 6))
    dn = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(1,),
                                     scatter_dims_to_operand_dims=(1,), operand_batching_dims=(0,),
                                     scatter_indices_batching_dims=(0,))
    expected = xb.copy()
    for b in range(2):
        np.add.at(expected[b], ib[b, :, 0], ub[b])
    np.testing.assert_allclose(np.asarray(lax.scatter_add(xb, ib, ub, dn)), expected, rtol=1e-15)
    jitted = em.jit(lambda a, i, u: lax.scatter_add(a, i, u, dn))
    np.testing.assert_allclose(np.asarray(jitted(xb, ib, ub)), expected, rtol=1e-15)


def test_scatter_errors_name_the_primitive():
    with pytest.raises(TypeError, match=r"^\[scatter_add\]"):
        lax.scatter_add(np.ones(3, bool), np.zeros((1, 1), np.int32), np.ones(1, bool), SCALARS)
    with pytest.raises(TypeError, match=r"^\[scatter\] expected updates of the operand's dtype"):
        lax.scatter(np.ones(3, np.float32), np.zeros((1, 1), np.int32), np.ones(1, np.float64), SCALARS)


# ---- sort, top_k ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_sort_as_np_sort_and_stable_argsort(dtype):
    rng = np.random.default_rng(4)
    x = values(dtype, (4, 9), rng, nan=True)
    for dim in (0, 1, -1):
        keys, perm = lax.sort((x, np.broadcast_to(np.arange(x.shape[dim]).reshape(
            (-1, 1) if dim == 0 else (1, -1)), x.shape).astype(np.int32)), dimension=dim)
        order = np.argsort(x.astype(np.float32) if x.dtype == BF16 else x, axis=dim, kind="stable")
        same(perm, order.astype(np.int32))
        same(keys, np.take_along_axis(x, order, axis=dim))
        same(lax.sort(x, dimension=dim), np.take_along_axis(x, order, axis=dim))


def test_sort_several_keys_as_np_lexsort_and_sort_key_val():
    rng = np.random.default_rng(5)
    k1 = rng.integers(0, 3, 40).astype(np.int8)
    k2 = values(np.float64, (40,), rng, nan=True)
    payload = np.arange(40, dtype=np.uint16)
    s1, s2, sp = lax.sort((k1, k2, payload), num_keys=2)
    order = np.lexsort((k2, k1))  # stable, last key primary
    same(s1, k1[order])
    same(s2, k2[order])
    same(sp, payload[order])
    k, v = lax.sort_key_val(k2, payload)
    same(v, payload[np.argsort(k2, kind="stable")])
    jitted = em.jit(lambda a, b: lax.sort((a, b), num_keys=1))
    same(jitted(k1, payload)[1], payload[np.argsort(k1, kind="stable")])


def descending_stable(x):
    """Indices of x sorted descending, ties by lower index, NaN largest (np.argsort order reversed)."""
    n = x.shape[-1]
    ascending_of_reversed = np.argsort(x[..., ::-1], axis=-1, kind="stable")
    return (n - 1 - ascending_of_reversed[..., ::-1]).astype(np.int32)


@pytest.mark.parametrize("dtype", ORDERED, ids=str)
def test_top_k_as_descending_stable_argsort(dtype):
    rng = np.random.default_rng(6)
    x = values(dtype, (3, 11), rng, nan=True)
    for k in (0, 1, 4, 11):
        vals, idx = lax.top_k(x, k)
        order = descending_stable(x.astype(np.float32) if x.dtype == BF16 else x)[:, :k]
        same(idx, order)
        same(vals, np.take_along_axis(x, order, axis=-1))


# ---- cumulative reductions ------------------------------------------------------------------------------

def numpy_cumulative(name, x, axis):
    if name == "cumsum":
        return np.cumsum(x, axis=axis, dtype=x.dtype)
    if name == "cumprod":
        return np.cumprod(x, axis=axis, dtype=x.dtype)
    ufunc = {"cummax": np.maximum, "cummin": np.minimum, "cumlogsumexp": np.logaddexp}[name]
    return ufunc.accumulate(x, axis=axis)


CUMULATIVE = {"cumsum": NUMBERS, "cumprod": NUMBERS, "cummax": ORDERED, "cummin": ORDERED, "cumlogsumexp": FLOATS}


@pytest.mark.parametrize("name", list(CUMULATIVE))
def test_cumulative_as_numpy(name):
    fn = getattr(lax, name)
    rng = np.random.default_rng(7)
    for dtype in CUMULATIVE[name]:
        x = values(dtype, (3, 4, 5), rng, nan=name in ("cummax", "cummin"))
        if name == "cumprod" and np.dtype(dtype).kind in "fc":
            x = np.where(x == 0, 1, x).astype(dtype)
        for axis in (0, 1, 2, -1):
            for reverse in (False, True):
                src = np.flip(x, axis) if reverse else x
                half = x.dtype in (np.float16, BF16)
                # 16-bit floats accumulate in float32 and round each output once.
                ref = numpy_cumulative(name, src.astype(np.float32) if half else src, axis)
                ref = np.flip(ref, axis) if reverse else ref
                got = np.asarray(fn(x, axis=axis, reverse=reverse))
                if half:
                    same(got, ref.astype(x.dtype))
                elif name in ("cumsum", "cumprod", "cumlogsumexp") and x.dtype.kind in "fc":
                    np.testing.assert_allclose(got, ref, rtol=1e-6 if x.dtype in (np.float32, np.complex64) else 1e-14)
                else:
                    same(got, ref)


def test_cumulative_edge_values_and_jit():
    x = np.array([-np.inf, -np.inf, 1000.0, 1000.0, np.inf, 3.0])
    same(lax.cumlogsumexp(x), np.logaddexp.accumulate(x))
    same(lax.cumsum(np.array([100, 100, 100], np.int8)), np.array([100, -56, 44], np.int8))
    same(lax.cummax(np.array([1.0, np.nan, 5.0], np.float32)), np.maximum.accumulate(np.array([1.0, np.nan, 5.0], np.float32)))
    x = np.random.default_rng(8).standard_normal((4, 6))
    jitted = em.jit(lambda a: lax.cumsum(a, axis=1, reverse=True))
    np.testing.assert_allclose(np.asarray(jitted(x)), np.flip(np.cumsum(np.flip(x, 1), axis=1), 1), rtol=1e-15)
    with pytest.raises(TypeError, match=r"^\[cumlogsumexp\]"):
        lax.cumlogsumexp(np.ones(3, np.int32))
    with pytest.raises(ValueError, match=r"^\[cumsum\] expected axis in \[0, 1\), got 3"):
        lax.cumsum(np.ones(3, np.float32), axis=3)
