"""Sorting, searching, counting, set operations and indexing functions (ember.numpy re-exports them).
Functions whose result size depends on the data (nonzero, unique, ...) take a static `size` under jit, as
in JAX; without it they need concrete input."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as _np

from .. import _core
from .. import numpy as _enp

_np_ops = _core.np
_no_out = _enp._no_out


def _opt_axis(axis):
    return None if axis is None else int(axis)


def _opt_size(size):
    return None if size is None else int(size)


def _stable(kind, stable):
    if stable is not None:
        return bool(stable)
    # Every kind gives a stable sort in ember ('quicksort' results are a valid unstable order too).
    return True


def sort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """Sorted copy along `axis` (NaNs last; the flattened array for axis=None), as numpy.sort; `kind` is
    accepted, the sort is always stable. `descending` as the Array API.

    >>> import ember.numpy as enp
    >>> enp.sort(enp.asarray([3, 1, 2])).tolist(), enp.sort(enp.asarray([3, 1, 2]), descending=True).tolist()
    ([1, 2, 3], [3, 2, 1])
    """
    if order is not None:
        raise NotImplementedError("[sort] expected order=None (ember has no structured dtypes)")
    return _np_ops.sort(a, _opt_axis(axis), _stable(kind, stable), bool(descending))


def argsort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """Indices that sort `a` along `axis` (stable: equal elements keep their order), as numpy.argsort.

    >>> import ember.numpy as enp
    >>> enp.argsort(enp.asarray([3, 1, 2, 1])).tolist()
    [1, 3, 2, 0]
    """
    if order is not None:
        raise NotImplementedError("[argsort] expected order=None (ember has no structured dtypes)")
    return _np_ops.argsort(a, _opt_axis(axis), _stable(kind, stable), bool(descending))


def lexsort(keys, axis=-1):
    """Indices that sort by several keys, the last key primary, as numpy.lexsort.

    >>> import ember.numpy as enp
    >>> enp.lexsort([enp.asarray([1, 0, 1]), enp.asarray([0, 0, 1])]).tolist()
    [1, 0, 2]
    """
    if isinstance(keys, _core.Array) or isinstance(keys, _np.ndarray):
        keys = [keys[i] for i in range(keys.shape[0])]
    return _np_ops.lexsort(list(keys), int(axis))


def sort_complex(a):
    """Sorted by real part, then imaginary part, as a complex array, as numpy.sort_complex.

    >>> import ember.numpy as enp
    >>> enp.sort_complex(enp.asarray([2 + 1j, 1 + 2j, 1 + 1j])).tolist()
    [(1+1j), (1+2j), (2+1j)]
    """
    return _np_ops.sort_complex(a)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """A partition around the kth elements (ember returns the fully sorted array, a valid partition), as
    numpy.partition.

    >>> import ember.numpy as enp
    >>> int(enp.partition(enp.asarray([5, 1, 4, 2]), 1)[1])
    2
    """
    return _np_ops.partition(a, [int(k) for k in _np.atleast_1d(kth)], _opt_axis(axis))


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices of a partition around the kth elements (a full argsort here), as numpy.argpartition.

    >>> import ember.numpy as enp
    >>> int(enp.argpartition(enp.asarray([5, 1, 4, 2]), 0)[0])
    1
    """
    return _np_ops.argpartition(a, [int(k) for k in _np.atleast_1d(kth)], _opt_axis(axis))


def searchsorted(a, v, side="left", sorter=None, *, method="auto"):
    """Insertion points of v in the sorted 1-d a (NaNs sort last), as numpy.searchsorted; works under jit.
    method: 'scan' (binary search), 'compare_all' or 'auto' (by size).

    >>> import ember.numpy as enp
    >>> enp.searchsorted(enp.asarray([1, 2, 2, 3]), [2, 5]).tolist(), int(enp.searchsorted(enp.asarray([1, 2, 2, 3]), 2, "right"))
    ([1, 4], 3)
    """
    return _np_ops.searchsorted(a, v, str(side), sorter, str(method))


def _unique(ar, axis, equal_nan, size, fill_value):
    return _np_ops.unique(ar, _opt_axis(axis), bool(equal_nan), _opt_size(size), fill_value)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           sorted=True, size=None, fill_value=None):
    """The sorted unique values (or slices along `axis`), optionally with first indices, the inverse and
    counts, as numpy.unique. Under jit, `size` fixes the number of results (padded with fill_value, default
    the smallest value).

    >>> import ember.numpy as enp
    >>> v, c = enp.unique(enp.asarray([3, 1, 3, 2]), return_counts=True)
    >>> v.tolist(), c.tolist()
    ([1, 2, 3], [1, 1, 2])
    """
    values, index, inverse, counts = _unique(ar, axis, equal_nan, size, fill_value)
    extras = [r for r, want in ((index, return_index), (inverse, return_inverse), (counts, return_counts)) if want]
    return (values, *extras) if extras else values


class UniqueAllResult(NamedTuple):
    values: Any
    indices: Any
    inverse_indices: Any
    counts: Any


class UniqueCountsResult(NamedTuple):
    values: Any
    counts: Any


class UniqueInverseResult(NamedTuple):
    values: Any
    inverse_indices: Any


def unique_all(x, /, *, size=None, fill_value=None):
    """Array API unique with first indices, inverse indices and counts (NaNs distinct), as numpy.unique_all.

    >>> import ember.numpy as enp
    >>> enp.unique_all(enp.asarray([2, 1, 2])).counts.tolist()
    [1, 2]
    """
    v, i, inv, c = _unique(x, None, False, size, fill_value)
    return UniqueAllResult(v, i, inv, c)


def unique_counts(x, /, *, size=None, fill_value=None):
    """Array API unique values and counts, as numpy.unique_counts.

    >>> import ember.numpy as enp
    >>> enp.unique_counts(enp.asarray([2, 1, 2])).values.tolist()
    [1, 2]
    """
    v, _, _, c = _unique(x, None, False, size, fill_value)
    return UniqueCountsResult(v, c)


def unique_inverse(x, /, *, size=None, fill_value=None):
    """Array API unique values and the inverse indices (x's shape), as numpy.unique_inverse.

    >>> import ember.numpy as enp
    >>> enp.unique_inverse(enp.asarray([2, 1, 2])).inverse_indices.tolist()
    [1, 0, 1]
    """
    v, _, inv, _ = _unique(x, None, False, size, fill_value)
    return UniqueInverseResult(v, inv)


def unique_values(x, /, *, size=None, fill_value=None):
    """Array API unique values, as numpy.unique_values.

    >>> import ember.numpy as enp
    >>> enp.unique_values(enp.asarray([2, 1, 2])).tolist()
    [1, 2]
    """
    return _unique(x, None, False, size, fill_value)[0]


def isin(element, test_elements, assume_unique=False, invert=False, *, kind=None):
    """Whether each element is in test_elements, as numpy.isin.

    >>> import ember.numpy as enp
    >>> enp.isin(enp.asarray([1, 2, 3]), [2, 3, 5]).tolist()
    [False, True, True]
    """
    return _np_ops.isin(element, test_elements, bool(invert))


def in1d(ar1, ar2, assume_unique=False, invert=False, *, kind=None):
    """isin on the flattened ar1 (NumPy deprecates it in favour of isin).

    >>> import ember.numpy as enp
    >>> enp.in1d(enp.asarray([[1, 2]]), [2]).tolist()
    [False, True]
    """
    return _np_ops.isin(_enp.ravel(ar1), ar2, bool(invert))


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False, *, size=None):
    """Sorted unique values in both arrays, as numpy.intersect1d.

    >>> import ember.numpy as enp
    >>> enp.intersect1d(enp.asarray([1, 3, 4, 3]), enp.asarray([3, 1, 2, 1])).tolist()
    [1, 3]
    """
    if return_indices:
        raise NotImplementedError("[intersect1d] expected return_indices=False")
    return _np_ops.intersect1d(ar1, ar2, bool(assume_unique), _opt_size(size))


def union1d(ar1, ar2, *, size=None):
    """Sorted unique values in either array, as numpy.union1d.

    >>> import ember.numpy as enp
    >>> enp.union1d(enp.asarray([-1, 0, 1]), enp.asarray([-2, 0, 2])).tolist()
    [-2, -1, 0, 1, 2]
    """
    return _np_ops.union1d(ar1, ar2, _opt_size(size))


def setdiff1d(ar1, ar2, assume_unique=False, *, size=None):
    """Sorted unique values of ar1 not in ar2, as numpy.setdiff1d.

    >>> import ember.numpy as enp
    >>> enp.setdiff1d(enp.asarray([1, 2, 3, 2, 4, 1]), enp.asarray([3, 4, 5, 6])).tolist()
    [1, 2]
    """
    return _np_ops.setdiff1d(ar1, ar2, bool(assume_unique), _opt_size(size))


def setxor1d(ar1, ar2, assume_unique=False, *, size=None):
    """Sorted unique values in exactly one of the arrays, as numpy.setxor1d.

    >>> import ember.numpy as enp
    >>> enp.setxor1d(enp.asarray([1, 2, 3, 2, 4]), enp.asarray([2, 3, 5, 7, 5])).tolist()
    [1, 4, 5, 7]
    """
    return _np_ops.setxor1d(ar1, ar2, bool(assume_unique), _opt_size(size))


def nonzero(a, *, size=None, fill_value=None):
    """Indices of the non-zero elements, one array per dimension, as numpy.nonzero (under jit with a static
    `size`, padded with fill_value, default 0).

    >>> import ember.numpy as enp
    >>> [i.tolist() for i in enp.nonzero(enp.asarray([[0, 1], [2, 0]]))]
    [[0, 1], [1, 0]]
    """
    return tuple(_np_ops.nonzero(a, _opt_size(size), 0 if fill_value is None else int(fill_value)))


def flatnonzero(a, *, size=None, fill_value=None):
    """Indices of the non-zero elements of the flattened array, as numpy.flatnonzero.

    >>> import ember.numpy as enp
    >>> enp.flatnonzero(enp.asarray([[0, 1], [2, 0]])).tolist()
    [1, 2]
    """
    return _np_ops.flatnonzero(a, _opt_size(size), 0 if fill_value is None else int(fill_value))


def argwhere(a, *, size=None, fill_value=None):
    """Indices of the non-zero elements as rows, as numpy.argwhere.

    >>> import ember.numpy as enp
    >>> enp.argwhere(enp.asarray([[0, 1], [2, 0]])).tolist()
    [[0, 1], [1, 0]]
    """
    return _np_ops.argwhere(a, _opt_size(size), 0 if fill_value is None else int(fill_value))


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """x where condition is true, else y (broadcast together); with the condition alone, nonzero(condition),
    as numpy.where.

    >>> import ember.numpy as enp
    >>> enp.where(enp.asarray([True, False]), 1, 2).tolist(), enp.where(enp.asarray([0, 3]))[0].tolist()
    ([1, 2], [1])
    """
    if x is None and y is None:
        return nonzero(_enp.atleast_1d(condition), size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("[where] expected both x and y, or neither")
    return _np_ops.where(condition, x, y)


def extract(condition, arr, *, size=None, fill_value=0):
    """The elements of arr where condition is true (flattened), as numpy.extract.

    >>> import ember.numpy as enp
    >>> enp.extract(enp.asarray([True, False, True]), enp.asarray([1, 2, 3])).tolist()
    [1, 3]
    """
    return _np_ops.extract(condition, arr, _opt_size(size), float(fill_value))


def compress(condition, a, axis=None, out=None, *, size=None, fill_value=0):
    """The slices along `axis` where the 1-d condition is true, as numpy.compress.

    >>> import ember.numpy as enp
    >>> enp.compress([False, True], enp.asarray([[1, 2], [3, 4]]), axis=0).tolist()
    [[3, 4]]
    """
    _no_out(out, "compress")
    return _np_ops.compress(condition, a, _opt_axis(axis), _opt_size(size), float(fill_value))


def take(a, indices, axis=None, out=None, mode=None, unique_indices=False, indices_are_sorted=False,
         fill_value=None):
    """Elements at the given indices along `axis` (the flattened array by default), as numpy.take. Concrete
    out-of-bounds indices raise IndexError; under jit they are clipped (mode None/'raise'). Other modes:
    'clip', 'wrap' and 'fill' (NaN, or fill_value, for out-of-bounds indices).

    >>> import ember.numpy as enp
    >>> enp.take(enp.asarray([4, 3, 5]), [0, -1]).tolist(), enp.take(enp.asarray([4, 3, 5]), [5], mode="wrap").tolist()
    ([4, 5], [5])
    """
    _no_out(out, "take")
    return _np_ops.take(a, indices, _opt_axis(axis), "" if mode is None else str(mode),
                        None if fill_value is None else float(fill_value))


def take_along_axis(arr, indices, axis=-1, mode=None, fill_value=None):
    """Values at per-slice indices along `axis` (as argsort's result), as numpy.take_along_axis.

    >>> import ember.numpy as enp
    >>> x = enp.asarray([[10, 30, 20]])
    >>> enp.take_along_axis(x, enp.argsort(x, axis=1), axis=1).tolist()
    [[10, 20, 30]]
    """
    if fill_value is not None:
        raise NotImplementedError("[take_along_axis] expected fill_value=None (mode='fill' fills with NaN)")
    return _np_ops.take_along_axis(arr, indices, _opt_axis(axis), "" if mode is None else str(mode))


def unravel_index(indices, shape, order="C"):
    """Flat indices as coordinate arrays, as numpy.unravel_index.

    >>> import ember.numpy as enp
    >>> [i.tolist() for i in enp.unravel_index(enp.asarray([5, 7]), (2, 4))]
    [[1, 1], [1, 3]]
    """
    if order != "C":
        raise NotImplementedError(f"[unravel_index] expected order='C', got {order!r}")
    return tuple(_np_ops.unravel_index(indices, _enp._shape(shape)))


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Coordinate arrays as flat indices, as numpy.ravel_multi_index (mode per dimension: 'raise', 'wrap' or
    'clip').

    >>> import ember.numpy as enp
    >>> enp.ravel_multi_index((enp.asarray([1, 1]), enp.asarray([1, 3])), (2, 4)).tolist()
    [5, 7]
    """
    if order != "C":
        raise NotImplementedError(f"[ravel_multi_index] expected order='C', got {order!r}")
    modes = [mode] if isinstance(mode, str) else list(mode)
    return _np_ops.ravel_multi_index(list(multi_index), _enp._shape(dims), modes)


def digitize(x, bins, right=False):
    """Indices of the bins each value falls in (bins increasing or decreasing), as numpy.digitize.

    >>> import ember.numpy as enp
    >>> enp.digitize(enp.asarray([0.5, 1.0, 2.5]), enp.asarray([1.0, 2.0, 3.0])).tolist()
    [0, 1, 2]
    """
    return _np_ops.digitize(x, bins, bool(right))


def bincount(x, /, weights=None, minlength=0, *, length=None):
    """Occurrences (or summed weights) of each non-negative integer, as numpy.bincount; under jit the
    number of bins must be given as `length` (larger values are dropped).

    >>> import ember.numpy as enp
    >>> enp.bincount(enp.asarray([0, 1, 1, 3])).tolist()
    [1, 2, 0, 1]
    """
    return _np_ops.bincount(x, weights, int(minlength), _opt_size(length))


def packbits(a, /, axis=None, bitorder="big"):
    """Bits of a bool/integer array (non-zero = 1) packed into uint8, as numpy.packbits.

    >>> import ember.numpy as enp
    >>> enp.packbits(enp.asarray([1, 0, 1, 1, 0, 0, 0, 1, 1])).tolist()
    [177, 128]
    """
    return _np_ops.packbits(a, _opt_axis(axis), str(bitorder))


def unpackbits(a, /, axis=None, count=None, bitorder="big"):
    """The bits of a uint8 array, as numpy.unpackbits.

    >>> import ember.numpy as enp
    >>> enp.unpackbits(enp.asarray([5], dtype=enp.uint8)).tolist()
    [0, 0, 0, 0, 0, 1, 0, 1]
    """
    return _np_ops.unpackbits(a, _opt_axis(axis), None if count is None else int(count), str(bitorder))
