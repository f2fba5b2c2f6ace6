"""Reductions beyond sum/mean/max: cumulative ones, order statistics (quantiles with NumPy's 13 methods),
weighted averages and the NaN-ignoring family (ember.numpy re-exports them)."""

from __future__ import annotations

import numpy as _np

from .. import _core
from .. import numpy as _enp

_np_ops = _core.np
_axis = _enp._axis
_no_out = _enp._no_out


def _q(q):
    # A Python number stays a weak scalar (full precision, no promotion); a list becomes a float64 array, as
    # NumPy's asarray would make it (ember's lists would otherwise become float32).
    if isinstance(q, (_core.Array, _np.ndarray, _np.generic, int, float)):
        return q
    return _np.asarray(q, dtype=_np.float64)


def _opt_axis(axis):
    return None if axis is None else int(axis)


def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along `axis` (the flattened array by default), as numpy.cumsum.

    >>> import ember.numpy as enp
    >>> enp.cumsum(enp.asarray([1, 2, 3])).tolist()
    [1, 3, 6]
    """
    _no_out(out, "cumsum")
    return _np_ops.cumsum(a, _opt_axis(axis), dtype)


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along `axis` (the flattened array by default), as numpy.cumprod.

    >>> import ember.numpy as enp
    >>> enp.cumprod(enp.asarray([1, 2, 3])).tolist()
    [1, 2, 6]
    """
    _no_out(out, "cumprod")
    return _np_ops.cumprod(a, _opt_axis(axis), dtype)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Array API cumulative sum (axis required above 1-d; include_initial prepends 0), as
    numpy.cumulative_sum.

    >>> import ember.numpy as enp
    >>> enp.cumulative_sum(enp.asarray([1, 2, 3]), include_initial=True).tolist()
    [0, 1, 3, 6]
    """
    _no_out(out, "cumulative_sum")
    return _np_ops.cumulative_sum(x, _opt_axis(axis), dtype, bool(include_initial))


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Array API cumulative product (include_initial prepends 1), as numpy.cumulative_prod.

    >>> import ember.numpy as enp
    >>> enp.cumulative_prod(enp.asarray([1, 2, 3]), include_initial=True).tolist()
    [1, 1, 2, 6]
    """
    _no_out(out, "cumulative_prod")
    return _np_ops.cumulative_prod(x, _opt_axis(axis), dtype, bool(include_initial))


def nancumsum(a, axis=None, dtype=None, out=None):
    """cumsum with NaNs counted as 0, as numpy.nancumsum.

    >>> import ember.numpy as enp
    >>> enp.nancumsum(enp.asarray([1.0, enp.nan, 2.0])).tolist()
    [1.0, 1.0, 3.0]
    """
    _no_out(out, "nancumsum")
    return _np_ops.nancumsum(a, _opt_axis(axis), dtype)


def nancumprod(a, axis=None, dtype=None, out=None):
    """cumprod with NaNs counted as 1, as numpy.nancumprod.

    >>> import ember.numpy as enp
    >>> enp.nancumprod(enp.asarray([2.0, enp.nan, 3.0])).tolist()
    [2.0, 2.0, 6.0]
    """
    _no_out(out, "nancumprod")
    return _np_ops.nancumprod(a, _opt_axis(axis), dtype)


def ptp(a, axis=None, out=None, keepdims=False):
    """max - min along `axis` (integers wrap, as NumPy), as numpy.ptp.

    >>> import ember.numpy as enp
    >>> int(enp.ptp(enp.asarray([4, 9, 2])))
    7
    """
    _no_out(out, "ptp")
    return _np_ops.ptp(a, _axis(axis), bool(keepdims))


def count_nonzero(a, axis=None, *, keepdims=False):
    """The number of non-zero values along `axis` (int64), as numpy.count_nonzero.

    >>> import ember.numpy as enp
    >>> int(enp.count_nonzero(enp.asarray([0, 1, 2, 0])))
    2
    """
    return _np_ops.count_nonzero(a, _axis(axis), bool(keepdims))


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted mean along `axis` (optionally with the sum of weights), as numpy.average.

    >>> import ember.numpy as enp
    >>> float(enp.average(enp.asarray([1.0, 2.0, 3.0]), weights=[3, 1, 0]))
    1.25
    """
    avg, wsum = _np_ops.average(a, _axis(axis), weights, bool(keepdims))
    return (avg, wsum) if returned else avg


def _where_fill(a, where, value):
    if where is None or where is True:
        return a
    return _enp.where(where, a, value)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median along `axis` (NaN if the slice has a NaN), as numpy.median.

    >>> import ember.numpy as enp
    >>> float(enp.median(enp.asarray([3.0, 1.0, 4.0, 2.0])))
    2.5
    """
    _no_out(out, "median")
    return _np_ops.median(a, _axis(axis), bool(keepdims))


def _method(method, interpolation, name):
    if interpolation is not None:
        raise TypeError(f"[{name}] expected method=, got the removed interpolation= argument")
    return str(method)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
             interpolation=None):
    """The q-th quantiles (q in [0, 1]) along `axis` with any of NumPy's 13 methods, as numpy.quantile.

    >>> import ember.numpy as enp
    >>> enp.quantile(enp.arange(5.0), [0.25, 0.5]).tolist(), float(enp.quantile(enp.arange(4.0), 0.5, method="lower"))
    ([1.0, 2.0], 1.0)
    """
    _no_out(out, "quantile")
    if weights is not None:
        raise NotImplementedError("[quantile] expected weights=None (weighted quantiles are not supported)")
    return _np_ops.quantile(a, _q(q), _axis(axis), _method(method, interpolation, "quantile"), bool(keepdims))


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
               interpolation=None):
    """The q-th percentiles (q in [0, 100]) along `axis`, as numpy.percentile.

    >>> import ember.numpy as enp
    >>> float(enp.percentile(enp.arange(5.0), 50))
    2.0
    """
    _no_out(out, "percentile")
    if weights is not None:
        raise NotImplementedError("[percentile] expected weights=None (weighted percentiles are not supported)")
    return _np_ops.percentile(a, _q(q), _axis(axis), _method(method, interpolation, "percentile"), bool(keepdims))


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                weights=None, interpolation=None):
    """quantile ignoring NaNs (an all-NaN slice gives NaN), as numpy.nanquantile.

    >>> import ember.numpy as enp
    >>> float(enp.nanquantile(enp.asarray([1.0, enp.nan, 3.0]), 0.5))
    2.0
    """
    _no_out(out, "nanquantile")
    if weights is not None:
        raise NotImplementedError("[nanquantile] expected weights=None (weighted quantiles are not supported)")
    return _np_ops.nanquantile(a, _q(q), _axis(axis), _method(method, interpolation, "nanquantile"), bool(keepdims))


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                  weights=None, interpolation=None):
    """percentile ignoring NaNs, as numpy.nanpercentile.

    >>> import ember.numpy as enp
    >>> float(enp.nanpercentile(enp.asarray([1.0, enp.nan, 3.0]), 100))
    3.0
    """
    _no_out(out, "nanpercentile")
    if weights is not None:
        raise NotImplementedError("[nanpercentile] expected weights=None (weighted percentiles are not supported)")
    return _np_ops.nanpercentile(a, _q(q), _axis(axis), _method(method, interpolation, "nanpercentile"), bool(keepdims))


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """median ignoring NaNs, as numpy.nanmedian.

    >>> import ember.numpy as enp
    >>> float(enp.nanmedian(enp.asarray([1.0, enp.nan, 3.0])))
    2.0
    """
    _no_out(out, "nanmedian")
    return _np_ops.nanmedian(a, _axis(axis), bool(keepdims))


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """sum with NaNs counted as 0, as numpy.nansum.

    >>> import ember.numpy as enp
    >>> float(enp.nansum(enp.asarray([1.0, enp.nan, 2.0])))
    3.0
    """
    _no_out(out, "nansum")
    r = _np_ops.nansum(_where_fill(a, where, 0), _axis(axis), dtype, bool(keepdims))
    return r if initial is None else _enp.add(r, initial)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """prod with NaNs counted as 1, as numpy.nanprod.

    >>> import ember.numpy as enp
    >>> float(enp.nanprod(enp.asarray([2.0, enp.nan, 3.0])))
    6.0
    """
    _no_out(out, "nanprod")
    r = _np_ops.nanprod(_where_fill(a, where, 1), _axis(axis), dtype, bool(keepdims))
    return r if initial is None else _enp.multiply(r, initial)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """mean over the non-NaN values (NaN for an all-NaN slice), as numpy.nanmean.

    >>> import ember.numpy as enp
    >>> float(enp.nanmean(enp.asarray([1.0, enp.nan, 3.0])))
    2.0
    """
    _no_out(out, "nanmean")
    return _np_ops.nanmean(_where_fill(a, where, _enp.nan), _axis(axis), dtype, bool(keepdims))


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None, correction=None):
    """var over the non-NaN values, as numpy.nanvar.

    >>> import ember.numpy as enp
    >>> float(enp.nanvar(enp.asarray([1.0, enp.nan, 3.0])))
    1.0
    """
    _no_out(out, "nanvar")
    if correction is not None:
        ddof = correction
    return _np_ops.nanvar(_where_fill(a, where, _enp.nan), _axis(axis), dtype, int(ddof), bool(keepdims))


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None, correction=None):
    """std over the non-NaN values, as numpy.nanstd.

    >>> import ember.numpy as enp
    >>> float(enp.nanstd(enp.asarray([1.0, enp.nan, 3.0])))
    1.0
    """
    _no_out(out, "nanstd")
    if correction is not None:
        ddof = correction
    return _np_ops.nanstd(_where_fill(a, where, _enp.nan), _axis(axis), dtype, int(ddof), bool(keepdims))


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """max ignoring NaNs (NaN for an all-NaN slice), as numpy.nanmax.

    >>> import ember.numpy as enp
    >>> float(enp.nanmax(enp.asarray([1.0, enp.nan, 3.0])))
    3.0
    """
    _no_out(out, "nanmax")
    r = _np_ops.nanmax(_where_fill(a, where, _enp.nan), _axis(axis), bool(keepdims))
    return r if initial is None else _enp.fmax(r, initial)


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """min ignoring NaNs (NaN for an all-NaN slice), as numpy.nanmin.

    >>> import ember.numpy as enp
    >>> float(enp.nanmin(enp.asarray([1.0, enp.nan, 3.0])))
    1.0
    """
    _no_out(out, "nanmin")
    r = _np_ops.nanmin(_where_fill(a, where, _enp.nan), _axis(axis), bool(keepdims))
    return r if initial is None else _enp.fmin(r, initial)


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """argmax ignoring NaNs (ValueError for an all-NaN slice of concrete input, -1 under jit), as
    numpy.nanargmax.

    >>> import ember.numpy as enp
    >>> int(enp.nanargmax(enp.asarray([1.0, enp.nan, 3.0])))
    2
    """
    _no_out(out, "nanargmax")
    return _np_ops.nanargmax(a, _opt_axis(axis), bool(keepdims))


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """argmin ignoring NaNs (ValueError for an all-NaN slice of concrete input, -1 under jit), as
    numpy.nanargmin.

    >>> import ember.numpy as enp
    >>> int(enp.nanargmin(enp.asarray([1.0, enp.nan, 3.0])))
    0
    """
    _no_out(out, "nanargmin")
    return _np_ops.nanargmin(a, _opt_axis(axis), bool(keepdims))
