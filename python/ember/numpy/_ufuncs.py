"""NumPy's remaining ufuncs on numbers and the elementwise helpers around them (ember.numpy re-exports
them). Each calls the C++ op library (frontend/numpy_ufuncs.cc)."""

from __future__ import annotations

import numpy as _np

from .. import _core
from .. import numpy as _enp

_np_ops = _core.np
_ufunc1 = _enp._ufunc1
_ufunc2 = _enp._ufunc2

fabs = _ufunc1("fabs")
signbit = _ufunc1("signbit")
spacing = _ufunc1("spacing")
bitwise_count = _ufunc1("bitwise_count")
deg2rad = _ufunc1("deg2rad")
rad2deg = _ufunc1("rad2deg")
radians = _ufunc1("radians", "deg2rad")
degrees = _ufunc1("degrees", "rad2deg")
copysign = _ufunc2("copysign")
heaviside = _ufunc2("heaviside")
hypot = _ufunc2("hypot")
logaddexp = _ufunc2("logaddexp")
logaddexp2 = _ufunc2("logaddexp2")
fmod = _ufunc2("fmod")
float_power = _ufunc2("float_power")
gcd = _ufunc2("gcd")
lcm = _ufunc2("lcm")

# The Python Array API standard's names.
acos = _ufunc1("acos", "arccos")
acosh = _ufunc1("acosh", "arccosh")
asin = _ufunc1("asin", "arcsin")
asinh = _ufunc1("asinh", "arcsinh")
atan = _ufunc1("atan", "arctan")
atanh = _ufunc1("atanh", "arctanh")
atan2 = _ufunc2("atan2", "arctan2")
bitwise_invert = _ufunc1("bitwise_invert", "invert")
bitwise_left_shift = _ufunc2("bitwise_left_shift", "left_shift")
bitwise_right_shift = _ufunc2("bitwise_right_shift", "right_shift")


def ldexp(x1, x2, /, out=None, *, where=True, dtype=None):
    """x1 * 2**x2 for integer x2, rounded once (overflow to inf, underflow through the subnormals), as
    numpy.ldexp.

    >>> import ember.numpy as enp
    >>> enp.ldexp(enp.asarray([1.5, 1.0]), enp.asarray([3, -2])).tolist()
    [12.0, 0.25]
    """
    _enp._no_out(out, "ldexp", where)
    r = _np_ops.ldexp(x1, x2)
    return r if dtype is None else _np_ops.astype(r, dtype)


def divmod(x1, x2, /, out=None, *, where=True):
    """Floor quotient and remainder (Python's divmod), as numpy.divmod.

    >>> import ember.numpy as enp
    >>> q, r = enp.divmod(enp.asarray([7, -7]), 2)
    >>> q.tolist(), r.tolist()
    ([3, -4], [1, 1])
    """
    _enp._no_out(out, "divmod", where)
    return tuple(_np_ops.divmod(x1, x2))


def modf(x, /, out=None, *, where=True):
    """Fractional and integral parts, both with x's sign, as numpy.modf.

    >>> import ember.numpy as enp
    >>> f, i = enp.modf(enp.asarray([2.5, -1.25]))
    >>> f.tolist(), i.tolist()
    ([0.5, -0.25], [2.0, -1.0])
    """
    _enp._no_out(out, "modf", where)
    return tuple(_np_ops.modf(x))


def frexp(x, /, out=None, *, where=True):
    """Mantissa in [0.5, 1) and int32 exponent with x = m * 2**e, as numpy.frexp.

    >>> import ember.numpy as enp
    >>> m, e = enp.frexp(enp.asarray([8.0, 0.3]))
    >>> m.tolist(), e.tolist()
    ([0.5, 0.6000000238418579], [4, -1])
    """
    _enp._no_out(out, "frexp", where)
    return tuple(_np_ops.frexp(x))


def sinc(x):
    """sin(pi x) / (pi x), 1 at 0, as numpy.sinc.

    >>> import ember.numpy as enp
    >>> [round(v, 5) for v in enp.sinc(enp.asarray([0.0, 1.0, 0.5])).tolist()]
    [1.0, -0.0, 0.63662]
    """
    return _np_ops.sinc(x)


def i0(x):
    """Modified Bessel function of the first kind, order 0, as numpy.i0.

    >>> import ember.numpy as enp
    >>> round(float(enp.i0(enp.asarray(1.0))), 5)
    1.26607
    """
    return _np_ops.i0(x)


def isneginf(x, out=None):
    """x == -inf (False for integers), as numpy.isneginf.

    >>> import ember.numpy as enp
    >>> enp.isneginf(enp.asarray([-enp.inf, 0.0, enp.inf])).tolist()
    [True, False, False]
    """
    _enp._no_out(out, "isneginf")
    return _np_ops.isneginf(x)


def isposinf(x, out=None):
    """x == +inf (False for integers), as numpy.isposinf.

    >>> import ember.numpy as enp
    >>> enp.isposinf(enp.asarray([-enp.inf, 0.0, enp.inf])).tolist()
    [False, False, True]
    """
    _enp._no_out(out, "isposinf")
    return _np_ops.isposinf(x)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN -> `nan`, +-inf -> `posinf`/`neginf` (the dtype's largest values by default), as numpy.nan_to_num.

    >>> import ember.numpy as enp
    >>> enp.nan_to_num(enp.asarray([enp.nan, 1.0, -enp.inf]), neginf=-9.0).tolist()
    [0.0, 1.0, -9.0]
    """
    return _np_ops.nan_to_num(x, float(nan), None if posinf is None else float(posinf),
                              None if neginf is None else float(neginf))


def angle(z, deg=False):
    """The argument of complex numbers (0 or pi for reals), as numpy.angle.

    >>> import ember.numpy as enp
    >>> round(float(enp.angle(enp.asarray(1j), deg=True)), 3)
    90.0
    """
    return _np_ops.angle(z, bool(deg))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol |b| elementwise (infinities close only to themselves), as numpy.isclose.

    >>> import ember.numpy as enp
    >>> enp.isclose(enp.asarray([1.0, 1.1]), 1.0 + 1e-9).tolist()
    [True, False]
    """
    return _np_ops.isclose(a, b, float(rtol), float(atol), bool(equal_nan))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element is close (isclose), as numpy.allclose; an ember bool scalar.

    >>> import ember.numpy as enp
    >>> bool(enp.allclose(enp.asarray([1.0, 2.0]), [1.0, 2.0 + 1e-9]))
    True
    """
    return _np_ops.allclose(a, b, float(rtol), float(atol), bool(equal_nan))


def array_equal(a1, a2, equal_nan=False):
    """Same shape and equal elements, as numpy.array_equal.

    >>> import ember.numpy as enp
    >>> bool(enp.array_equal(enp.asarray([1, 2]), [1, 2])), bool(enp.array_equal(enp.ones(2), enp.ones(3)))
    (True, False)
    """
    return _np_ops.array_equal(a1, a2, bool(equal_nan))


def array_equiv(a1, a2):
    """Equal after broadcasting, as numpy.array_equiv.

    >>> import ember.numpy as enp
    >>> bool(enp.array_equiv(enp.asarray([1, 2]), [[1, 2], [1, 2]]))
    True
    """
    return _np_ops.array_equiv(a1, a2)


def iscomplex(x):
    """Elementwise: a non-zero imaginary part, as numpy.iscomplex.

    >>> import ember.numpy as enp
    >>> enp.iscomplex(enp.asarray([1 + 1j, 2 + 0j])).tolist()
    [True, False]
    """
    return _np_ops.iscomplex(x)


def isreal(x):
    """Elementwise: a zero imaginary part, as numpy.isreal.

    >>> import ember.numpy as enp
    >>> enp.isreal(enp.asarray([1 + 1j, 2 + 0j])).tolist()
    [False, True]
    """
    return _np_ops.isreal(x)


def real_if_close(a, tol=100):
    """The real part when every imaginary part is within tol machine epsilons of 0 (concrete input), as
    numpy.real_if_close.

    >>> import ember.numpy as enp
    >>> enp.real_if_close(enp.asarray([2.0 + 1e-15j])).dtype
    dtype('float32')
    """
    a = _enp.asarray(a)
    if not _enp.iscomplexobj(a):
        return a
    eps = _enp.finfo(a.dtype).eps
    limit = tol * eps if tol > 1 else tol
    # The check reads the data (the result's dtype depends on it): concrete input, also inside a trace.
    if a._is_traced:
        raise _core.ConcretizationError("[real_if_close] expected a concrete array (the result's dtype depends "
                                        "on its values)")
    if bool(_np.all(_np.abs(_np.asarray(a).imag) < limit)):
        return _enp.real(a)
    return a
