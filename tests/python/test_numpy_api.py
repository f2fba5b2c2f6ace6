"""ember.numpy beyond the op database: dtype utilities against NumPy (with bfloat16), errors and modes of
the indexing functions, static sizes under jit, einsum's contraction order, where= reductions and the
promotion of the new ufuncs. References are NumPy/SciPy/ml_dtypes values."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import scipy.special

import ember as em
import ember.nn as enn
import ember.numpy as enp

BF16 = np.dtype(ml_dtypes.bfloat16)
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
          "float64", "complex64", "complex128"]


# ---- dtype utilities ----

def test_finfo_and_iinfo_match_numpy_and_ml_dtypes():
    for d in ("float16", "float32", "float64"):
        assert enp.finfo(d).eps == np.finfo(d).eps and enp.finfo(d).max == np.finfo(d).max
    b = enp.finfo(enp.bfloat16)
    assert b.eps == ml_dtypes.finfo(ml_dtypes.bfloat16).eps and b.bits == 16
    assert float(b.smallest_normal) == float(ml_dtypes.finfo(ml_dtypes.bfloat16).smallest_normal)
    assert enp.finfo(enp.ones(2, dtype=enp.float16)).bits == 16
    for d in ("int8", "uint16", "int64", "uint64"):
        assert enp.iinfo(d).max == np.iinfo(d).max and enp.iinfo(d).min == np.iinfo(d).min


def test_isdtype_matches_numpy_and_counts_bfloat16_as_real_floating():
    kinds = ["bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating", "numeric"]
    for d in DTYPES:
        for k in kinds:
            assert enp.isdtype(np.dtype(d), k) == np.isdtype(np.dtype(d), k), (d, k)
    assert enp.isdtype(enp.bfloat16, "real floating") and enp.isdtype(enp.bfloat16, "numeric")
    assert not enp.isdtype(enp.bfloat16, "integral")
    assert enp.isdtype(np.dtype("int8"), ("bool", np.dtype("int8")))
    with pytest.raises(ValueError):
        enp.isdtype(np.dtype("int8"), "floating")


def test_issubdtype_and_can_cast():
    for a in DTYPES:
        for b in DTYPES:
            assert enp.issubdtype(a, b) == np.issubdtype(a, b)
            for casting in ("no", "safe", "same_kind", "unsafe"):
                assert enp.can_cast(a, b, casting) == np.can_cast(a, b, casting), (a, b, casting)
        for cls in (np.floating, np.integer, np.number, np.inexact, np.complexfloating):
            assert enp.issubdtype(a, cls) == np.issubdtype(a, cls)
    assert enp.issubdtype(enp.bfloat16, np.floating) and not enp.issubdtype(enp.bfloat16, np.integer)
    # bfloat16 is exact for bool and 8-bit integers and converts exactly to float32 and wider.
    assert enp.can_cast(np.int8, enp.bfloat16) and not enp.can_cast(np.int16, enp.bfloat16)
    assert enp.can_cast(enp.bfloat16, np.float32) and not enp.can_cast(enp.bfloat16, np.float16)
    assert enp.can_cast(enp.bfloat16, np.float16, "same_kind") and not enp.can_cast(enp.bfloat16, np.int32, "same_kind")


def test_value_queries_match_numpy():
    for v in (3.0, np.float32(2), 5, "a", [1], np.array(1.0)):
        assert enp.isscalar(v) == np.isscalar(v)
    assert not enp.isscalar(enp.asarray(3.0))
    assert enp.iterable(enp.ones(2)) and not enp.iterable(enp.asarray(1.0)) and not enp.iterable(3)
    assert enp.iscomplexobj(enp.asarray([1j])) and enp.isrealobj(np.ones(2))
    assert enp.min_scalar_type(300) == np.min_scalar_type(300)
    assert enp.common_type(np.ones(2, np.float64), np.ones(2, np.float32)) is np.float64
    assert enp.broadcast_shapes((3, 1), (1, 4), ()) == np.broadcast_shapes((3, 1), (1, 4), ())
    assert enp.frombuffer(np.arange(3, dtype=np.int16).tobytes(), dtype=np.int16).tolist() == [0, 1, 2]
    assert enp.from_dlpack(np.arange(4.0)).tolist() == [0.0, 1.0, 2.0, 3.0]
    x = enp.ones(3)
    assert enp.shares_memory(x, x) and enp.may_share_memory(x, x) and not enp.shares_memory(x, enp.ones(3))
    a = np.arange(6)
    assert enp.shares_memory(a, a[2:]) == np.shares_memory(a, a[2:])
    assert not enp.isfortran(x) and enp.isfortran(np.ones((2, 3), order="F")) == np.isfortran(np.ones((2, 3), order="F"))


# ---- indexing modes and errors ----

def test_take_out_of_bounds_raises_eagerly_and_clips_or_fills_under_jit():
    x = np.arange(5.0, dtype=np.float32)
    with pytest.raises(IndexError):
        enp.take(x, np.array([0, 5]))
    with pytest.raises(IndexError):
        enp.take_along_axis(x[None], np.array([[7]]), axis=1)
    with pytest.raises(IndexError):
        enp.choose(np.array([0, 2]), [x[:2], x[2:4]])
    f = em.jit(lambda v, i: enp.take(v, i))
    # Negative indices count from the end, then the rest is clipped: -1 -> 4, 9 -> 4, -9 -> -4 -> 0.
    np.testing.assert_array_equal(np.asarray(f(x, np.array([-1, 9, -9]))), x[[4, 4, 0]])
    g = em.jit(lambda v, i: enp.take(v, i, mode="fill", fill_value=-1.0))
    np.testing.assert_array_equal(np.asarray(g(x, np.array([1, 9, -2, -9]))), [1.0, -1.0, 3.0, -1.0])
    assert np.isnan(np.asarray(enp.take(x, np.array([6]), mode="fill"))).all()
    np.testing.assert_array_equal(np.asarray(enp.take(x, np.array([6, -7]), mode="wrap")), np.take(x, [6, -7], mode="wrap"))


def test_data_dependent_shapes_need_a_size_under_jit():
    x = np.array([[0, 3], [2, 0], [0, 0]])
    with pytest.raises(em.ConcretizationError):
        em.jit(enp.nonzero)(x)
    got = em.jit(lambda v: enp.nonzero(v, size=4, fill_value=-1))(x)
    np.testing.assert_array_equal(np.asarray(got[0]), [0, 1, -1, -1])
    np.testing.assert_array_equal(np.asarray(got[1]), [1, 0, -1, -1])
    u = em.jit(lambda v: enp.unique(v, size=5, fill_value=9, return_counts=True))(np.array([3, 1, 3]))
    np.testing.assert_array_equal(np.asarray(u[0]), [1, 3, 9, 9, 9])
    np.testing.assert_array_equal(np.asarray(u[1]), [1, 2, 0, 0, 0])
    # A smaller size cuts the result.
    np.testing.assert_array_equal(np.asarray(enp.unique(np.array([4, 2, 3]), size=2)), [2, 3])
    with pytest.raises(em.ConcretizationError):
        em.jit(lambda v: enp.bincount(v))(np.array([1, 2]))
    np.testing.assert_array_equal(np.asarray(em.jit(lambda v: enp.bincount(v, length=3))(np.array([1, 2, 7]))), [0, 1, 1])


def test_nanargmax_all_nan_raises_eagerly_and_gives_minus_one_under_jit():
    x = np.array([[np.nan, np.nan], [1.0, np.nan]], np.float32)
    with pytest.raises(ValueError):
        enp.nanargmax(x, axis=1)
    np.testing.assert_array_equal(np.asarray(em.jit(lambda v: enp.nanargmax(v, axis=1))(x)), [-1, 0])


def test_searchsorted_methods_agree_with_numpy_on_large_inputs():
    rng = np.random.default_rng(3)
    a = np.sort(rng.standard_normal(3000)).astype(np.float32)
    a[::7] = a[::7]  # repeated values stay sorted
    v = np.concatenate([rng.standard_normal(500), a[:50], [np.inf, -np.inf, np.nan]]).astype(np.float32)
    for side in ("left", "right"):
        want = np.searchsorted(a, v, side)
        for method in ("scan", "compare_all", "auto"):
            np.testing.assert_array_equal(np.asarray(enp.searchsorted(a, v, side, method=method)), want)


def test_isin_large_inputs_take_the_sorting_path():
    rng = np.random.default_rng(4)
    e = rng.integers(0, 5000, (2000, 3))
    t = rng.integers(0, 5000, 3000)
    np.testing.assert_array_equal(np.asarray(enp.isin(e, t)), np.isin(e, t))
    np.testing.assert_array_equal(np.asarray(enp.isin(e, t, invert=True)), np.isin(e, t, invert=True))


# ---- einsum ----

def test_einsum_paths_reduce_the_work_and_agree():
    rng = np.random.default_rng(5)
    shapes = [(50, 2), (2, 60), (60, 3), (3, 70)]
    ops = [rng.standard_normal(s) for s in shapes]
    expr = "ab,bc,cd,de->ae"
    want = np.einsum(expr, *ops)
    flops = {}
    for opt in ("none", "greedy", "optimal"):
        path, report = enp.einsum_path(expr, *ops, optimize=opt)
        assert path[0] == "einsum_path" and len(path) == 4
        flops[opt] = float(report.split("Optimized FLOP count:")[1].split()[0])
        np.testing.assert_allclose(np.asarray(enp.einsum(expr, *ops, optimize=opt)), want, rtol=1e-10, atol=1e-12)
    assert flops["optimal"] <= flops["greedy"] < flops["none"]
    # NumPy's own optimal path costs the same as ember's.
    np_path = np.einsum_path(expr, *ops, optimize="optimal")[1]
    assert "Optimized FLOP count" in np_path


def test_einsum_forms():
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    np.testing.assert_allclose(np.asarray(enp.einsum(a, [0, 1], b, [1, 2], [0, 2])), a @ b, rtol=1e-12)
    m = rng.integers(0, 2, (3, 3)).astype(bool)
    np.testing.assert_array_equal(np.asarray(enp.einsum("ij,jk->ik", m, m)), np.einsum("ij,jk->ik", m, m))
    with pytest.raises(ValueError):
        enp.einsum("ij,jk->ik", a, a)


# ---- reductions with where= ----

def test_reductions_with_where_match_numpy():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 4))
    w = rng.random((3, 4)) < 0.6
    w[:, 0] = True
    for name in ("sum", "prod", "mean", "var", "std", "any", "all", "nansum", "nanmean"):
        got = getattr(enp, name)(x, axis=1, where=w)
        np.testing.assert_allclose(np.asarray(got), getattr(np, name)(x, axis=1, where=w), rtol=1e-12, err_msg=name)
    np.testing.assert_allclose(np.asarray(enp.max(x, axis=0, where=w, initial=-5.0)),
                               np.max(x, axis=0, where=w, initial=-5.0))
    with pytest.raises(ValueError):
        enp.max(x, where=w)


# ---- promotion and integer inputs of the new ufuncs ----

def test_new_ufuncs_follow_embers_promotion():
    h = np.array([3, 5], np.float16)
    assert enp.hypot(h, 4.0).dtype == np.float16 and enp.copysign(h, -1.0).dtype == np.float16
    i = np.array([3, 5], np.int8)
    # Inexact results of integers are float32 (NumPy gives float16 for int8 here).
    got = enp.hypot(i, i)
    assert got.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got), np.hypot(i.astype(np.float64), i), rtol=1e-6)
    assert enp.float_power(i, 2).dtype == np.float64
    assert enp.ldexp(np.float32(1.5), np.int64(3)).dtype == np.float32
    with pytest.raises(TypeError):
        enp.ldexp(np.float32(1.5), 2.0)
    with pytest.raises(TypeError):
        enp.gcd(np.float32(1.5), np.float32(3))


def test_gcd_and_lcm_at_the_integer_extremes():
    for d in (np.int8, np.int16, np.int32, np.int64, np.uint64):
        info = np.iinfo(d)
        vals = np.array([info.min, info.max, 0, 1, info.max - 1, 6, (info.max // 3) * 2], d)
        a, b = vals[:, None], vals[None, :]
        np.testing.assert_array_equal(np.asarray(enp.gcd(a, b)), np.gcd(a, b), err_msg=str(d))
        np.testing.assert_array_equal(np.asarray(enp.lcm(a, b)), np.lcm(a, b), err_msg=str(d))


# ---- ember.nn ----

def test_nn_is_stable_for_extreme_inputs():
    x = np.array([[1e4, -1e4, 0.0], [-np.inf, -np.inf, 1.0]], np.float32)
    np.testing.assert_allclose(np.asarray(enn.softmax(x)), scipy.special.softmax(x.astype(np.float64), axis=-1),
                               rtol=1e-6, atol=0)
    np.testing.assert_allclose(np.asarray(enn.logsumexp(x, axis=1)), scipy.special.logsumexp(x, axis=1), rtol=1e-6)
    r, s = enn.logsumexp(np.array([0.0, 1.0]), b=np.array([1.0, -2.0]), return_sign=True)
    rr, ss = scipy.special.logsumexp([0.0, 1.0], b=[1.0, -2.0], return_sign=True)
    np.testing.assert_allclose(float(r), rr, rtol=1e-6)
    assert float(s) == ss
    np.testing.assert_array_equal(np.asarray(enn.softplus(np.array([1e4, -1e4], np.float32))), [1e4, 0.0])
    assert np.isfinite(np.asarray(enn.log_sigmoid(np.array([-1e4], np.float32)))).all()
    y = em.jit(lambda v: enn.one_hot(v, 3, dtype=enp.int32))(np.array([2, -1, 0]))
    np.testing.assert_array_equal(np.asarray(y), [[0, 0, 1], [0, 0, 0], [1, 0, 0]])


def test_pad_empty_mode_gives_zeros_and_callable_modes_are_refused():
    x = np.arange(3.0)
    got = np.asarray(enp.pad(x, 2, mode="empty"))
    assert got.shape == (7,) and got[2:5].tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(NotImplementedError):
        enp.pad(x, 1, mode=lambda *a: None)
    with pytest.raises(ValueError):
        enp.pad(x, 1, mode="constant", end_values=1)
