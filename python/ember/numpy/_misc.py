"""Queries and functional helpers: isscalar, iterable, shares_memory, apply_along_axis, apply_over_axes
(ember.numpy re-exports them)."""

from __future__ import annotations

import numpy as _np

from .. import _core
from .. import numpy as _enp


def isscalar(element):
    """Whether element is a scalar (Python or NumPy scalar; arrays, 0-d included, are not), as
    numpy.isscalar.

    >>> import ember.numpy as enp
    >>> enp.isscalar(3.0), enp.isscalar(enp.asarray(3.0))
    (True, False)
    """
    if isinstance(element, _core.Array):
        return False
    return bool(_np.isscalar(element))


def iterable(y):
    """Whether y can be iterated over (0-d arrays cannot), as numpy.iterable.

    >>> import ember.numpy as enp
    >>> enp.iterable(enp.ones(2)), enp.iterable(enp.asarray(1.0))
    (True, False)
    """
    if isinstance(y, _core.Array):
        return y.ndim > 0
    return bool(_np.iterable(y))


def isfortran(a):
    """Whether a is Fortran-ordered and not C-ordered: never for ember arrays (one row-major layout), as
    numpy.isfortran.

    >>> import ember.numpy as enp
    >>> enp.isfortran(enp.ones((2, 2)))
    False
    """
    if isinstance(a, _np.ndarray):
        return bool(_np.isfortran(a))
    return False


def _extent(x):
    if isinstance(x, _core.Array):
        if x._is_traced:
            return None
        start = _core.np._buffer_address(x)
        return (start, start + x.nbytes)
    if isinstance(x, _np.ndarray):
        lo, hi = _np.byte_bounds(x) if hasattr(_np, "byte_bounds") else _np.lib.array_utils.byte_bounds(x)
        return (lo, hi)
    return None


def shares_memory(a, b, /, max_work=None):
    """Whether two arrays share memory (ember arrays are immutable; x.copy() may share), as
    numpy.shares_memory.

    >>> import ember.numpy as enp
    >>> x = enp.ones(3)
    >>> enp.shares_memory(x, x), enp.shares_memory(x, enp.ones(3))
    (True, False)
    """
    if isinstance(a, _np.ndarray) and isinstance(b, _np.ndarray):
        return bool(_np.shares_memory(a, b))
    ea, eb = _extent(a), _extent(b)
    if ea is None or eb is None or ea[0] == ea[1] or eb[0] == eb[1]:
        return False
    return ea[0] < eb[1] and eb[0] < ea[1]


def may_share_memory(a, b, /, max_work=None):
    """Whether two arrays might share memory (overlapping buffers), as numpy.may_share_memory.

    >>> import ember.numpy as enp
    >>> x = enp.ones(3)
    >>> enp.may_share_memory(x, x)
    True
    """
    return shares_memory(a, b)


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """func1d applied to the 1-d slices along `axis`, results stacked in its place, as
    numpy.apply_along_axis (a static loop over the slices; it also traces under jit).

    >>> import ember.numpy as enp
    >>> enp.apply_along_axis(lambda v: v[0] + v[-1], 1, enp.arange(6).reshape(2, 3)).tolist()
    [2, 8]
    """
    arr = _enp.asarray(arr)
    axis = int(axis) % arr.ndim if arr.ndim else 0
    moved = _enp.moveaxis(arr, axis, -1)
    outer = moved.shape[:-1]
    flat = _enp.reshape(moved, (-1, moved.shape[-1]))
    results = [_enp.asarray(func1d(flat[i], *args, **kwargs)) for i in range(flat.shape[0])]
    if not results:
        raise ValueError("[apply_along_axis] expected at least one slice, got an empty array")
    res = _enp.reshape(_enp.stack(results), outer + results[0].shape)
    # The function's result dimensions take the place of the axis.
    k = results[0].ndim
    return _enp.moveaxis(res, list(range(len(outer), len(outer) + k)), list(range(axis, axis + k))) if k else res


def apply_over_axes(func, a, axes):
    """func(a, axis) applied repeatedly over axes, keeping dimensions, as numpy.apply_over_axes.

    >>> import ember.numpy as enp
    >>> enp.apply_over_axes(enp.sum, enp.ones((2, 3, 4)), [0, 2]).shape
    (1, 3, 1)
    """
    val = _enp.asarray(a)
    n = val.ndim
    for axis in ([axes] if _np.ndim(axes) == 0 else list(axes)):
        axis = int(axis) % n
        res = _enp.asarray(func(val, axis))
        if res.ndim == val.ndim:
            val = res
        else:
            res = _enp.expand_dims(res, axis)
            if res.ndim != val.ndim:
                raise ValueError("[apply_over_axes] expected a function that keeps or removes one dimension")
            val = res
    return val
