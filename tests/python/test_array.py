"""ember.Array: conversion to and from NumPy, properties, operators, methods and basic indexing."""

import ml_dtypes
import numpy as np
import pytest

import ember as em
import ember.numpy as enp

ALL_DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
              np.float16, ml_dtypes.bfloat16, np.float32, np.float64, np.complex64, np.complex128]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_numpy_round_trip_every_dtype(dtype):
    src = (np.arange(6).reshape(2, 3) % 3).astype(dtype)
    a = enp.asarray(src)
    assert a.dtype == np.dtype(dtype) and a.shape == (2, 3) and a.ndim == 2 and a.size == 6
    back = np.asarray(a)
    assert back.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back, src)


def test_asarray_copies_and_exports_read_only_views():
    src = np.arange(4, dtype=np.float32)
    a = enp.asarray(src)
    src[0] = 100  # ember's copy is unaffected
    assert float(a[0]) == 0.0
    view = np.asarray(a)
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[0] = 1
    assert np.asarray(a, dtype=np.float64).dtype == np.float64
    assert np.asarray(a).base is not None  # zero-copy: the view keeps ember's buffer alive


def test_python_scalar_conversions():
    assert enp.asarray(2.5).dtype == np.float32 and enp.asarray(2.5).weak_type
    assert enp.asarray(3).dtype == np.int64
    assert enp.asarray(True).dtype == np.bool_
    assert enp.asarray(1 + 2j).dtype == np.complex64
    assert enp.asarray([1.0, 2.0]).dtype == np.float32  # lists of Python floats: the default float
    assert enp.asarray(np.float64(1.0)).dtype == np.float64  # NumPy values keep their dtype
    x = enp.asarray(np.array([1.5], np.float32))
    assert float(x[0]) == 1.5 and int(enp.asarray(7)) == 7 and complex(enp.asarray(1j)) == 1j
    assert enp.asarray(np.array(3, np.int8)).item() == 3
    assert isinstance(enp.asarray(np.uint64(2**64 - 1)).item(), int)
    assert enp.asarray(np.uint64(2**64 - 1)).item() == 2**64 - 1
    with pytest.raises(OverflowError):
        enp.asarray(2**70)


def test_weak_scalars_keep_array_dtype():
    x16 = enp.ones(3, dtype=enp.float16)
    assert (x16 * 2.0).dtype == np.float16
    assert (2 * x16).dtype == np.float16
    assert (enp.ones(3, dtype=enp.int8) + 1).dtype == np.int8
    assert (enp.ones(3, dtype=enp.int32) * 1.5).dtype == np.float32
    assert (enp.ones(3, dtype=enp.float64) * 0.1).dtype == np.float64
    # A Python float meeting float64 keeps its full precision.
    np.testing.assert_array_equal(np.asarray(enp.zeros(1, enp.float64) + 0.1), [0.1])
    with pytest.raises(OverflowError, match=r"\[add\] expected a Python integer in the range of uint8"):
        enp.ones(2, dtype=enp.uint8) + 300


def test_promotion_table_matches_jax_lattice():
    assert enp.promote_types(enp.int64, enp.float32) == np.float32
    assert enp.promote_types(enp.uint8, enp.int8) == np.int16
    assert enp.promote_types(enp.uint64, enp.int64) == np.float64
    assert enp.promote_types(enp.bfloat16, enp.float16) == np.float32
    assert enp.promote_types(enp.float32, enp.complex64) == np.complex64
    assert enp.promote_types(enp.float64, enp.complex64) == np.complex128
    assert enp.promote_types(enp.bool_, enp.uint16) == np.uint16
    assert enp.result_type(enp.ones(2, dtype=enp.int8), 1.0) == np.float32
    assert enp.result_type(enp.ones(2, dtype=enp.bfloat16), 3) == ml_dtypes.bfloat16


def test_operators_and_reflected_forms():
    a = enp.asarray(np.array([1.0, 2.0, 4.0], np.float32))
    n = np.array([2.0, 2.0, 2.0], np.float32)
    cases = {
        "add": (a + n, 1 + a), "sub": (a - n, 1 - a), "mul": (a * n, 2 * a), "div": (a / n, 1 / a),
        "floordiv": (a // n, 9 // a), "mod": (a % n, 9 % a), "pow": (a ** n, 2 ** a),
    }
    ref = np.array([1.0, 2.0, 4.0], np.float32)
    expected = {
        "add": (ref + n, 1 + ref), "sub": (ref - n, 1 - ref), "mul": (ref * n, 2 * ref), "div": (ref / n, 1 / ref),
        "floordiv": (ref // n, 9 // ref), "mod": (ref % n, 9 % ref), "pow": (ref ** n, 2 ** ref),
    }
    for k, (got, rgot) in cases.items():
        np.testing.assert_allclose(np.asarray(got), expected[k][0], rtol=1e-6, err_msg=k)
        np.testing.assert_allclose(np.asarray(rgot), expected[k][1], rtol=1e-6, err_msg=k)
    m = enp.asarray(np.eye(3, dtype=np.float32))
    np.testing.assert_array_equal(np.asarray(m @ a), ref)
    np.testing.assert_array_equal(np.asarray(np.eye(3, dtype=np.float32) @ a), ref)
    np.testing.assert_array_equal(np.asarray(-a), -ref)
    np.testing.assert_array_equal(np.asarray(abs(-a)), ref)
    i = enp.asarray(np.array([1, 2, 3], np.int32))
    np.testing.assert_array_equal(np.asarray(~i), ~np.array([1, 2, 3], np.int32))
    np.testing.assert_array_equal(np.asarray((i & 1) | (i << 2) ^ (i >> 1)), (np.array([1, 2, 3]) & 1) |
                                  (np.array([1, 2, 3]) << 2) ^ (np.array([1, 2, 3]) >> 1))
    np.testing.assert_array_equal(np.asarray(a > 1.5), [False, True, True])
    np.testing.assert_array_equal(np.asarray(a == n), [False, True, False])
    np.testing.assert_array_equal(np.asarray(2.0 <= a), [False, True, True])
    with pytest.raises(TypeError):
        hash(a)


def test_methods():
    x = enp.asarray(np.arange(12, dtype=np.float32).reshape(3, 4))
    assert x.T.shape == (4, 3) and x.reshape(2, 6).shape == (2, 6) and x.reshape((6, 2)).shape == (6, 2)
    assert x.astype(enp.int32).dtype == np.int32
    np.testing.assert_array_equal(np.asarray(x.sum(axis=0)), np.arange(12).reshape(3, 4).sum(0))
    assert float(x.mean()) == 5.5 and float(x.max()) == 11 and float(x.min()) == 0
    assert bool(x.any()) and not bool(x.all())
    assert x.transpose(1, 0).shape == (4, 3) and x.ravel().shape == (12,)
    assert x.block_until_ready() is not None
    assert x.device == em.devices()[0]
    assert x[1, 2].item() == 6.0 and len(x) == 3
    assert [r.shape for r in x] == [(4,)] * 3
    assert x.tolist() == np.arange(12, dtype=np.float32).reshape(3, 4).tolist()
    assert repr(enp.asarray(np.array([1, 2], np.int32))) == "Array([1, 2], dtype=int32)"
    assert f"{enp.asarray(2.5):.2f}" == "2.50"


@pytest.mark.parametrize("method, args, kwargs", [
    ("cumsum", (), {"axis": 1}), ("cumprod", (), {}), ("sort", (), {"axis": 0}), ("argsort", (), {"axis": -1}),
    ("take", ([2, 0],), {"axis": 1}), ("repeat", (2,), {"axis": 0}), ("trace", (), {"offset": 1}),
    ("diagonal", (), {"offset": -1}), ("ptp", (), {"axis": 1}), ("compress", ([True, False, True],), {"axis": 0}),
    ("swapaxes", (0, 1), {}), ("clip", (2.0, 7.0), {}), ("tobytes", (), {}),
])
def test_methods_agree_with_numpy(method, args, kwargs):
    rng = np.random.default_rng(3)
    src = rng.permutation(12).astype(np.float32).reshape(3, 4)
    # NumPy's method where it has one (its in-place sort aside), else its function (ptp left ndarray in 2.0).
    if method == "sort":
        want = np.sort(src, *args, **kwargs)
    elif hasattr(src, method):
        want = getattr(src, method)(*args, **kwargs)
    else:
        want = getattr(np, method)(src, *args, **kwargs)
    got = getattr(enp.asarray(src), method)(*args, **kwargs)
    if method == "tobytes":
        assert got == want
    else:
        np.testing.assert_allclose(np.asarray(got), want)


def test_partition_and_search_methods():
    x = enp.asarray(np.array([5.0, 1.0, 4.0, 2.0, 3.0], np.float32))
    assert float(x.partition(2)[2]) == 3.0 and int(x.argpartition(2)[2]) == 4
    np.testing.assert_array_equal(np.asarray(x.sort().searchsorted(np.array([2.5, 9.0]))), [2, 5])
    np.testing.assert_array_equal(np.asarray(x.nonzero()[0]), np.arange(5))
    np.testing.assert_array_equal(np.asarray(enp.asarray(np.array([1, 0, 1])).choose([[1, 2, 3], [4, 5, 6]])),
                                  [4, 2, 6])


def test_bool_of_arrays():
    assert bool(enp.asarray([1.0])) and not bool(enp.asarray(0))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(enp.asarray([1, 2]))
    with pytest.raises(TypeError):
        len(enp.asarray(1.0))


def test_basic_indexing_matches_numpy():
    src = np.arange(120).reshape(4, 5, 6)
    x = enp.asarray(src)
    keys = [2, -1, slice(None), slice(1, None, 2), slice(None, None, -1), slice(-2, None, -3), (Ellipsis, 1),
            (1, Ellipsis, None), (None, slice(0, 2), None, 3), (slice(4, 0, -1), 2, slice(None, None, -2)), ()]
    for k in keys:
        np.testing.assert_array_equal(np.asarray(x[k]), src[k], err_msg=str(k))
    with pytest.raises(IndexError, match="out of bounds"):
        x[4]
    with pytest.raises(IndexError):
        x[0, 0, 0, 0]
    np.testing.assert_array_equal(np.asarray(x[np.array([0, 1])]), src[np.array([0, 1])])  # now a gather


def test_array_namespace():
    assert enp.asarray(1.0).__array_namespace__() is enp
