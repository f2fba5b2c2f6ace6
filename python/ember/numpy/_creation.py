"""Array creation beyond zeros/ones/arange: spaced sequences, triangles and diagonals, grids, index
helpers and conversions (ember.numpy re-exports them)."""

from __future__ import annotations

import builtins as _builtins
import math as _math

import numpy as _np

from .. import _core
from .. import numpy as _enp

_np_ops = _core.np


def _is_number(v) -> bool:
    return isinstance(v, (int, float, _np.integer, _np.floating)) and not isinstance(v, (bool, _np.bool_))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, device=None):
    """`num` evenly spaced samples from start to stop (arrays of starts/stops give one sequence each, along
    `axis`), as numpy.linspace; float32 by default.

    >>> import ember.numpy as enp
    >>> enp.linspace(0, 1, 3).tolist(), enp.linspace([0, 10], [1, 20], 2, axis=1).tolist()
    ([0.0, 0.5, 1.0], [[0.0, 1.0], [10.0, 20.0]])
    """
    num = int(num)
    if num < 0:
        raise ValueError(f"[linspace] expected a non-negative num, got {num}")
    if _is_number(start) and _is_number(stop) and axis == 0:
        out = _np_ops.linspace(float(start), float(stop), num, bool(endpoint), dtype)
    else:
        out = _np_ops.linspace_array(start, stop, num, bool(endpoint), dtype, int(axis))
    if retstep:
        div = (num - 1) if endpoint else num
        step = _enp.true_divide(_enp.subtract(stop, start), div) if div > 0 else _np.nan
        if _is_number(start) and _is_number(stop) and div > 0:
            step = (stop - start) / div
        return out, step
    return out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """base ** linspace(start, stop), as numpy.logspace; float32 by default.

    >>> import ember.numpy as enp
    >>> enp.logspace(0, 3, 4).tolist()
    [1.0, 10.0, 100.0, 1000.0]
    """
    if _is_number(start) and _is_number(stop) and _is_number(base) and axis == 0:
        return _np_ops.logspace(float(start), float(stop), int(num), bool(endpoint), float(base), dtype)
    y = linspace(start, stop, num, endpoint, dtype=_enp.float64, axis=axis)
    r = _enp.power(_enp.asarray(base, dtype=_enp.float64), y)
    return _enp.astype(r, dtype if dtype is not None else _enp.float32)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Numbers spaced evenly on a log scale from start to stop (same sign, non-zero), as numpy.geomspace.

    >>> import ember.numpy as enp
    >>> enp.geomspace(1, 1000, 4).tolist()
    [1.0, 10.0, 100.0, 1000.0]
    """
    if not (_is_number(start) and _is_number(stop)) or axis != 0:
        raise NotImplementedError("[geomspace] expected scalar start and stop with axis=0")
    return _np_ops.geomspace(float(start), float(stop), int(num), bool(endpoint), dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the k-th diagonal, as numpy.tri.

    >>> import ember.numpy as enp
    >>> enp.tri(2, 3, dtype=int).tolist()
    [[1, 0, 0], [1, 1, 0]]
    """
    return _np_ops.tri(int(N), None if M is None else int(M), int(k), dtype if dtype is not None else _enp.float32)


def tril(m, k=0):
    """Zeros above the k-th diagonal (of the last two axes), as numpy.tril.

    >>> import ember.numpy as enp
    >>> enp.tril(enp.ones((2, 2), dtype=int)).tolist()
    [[1, 0], [1, 1]]
    """
    return _np_ops.tril(m, int(k))


def triu(m, k=0):
    """Zeros below the k-th diagonal (of the last two axes), as numpy.triu.

    >>> import ember.numpy as enp
    >>> enp.triu(enp.ones((2, 2), dtype=int)).tolist()
    [[1, 1], [0, 1]]
    """
    return _np_ops.triu(m, int(k))


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate matrices from coordinate vectors, as numpy.meshgrid.

    >>> import ember.numpy as enp
    >>> xx, yy = enp.meshgrid(enp.arange(3), enp.arange(2))
    >>> xx.shape, yy.tolist()
    ((2, 3), [[0, 0, 0], [1, 1, 1]])
    """
    return tuple(_np_ops.meshgrid(list(xi), bool(sparse), str(indexing)))


def diag(v, k=0):
    """The k-th diagonal of a 2-d array, or a 2-d array with v on its k-th diagonal, as numpy.diag.

    >>> import ember.numpy as enp
    >>> enp.diag(enp.asarray([1, 2])).tolist(), enp.diag(enp.asarray([[1, 2], [3, 4]])).tolist()
    ([[1, 0], [0, 2]], [1, 4])
    """
    return _np_ops.diag(v, int(k))


def diagflat(v, k=0):
    """A 2-d array with the flattened input on its k-th diagonal, as numpy.diagflat.

    >>> import ember.numpy as enp
    >>> enp.diagflat(enp.asarray([[1, 2]])).tolist()
    [[1, 0], [0, 2]]
    """
    return _np_ops.diagflat(v, int(k))


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal of the (axis1, axis2) planes, appended as the last axis, as numpy.diagonal.

    >>> import ember.numpy as enp
    >>> enp.diagonal(enp.arange(9).reshape(3, 3), 1).tolist()
    [1, 5]
    """
    return _np_ops.diagonal(a, int(offset), int(axis1), int(axis2))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal, as numpy.trace.

    >>> import ember.numpy as enp
    >>> int(enp.trace(enp.arange(9).reshape(3, 3)))
    12
    """
    _enp._no_out(out, "trace")
    return _np_ops.trace(a, int(offset), int(axis1), int(axis2), dtype)


def indices(dimensions, dtype=int, sparse=False):
    """The grid of indices of an array of shape `dimensions`, as numpy.indices.

    >>> import ember.numpy as enp
    >>> enp.indices((2, 3)).shape
    (2, 2, 3)
    """
    dims = tuple(int(d) for d in dimensions)
    if sparse:
        out = []
        for i, d in enumerate(dims):
            shape = [1] * len(dims)
            shape[i] = d
            out.append(_enp.reshape(_enp.arange(d, dtype=dtype), shape))
        return tuple(out)
    return _np_ops.indices(list(dims), dtype)


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """function(*indices) over the grid of indices of `shape`, as numpy.fromfunction.

    >>> import ember.numpy as enp
    >>> enp.fromfunction(lambda i, j: i + j, (2, 2), dtype=int).tolist()
    [[0, 1], [1, 2]]
    """
    grids = indices(shape, dtype=dtype)
    return function(*[grids[i] for i in range(len(tuple(shape)))], **kwargs)


def copy(a, order="K", subok=False):
    """A copy of `a` (ember arrays are immutable, so the data may be shared), as numpy.copy.

    >>> import ember.numpy as enp
    >>> enp.copy(enp.asarray([1, 2])).tolist()
    [1, 2]
    """
    return _np_ops.copy(a)


def asanyarray(a, dtype=None, order=None, *, like=None):
    """asarray (ember has no array subclasses), as numpy.asanyarray.

    >>> import ember.numpy as enp
    >>> enp.asanyarray([1, 2]).dtype
    dtype('int64')
    """
    return _enp.asarray(a, dtype)


def ascontiguousarray(a, dtype=None, *, like=None):
    """asarray with at least one dimension (ember arrays are always C-contiguous), as numpy.ascontiguousarray.

    >>> import ember.numpy as enp
    >>> enp.ascontiguousarray(5).shape
    (1,)
    """
    return _enp.atleast_1d(_enp.asarray(a, dtype))


def asfortranarray(a, dtype=None, *, like=None):
    """asarray with at least one dimension: ember has a single (row-major) layout, so the values are those
    of NumPy's Fortran-ordered array, as numpy.asfortranarray.

    >>> import ember.numpy as enp
    >>> enp.asfortranarray([[1, 2], [3, 4]]).tolist()
    [[1, 2], [3, 4]]
    """
    return _enp.atleast_1d(_enp.asarray(a, dtype))


def asarray_chkfinite(a, dtype=None, order=None):
    """asarray that raises ValueError for NaN or infinity (concrete input), as numpy.asarray_chkfinite.

    >>> import ember.numpy as enp
    >>> enp.asarray_chkfinite([1.0, 2.0]).tolist()
    [1.0, 2.0]
    """
    out = _enp.asarray(a, dtype)
    if out._is_traced:
        raise _core.ConcretizationError("[asarray_chkfinite] expected a concrete array (the check reads its values)")
    if out.dtype.kind in "fc" and not bool(_np.all(_np.isfinite(_np.asarray(out)))):
        raise ValueError("[asarray_chkfinite] expected finite values, got NaN or infinity")
    return out


def require(a, dtype=None, requirements=None, *, like=None):
    """asarray with the given dtype; layout requirements (C, F, A, W, O, E) hold for ember arrays or are
    refused (W: ember arrays are read-only), as numpy.require.

    >>> import ember.numpy as enp
    >>> enp.require([1, 2], dtype=enp.float32, requirements="C").dtype
    dtype('float32')
    """
    reqs = set(requirements or ())
    names = {"C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C", "F": "F", "F_CONTIGUOUS": "F", "FORTRAN": "F",
             "A": "A", "ALIGNED": "A", "W": "W", "WRITEABLE": "W", "O": "O", "OWNDATA": "O", "E": "E",
             "ENSUREARRAY": "E"}
    flags = {names.get(str(r).upper(), str(r)) for r in reqs}
    if "W" in flags:
        raise ValueError("[require] expected requirements an immutable array meets, got 'WRITEABLE'")
    return _enp.asarray(a, dtype)


def frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None):
    """An array from the bytes of a buffer (copied), as numpy.frombuffer.

    >>> import ember.numpy as enp
    >>> enp.frombuffer(bytes([1, 0, 2, 0]), dtype=enp.int16).tolist()
    [1, 2]
    """
    dt = _enp.float64 if dtype is float else dtype
    return _enp.asarray(_np.frombuffer(buffer, dtype=dt, count=count, offset=offset))


def fromiter(iter, dtype, count=-1, *, like=None):
    """An array from a Python iterable, as numpy.fromiter.

    >>> import ember.numpy as enp
    >>> enp.fromiter((i * i for i in range(4)), dtype=int).tolist()
    [0, 1, 4, 9]
    """
    dt = _enp.int64 if dtype is int else _enp.float32 if dtype is float else dtype
    return _enp.asarray(_np.fromiter(iter, dtype=dt, count=count))


def from_dlpack(x, /, *, device=None, copy=None):
    """An array from an object with __dlpack__ (the data is copied), as numpy.from_dlpack.

    >>> import numpy as np, ember.numpy as enp
    >>> enp.from_dlpack(np.arange(3)).tolist()
    [0, 1, 2]
    """
    return _enp.asarray(_np.from_dlpack(x))


def ix_(*args):
    """Open meshes for cross-indexing, as numpy.ix_.

    >>> import ember.numpy as enp
    >>> [a.shape for a in enp.ix_([0, 1], [2, 4, 5])]
    [(2, 1), (1, 3)]
    """
    out = []
    n = len(args)
    for k, a in enumerate(args):
        a = _enp.asarray(a)
        if a.ndim != 1:
            raise ValueError(f"[ix_] expected 1-d sequences, got an array of rank {a.ndim}")
        if a.dtype == _np.bool_:
            a = _enp.nonzero(a)[0]
        shape = [1] * n
        shape[k] = a.shape[0]
        out.append(_enp.reshape(a, shape))
    return tuple(out)


def _index_pair(rows, cols):
    return _enp.asarray(_np.asarray(rows, dtype=_np.int64)), _enp.asarray(_np.asarray(cols, dtype=_np.int64))


def diag_indices(n, ndim=2):
    """The indices of the main diagonal of an (n, ..., n) array, as numpy.diag_indices.

    >>> import ember.numpy as enp
    >>> [i.tolist() for i in enp.diag_indices(3)]
    [[0, 1, 2], [0, 1, 2]]
    """
    idx = _enp.arange(int(n))
    return (idx,) * int(ndim)


def diag_indices_from(arr):
    """diag_indices for an array whose dimensions are all equal, as numpy.diag_indices_from.

    >>> import ember.numpy as enp
    >>> len(enp.diag_indices_from(enp.ones((2, 2))))
    2
    """
    shape = _np.shape(arr)
    if len(shape) < 2 or len(set(shape)) != 1:
        raise ValueError(f"[diag_indices_from] expected an array of rank >= 2 with equal dimensions, got {shape}")
    return diag_indices(shape[0], len(shape))


def tril_indices(n, k=0, m=None):
    """The indices of the lower triangle of an (n, m) array (static: computed from the sizes), as
    numpy.tril_indices.

    >>> import ember.numpy as enp
    >>> [i.tolist() for i in enp.tril_indices(2)]
    [[0, 1, 1], [0, 0, 1]]
    """
    return _index_pair(*_np.tril_indices(int(n), int(k), None if m is None else int(m)))


def triu_indices(n, k=0, m=None):
    """The indices of the upper triangle of an (n, m) array, as numpy.triu_indices.

    >>> import ember.numpy as enp
    >>> [i.tolist() for i in enp.triu_indices(2)]
    [[0, 0, 1], [0, 1, 1]]
    """
    return _index_pair(*_np.triu_indices(int(n), int(k), None if m is None else int(m)))


def tril_indices_from(arr, k=0):
    """tril_indices for the shape of a 2-d array, as numpy.tril_indices_from.

    >>> import ember.numpy as enp
    >>> len(enp.tril_indices_from(enp.ones((3, 3)))[0])
    6
    """
    shape = _np.shape(arr)
    if len(shape) != 2:
        raise ValueError(f"[tril_indices_from] expected a 2-d array, got shape {shape}")
    return tril_indices(shape[0], k, shape[1])


def triu_indices_from(arr, k=0):
    """triu_indices for the shape of a 2-d array, as numpy.triu_indices_from.

    >>> import ember.numpy as enp
    >>> len(enp.triu_indices_from(enp.ones((3, 3)), 1)[0])
    3
    """
    shape = _np.shape(arr)
    if len(shape) != 2:
        raise ValueError(f"[triu_indices_from] expected a 2-d array, got shape {shape}")
    return triu_indices(shape[0], k, shape[1])


def mask_indices(n, mask_func, k=0, *, size=None):
    """The indices where mask_func(ones((n, n)), k) is non-zero, as numpy.mask_indices (under jit with a
    static `size`, as nonzero).

    >>> import ember.numpy as enp
    >>> [i.tolist() for i in enp.mask_indices(2, enp.triu)]
    [[0, 0, 1], [0, 1, 1]]
    """
    m = mask_func(_enp.ones((int(n), int(n)), dtype=_enp.int64), k)
    return _enp.nonzero(_enp.not_equal(m, 0), size=size)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix (powers of x, decreasing unless `increasing`), as numpy.vander.

    >>> import ember.numpy as enp
    >>> enp.vander(enp.asarray([1, 2, 3]), 3).tolist()
    [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
    """
    return _np_ops.vander(x, None if N is None else int(N), bool(increasing))


def bartlett(M):
    """The Bartlett (triangular) window of M points (float32), as numpy.bartlett.

    >>> import ember.numpy as enp
    >>> enp.bartlett(5).tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return _np_ops.bartlett(int(M))


def blackman(M):
    """The Blackman window of M points (float32), as numpy.blackman.

    >>> import ember.numpy as enp
    >>> [round(v, 4) for v in enp.blackman(3).tolist()]
    [-0.0, 1.0, -0.0]
    """
    return _np_ops.blackman(int(M))


def hamming(M):
    """The Hamming window of M points (float32), as numpy.hamming.

    >>> import ember.numpy as enp
    >>> [round(v, 4) for v in enp.hamming(3).tolist()]
    [0.08, 1.0, 0.08]
    """
    return _np_ops.hamming(int(M))


def hanning(M):
    """The Hann window of M points (float32), as numpy.hanning.

    >>> import ember.numpy as enp
    >>> enp.hanning(3).tolist()
    [0.0, 1.0, 0.0]
    """
    return _np_ops.hanning(int(M))


def kaiser(M, beta):
    """The Kaiser window of M points with shape parameter beta (float32), as numpy.kaiser.

    >>> import ember.numpy as enp
    >>> enp.kaiser(3, 0.0).tolist()
    [1.0, 1.0, 1.0]
    """
    return _np_ops.kaiser(int(M), float(beta))
