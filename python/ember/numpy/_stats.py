"""Statistics, signal processing and polynomials: differences, gradients, integration, convolution,
covariance, interpolation, histograms and NumPy's polynomial functions (ember.numpy re-exports them)."""

from __future__ import annotations

import numpy as _np

from .. import _core
from .. import numpy as _enp

_np_ops = _core.np
_NOVALUE = object()


def diff(a, n=1, axis=-1, prepend=_NOVALUE, append=_NOVALUE):
    """n-th discrete difference along `axis` (!= for bool), as numpy.diff.

    >>> import ember.numpy as enp
    >>> enp.diff(enp.asarray([1, 4, 9, 16])).tolist(), enp.diff(enp.asarray([1, 4, 9]), prepend=0).tolist()
    ([3, 5, 7], [1, 3, 5])
    """
    return _np_ops.diff(a, int(n), int(axis), None if prepend is _NOVALUE else prepend,
                        None if append is _NOVALUE else append)


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened array, with values prepended/appended, as numpy.ediff1d.

    >>> import ember.numpy as enp
    >>> enp.ediff1d(enp.asarray([1, 2, 4]), to_begin=-9).tolist()
    [-9, 1, 2]
    """
    return _np_ops.ediff1d(ary, to_end, to_begin)


def gradient(f, *varargs, axis=None, edge_order=1):
    """Second-order central differences inside, first- or second-order one-sided ones at the edges, with
    uniform spacings or coordinate arrays, as numpy.gradient.

    >>> import ember.numpy as enp
    >>> enp.gradient(enp.asarray([1.0, 2.0, 4.0, 7.0])).tolist()
    [1.0, 1.5, 2.5, 3.0]
    """
    f = _enp.asarray(f)
    axes = None if axis is None else _enp._axis(axis)
    n_axes = f.ndim if axes is None else len(axes)
    spacing = [_enp.asarray(v) if not isinstance(v, (int, float)) else v for v in varargs]
    out = _np_ops.gradient(f, spacing, axes, int(edge_order))
    return out[0] if n_axes == 1 else tuple(out)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral by the trapezoidal rule along `axis`, as numpy.trapezoid.

    >>> import ember.numpy as enp
    >>> float(enp.trapezoid(enp.asarray([1.0, 2.0, 3.0])))
    4.0
    """
    return _np_ops.trapezoid(y, x, float(dx), int(axis))


def unwrap(p, discont=None, axis=-1, *, period=6.283185307179586):
    """Phase unwrapping: jumps larger than discont (period/2 at least) are corrected by multiples of period,
    as numpy.unwrap.

    >>> import ember.numpy as enp
    >>> enp.unwrap(enp.asarray([0.0, 6.0]), period=6.0).tolist()
    [0.0, 0.0]
    """
    return _np_ops.unwrap(p, None if discont is None else float(discont), int(axis), float(period))


def convolve(a, v, mode="full"):
    """Discrete linear convolution of 1-d arrays ('full', 'same' or 'valid'), as numpy.convolve.

    >>> import ember.numpy as enp
    >>> enp.convolve(enp.asarray([1, 2, 3]), enp.asarray([0, 1, 0.5])).tolist()
    [0.0, 1.0, 2.5, 4.0, 1.5]
    """
    return _np_ops.convolve(a, v, str(mode))


def correlate(a, v, mode="valid"):
    """Cross-correlation of 1-d arrays, sum_n a[n + k] conj(v[n]), as numpy.correlate.

    >>> import ember.numpy as enp
    >>> enp.correlate(enp.asarray([1, 2, 3]), enp.asarray([0, 1, 0.5])).tolist()
    [3.5]
    """
    return _np_ops.correlate(a, v, str(mode))


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """Covariance matrix of the variables (rows, unless rowvar=False), with frequency and analytic
    weights, as numpy.cov.

    >>> import ember.numpy as enp
    >>> enp.cov(enp.asarray([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    return _np_ops.cov(m, y, bool(rowvar), bool(bias), None if ddof is None else int(ddof), fweights, aweights,
                       dtype)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients, as numpy.corrcoef.

    >>> import ember.numpy as enp
    >>> enp.corrcoef(enp.asarray([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    return _np_ops.corrcoef(x, y, bool(rowvar), dtype)


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of (xp, fp) at x (xp increasing), as numpy.interp.

    >>> import ember.numpy as enp
    >>> enp.interp(enp.asarray([0.0, 1.5, 5.0]), enp.asarray([1.0, 2.0]), enp.asarray([10.0, 20.0])).tolist()
    [10.0, 15.0, 20.0]
    """
    return _np_ops.interp(x, xp, fp, left, right, None if period is None else float(period))


def _edges(a, bins, range, weights=None):
    if isinstance(bins, str):
        # The bin-count estimators look at the data: concrete input only.
        edges = _np.histogram_bin_edges(_np.asarray(a), bins=bins, range=range,
                                        weights=None if weights is None else _np.asarray(weights))
        dt = _enp.result_type(a, 1.0)
        return _enp.asarray(edges, dtype=dt if _np.dtype(dt).kind in "fc" else _enp.float32)
    if _np.ndim(bins) == 0:
        return _np_ops.histogram_bin_edges(a, int(bins), None if range is None else tuple(float(v) for v in range))
    return _enp.asarray(bins)


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """The edges of histogram's bins, as numpy.histogram_bin_edges.

    >>> import ember.numpy as enp
    >>> enp.histogram_bin_edges(enp.asarray([0.0, 1.0]), bins=2).tolist()
    [0.0, 0.5, 1.0]
    """
    return _edges(a, bins, range, weights)


def histogram(a, bins=10, range=None, density=None, weights=None):
    """Counts (or densities) of the flattened data in bins, and the bin edges, as numpy.histogram.

    >>> import ember.numpy as enp
    >>> h, e = enp.histogram(enp.asarray([0.0, 0.2, 0.9, 1.0]), bins=2)
    >>> h.tolist(), e.tolist()
    ([2, 2], [0.0, 0.5, 1.0])
    """
    edges = _edges(a, bins, range, weights)
    counts, edges = _np_ops.histogram(a, edges, weights, bool(density))
    return counts, edges


def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    """Multidimensional histogram of (N, D) samples, and the edges per dimension, as numpy.histogramdd.

    >>> import ember.numpy as enp
    >>> h, edges = enp.histogramdd(enp.asarray([[0.0, 0.0], [1.0, 1.0]]), bins=2)
    >>> h.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    sample = _enp.asarray(sample)
    if sample.ndim == 1:
        sample = _enp.reshape(sample, (-1, 1))
    d = sample.shape[1]
    bins_list = [bins] * d if _np.ndim(bins) == 0 and not isinstance(bins, (list, tuple)) else list(bins)
    if len(bins_list) != d:
        raise ValueError(f"[histogramdd] expected {d} bin specifications, got {len(bins_list)}")
    ranges = [None] * d if range is None else list(range)
    edges = [_edges(sample[:, k], bins_list[k], ranges[k]) for k in _builtin_range(d)]
    h = _np_ops.histogramdd(sample, edges, weights, bool(density))
    return h, edges


_builtin_range = range


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    """Two-dimensional histogram of x and y, and the edges, as numpy.histogram2d.

    >>> import ember.numpy as enp
    >>> h, xe, ye = enp.histogram2d(enp.asarray([0.0, 1.0]), enp.asarray([0.0, 1.0]), bins=2)
    >>> h.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n != 1 and n != 2:
        bins = [bins, bins]  # one array of edges for both dimensions
    h, edges = histogramdd(_enp.stack([_enp.ravel(x), _enp.ravel(y)], axis=1), bins, range, density, weights)
    return h, edges[0], edges[1]


def poly(seq_of_zeros):
    """Coefficients of the monic polynomial with the given roots, as numpy.poly (1-d roots).

    >>> import ember.numpy as enp
    >>> enp.poly(enp.asarray([1.0, 2.0])).tolist()
    [1.0, -3.0, 2.0]
    """
    return _np_ops.poly(seq_of_zeros)


def polyval(p, x):
    """The polynomial with coefficients p (highest power first) at x (Horner's scheme), as numpy.polyval.

    >>> import ember.numpy as enp
    >>> int(enp.polyval(enp.asarray([3, 0, 1]), 5))
    76
    """
    return _np_ops.polyval(p, x)


def polyadd(a1, a2):
    """Sum of two polynomials, as numpy.polyadd.

    >>> import ember.numpy as enp
    >>> enp.polyadd(enp.asarray([1, 2]), enp.asarray([9, 5, 4])).tolist()
    [9, 6, 6]
    """
    return _np_ops.polyadd(a1, a2)


def polysub(a1, a2):
    """Difference of two polynomials, as numpy.polysub.

    >>> import ember.numpy as enp
    >>> enp.polysub(enp.asarray([2, 10, -2]), enp.asarray([3, 10, -4])).tolist()
    [-1, 0, 2]
    """
    return _np_ops.polysub(a1, a2)


def polymul(a1, a2, *, trim_leading_zeros=None):
    """Product of two polynomials, as numpy.polymul (each factor's leading zeros dropped first, as NumPy's
    poly1d does: by default for concrete input only, as in JAX).

    >>> import ember.numpy as enp
    >>> enp.polymul(enp.asarray([1, 2]), enp.asarray([1, 3])).tolist()
    [1, 5, 6]
    """
    return _np_ops.polymul(a1, a2, trim_leading_zeros)


def polyder(p, m=1):
    """The m-th derivative of a polynomial, as numpy.polyder.

    >>> import ember.numpy as enp
    >>> enp.polyder(enp.asarray([1, 1, 1, 1])).tolist()
    [3, 2, 1]
    """
    return _np_ops.polyder(p, int(m))


def polyint(p, m=1, k=None):
    """The m-th antiderivative with integration constants k, as numpy.polyint.

    >>> import ember.numpy as enp
    >>> enp.polyint(enp.asarray([3.0, 2.0, 1.0])).tolist()
    [1.0, 1.0, 1.0, 0.0]
    """
    return _np_ops.polyint(p, int(m), k)


def polydiv(u, v, *, trim_leading_zeros=None):
    """Quotient and remainder of polynomial division, as numpy.polydiv. The remainder's leading near-zeros
    are dropped (a length that depends on the values: by default for concrete input only, as in JAX).

    >>> import ember.numpy as enp
    >>> q, r = enp.polydiv(enp.asarray([1.0, 2.0, 3.0]), enp.asarray([1.0, 1.0]))
    >>> q.tolist(), r.tolist()
    ([1.0, 1.0], [2.0])
    """
    return tuple(_np_ops.polydiv(u, v, trim_leading_zeros))


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit (Householder QR of the scaled Vandermonde matrix), as numpy.polyfit.

    >>> import ember.numpy as enp
    >>> x = enp.arange(5.0)
    >>> enp.polyfit(x, 2 * x + 1, 1).round(4).tolist()
    [2.0, 1.0]
    """
    if full or cov:
        raise NotImplementedError("[polyfit] expected full=False and cov=False")
    return _np_ops.polyfit(x, y, int(deg), w)
