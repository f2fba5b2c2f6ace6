"""ember.numpy: NumPy's API on ember arrays, eager or traced.

Functions follow NumPy's names, signatures and results, with JAX's promotion of Python scalars (weakly
typed: `x_f32 * 2.0` stays float32) and PyTorch's defaults (float32, int64).

>>> import numpy as np, ember.numpy as enp
>>> np.asarray(enp.sum(enp.arange(4), axis=0)).item()
6
"""

from __future__ import annotations

import builtins as _builtins
import math as _math
from typing import Any, Sequence

import ml_dtypes as _ml_dtypes
import numpy as _np

from .. import _core
from .._device import _CPU

_np_ops = _core.np
Array = _core.Array
ndarray = Array

# dtypes: the NumPy scalar types (bfloat16 from ml_dtypes), as JAX exposes them.
bool_ = _np.bool_
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
float16, float32, float64 = _np.float16, _np.float32, _np.float64
bfloat16 = _ml_dtypes.bfloat16
complex64, complex128 = _np.complex64, _np.complex128
dtype = _np.dtype

pi, e, inf, nan, euler_gamma = _np.pi, _np.e, _np.inf, _np.nan, _np.euler_gamma
newaxis = None


def _axis(axis):
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        return [int(a) for a in axis]
    return [int(axis)]


def _check_device(device):
    if device is not None and device != "cpu" and device != _CPU:
        raise ValueError(f"[device] expected a CPU device, got {device!r}")


def _no_out(out, name, where=None):
    if out is not None:
        raise TypeError(f"[{name}] ember arrays are immutable: the out= argument is not supported")
    if where is not None and where is not True:
        raise NotImplementedError(f"[{name}] the where= argument is not supported; use ember.numpy.where")


# ---- creation ----

def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """Converts to an ember array (NumPy data is copied; ember arrays are immutable).

    >>> import ember.numpy as enp
    >>> enp.asarray([1.0, 2.0]).dtype
    dtype('float32')
    """
    _check_device(device)
    return _core.asarray(a, dtype)


def array(object, dtype=None, copy=True, order=None, ndmin=0, *, device=None, like=None):
    """Creates an ember array (a copy of the data).

    >>> import ember.numpy as enp
    >>> enp.array([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    out = _core.asarray(object, dtype)
    if ndmin > out.ndim:
        out = reshape(out, (1,) * (ndmin - out.ndim) + out.shape)
    return out


def zeros(shape, dtype=None, order="C", *, device=None, like=None):
    """An array of zeros (float32 by default).

    >>> import ember.numpy as enp
    >>> enp.zeros((2, 3)).shape
    (2, 3)
    """
    return _np_ops.full(_shape(shape), 0, dtype if dtype is not None else float32)


def ones(shape, dtype=None, order="C", *, device=None, like=None):
    """An array of ones (float32 by default).

    >>> import ember.numpy as enp
    >>> float(enp.ones(3).sum())
    3.0
    """
    return _np_ops.full(_shape(shape), 1, dtype if dtype is not None else float32)


def empty(shape, dtype=None, order="C", *, device=None, like=None):
    """An array of the given shape (zeros: ember never hands out uninitialised memory).

    >>> import ember.numpy as enp
    >>> enp.empty(2).shape
    (2,)
    """
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """An array filled with `fill_value` (its dtype by default).

    >>> import ember.numpy as enp
    >>> enp.full((2,), 7).dtype
    dtype('int64')
    """
    return _np_ops.full(_shape(shape), fill_value, dtype)


def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """Zeros with the shape and dtype of `a`.

    >>> import ember.numpy as enp
    >>> enp.zeros_like(enp.ones((2, 2), dtype=enp.int32)).dtype
    dtype('int32')
    """
    a = asarray(a)
    return zeros(a.shape if shape is None else shape, a.dtype if dtype is None else dtype)


def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """Ones with the shape and dtype of `a`.

    >>> import ember.numpy as enp
    >>> enp.ones_like(enp.zeros(3)).tolist()
    [1.0, 1.0, 1.0]
    """
    a = asarray(a)
    return ones(a.shape if shape is None else shape, a.dtype if dtype is None else dtype)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """`fill_value` with the shape and dtype of `a`.

    >>> import ember.numpy as enp
    >>> enp.full_like(enp.zeros(2), 5).tolist()
    [5.0, 5.0]
    """
    a = asarray(a)
    return full(a.shape if shape is None else shape, fill_value, a.dtype if dtype is None else dtype)


def empty_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """Like zeros_like (ember never hands out uninitialised memory).

    >>> import ember.numpy as enp
    >>> enp.empty_like(enp.ones(2)).shape
    (2,)
    """
    return zeros_like(a, dtype, shape=shape)


def _shape(shape) -> list[int]:
    if isinstance(shape, int) or hasattr(shape, "__index__"):
        return [int(shape)]
    return [int(s) for s in shape]


def arange(start, stop=None, step=None, dtype=None, *, device=None, like=None):
    """Evenly spaced values in [start, stop) (int64 for integer arguments, float32 otherwise).

    >>> import ember.numpy as enp
    >>> enp.arange(3).tolist(), enp.arange(0.0, 1.0, 0.5).tolist()
    ([0, 1, 2], [0.0, 0.5])
    """
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    integer_args = _builtins.all(isinstance(v, (int, _np.integer)) for v in (start, stop, step))
    return _np_ops.arange(float(start), float(stop), float(step), dtype, integer_args)


def eye(N, M=None, k=0, dtype=None, order="C", *, device=None, like=None):
    """Ones on the k-th diagonal.

    >>> import ember.numpy as enp
    >>> enp.eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return _np_ops.eye(int(N), None if M is None else int(M), int(k), dtype if dtype is not None else float32)


def identity(n, dtype=None):
    """The n x n identity matrix.

    >>> import ember.numpy as enp
    >>> enp.identity(2).shape
    (2, 2)
    """
    return eye(n, dtype=dtype)


# ---- elementwise ----

_INTEGER_UFUNCS = {"invert", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift",
                   "gcd", "lcm", "bitwise_count", "bitwise_invert", "bitwise_left_shift", "bitwise_right_shift"}


def _example_input(name: str) -> str:
    return "enp.asarray([3, 12])" if name in _INTEGER_UFUNCS else "enp.asarray([0.5, 2.0])"


def _ufunc1(name: str, core_name: str | None = None):
    core = getattr(_np_ops, core_name or name)

    def f(x, /, out=None, *, where=True, dtype=None):
        _no_out(out, name, where)
        r = core(x)
        if dtype is not None:
            r = _np_ops.astype(r, dtype)
        return r

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Elementwise {name}, as numpy.{name}.\n\n>>> import ember.numpy as enp\n"
                 f">>> enp.{name}({_example_input(name)}).shape\n(2,)\n")
    return f


def _ufunc2(name: str, core_name: str | None = None):
    core = getattr(_np_ops, core_name or name)

    def f(x1, x2, /, out=None, *, where=True, dtype=None):
        _no_out(out, name, where)
        r = core(x1, x2)
        if dtype is not None:
            r = _np_ops.astype(r, dtype)
        return r

    f.__name__ = f.__qualname__ = name
    example = _example_input(name)
    f.__doc__ = (f"Elementwise {name} with broadcasting, as numpy.{name}.\n\n>>> import ember.numpy as enp\n"
                 f">>> enp.{name}({example}, enp.reshape({example}, (2, 1))).shape\n(2, 2)\n")
    return f


negative = _ufunc1("negative")
positive = _ufunc1("positive")
absolute = _ufunc1("absolute")
abs = absolute
fabs = _ufunc1("fabs", "absolute")
sign = _ufunc1("sign")
floor = _ufunc1("floor")
ceil = _ufunc1("ceil")
trunc = _ufunc1("trunc")
fix = trunc
rint = _ufunc1("rint")
exp = _ufunc1("exp")
exp2 = _ufunc1("exp2")
expm1 = _ufunc1("expm1")
log = _ufunc1("log")
log2 = _ufunc1("log2")
log10 = _ufunc1("log10")
log1p = _ufunc1("log1p")
sqrt = _ufunc1("sqrt")
cbrt = _ufunc1("cbrt")
square = _ufunc1("square")
reciprocal = _ufunc1("reciprocal")
sin = _ufunc1("sin")
cos = _ufunc1("cos")
tan = _ufunc1("tan")
arcsin = _ufunc1("arcsin")
arccos = _ufunc1("arccos")
arctan = _ufunc1("arctan")
sinh = _ufunc1("sinh")
cosh = _ufunc1("cosh")
tanh = _ufunc1("tanh")
arcsinh = _ufunc1("arcsinh")
arccosh = _ufunc1("arccosh")
arctanh = _ufunc1("arctanh")
isfinite = _ufunc1("isfinite")
isinf = _ufunc1("isinf")
isnan = _ufunc1("isnan")
logical_not = _ufunc1("logical_not")
invert = _ufunc1("invert")
bitwise_not = _ufunc1("bitwise_not", "invert")
conjugate = _ufunc1("conjugate")
conj = conjugate

add = _ufunc2("add")
subtract = _ufunc2("subtract")
multiply = _ufunc2("multiply")
divide = _ufunc2("divide", "true_divide")
true_divide = _ufunc2("true_divide")
floor_divide = _ufunc2("floor_divide")
remainder = _ufunc2("remainder")
mod = remainder
power = _ufunc2("power")
pow = power
maximum = _ufunc2("maximum")
minimum = _ufunc2("minimum")
fmax = _ufunc2("fmax")
fmin = _ufunc2("fmin")
arctan2 = _ufunc2("arctan2")
nextafter = _ufunc2("nextafter")
logical_and = _ufunc2("logical_and")
logical_or = _ufunc2("logical_or")
logical_xor = _ufunc2("logical_xor")
bitwise_and = _ufunc2("bitwise_and")
bitwise_or = _ufunc2("bitwise_or")
bitwise_xor = _ufunc2("bitwise_xor")
left_shift = _ufunc2("left_shift")
right_shift = _ufunc2("right_shift")
equal = _ufunc2("equal")
not_equal = _ufunc2("not_equal")
less = _ufunc2("less")
less_equal = _ufunc2("less_equal")
greater = _ufunc2("greater")
greater_equal = _ufunc2("greater_equal")


def real(val):
    """Real part (the array itself for real input).

    >>> import ember.numpy as enp
    >>> enp.real(enp.asarray(1 + 2j)).item()
    1.0
    """
    return _np_ops.real(val)


def imag(val):
    """Imaginary part (zeros for real input).

    >>> import ember.numpy as enp
    >>> enp.imag(enp.asarray(1 + 2j)).item()
    2.0
    """
    return _np_ops.imag(val)


def round(a, decimals=0, out=None):
    """Rounds to `decimals` decimals, halves to even (as numpy.round).

    >>> import ember.numpy as enp
    >>> enp.round(enp.asarray([0.5, 1.5, 2.5])).tolist(), enp.round(enp.asarray([1234.5]), -2).tolist()
    ([0.0, 2.0, 2.0], [1200.0])
    """
    _no_out(out, "round")
    return _np_ops.round(a, int(decimals))


around = round


def clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    """Limits values to [a_min, a_max] (NaN propagates).

    >>> import ember.numpy as enp
    >>> enp.clip(enp.asarray([-1.0, 0.5, 2.0]), 0, 1).tolist()
    [0.0, 0.5, 1.0]
    """
    _no_out(out, "clip")
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    return _np_ops.clip(a, lo, hi)


# ---- reductions ----

def _has_mask(where):
    return where is not None and where is not True


def _masked(a, where, identity):
    """a with the entries outside the where= mask replaced by the reduction's identity."""
    if not _has_mask(where):
        return a
    return _np_ops.where(where, a, identity)


def _masked_extreme(a, where, initial, name):
    if not _has_mask(where):
        return a
    if initial is None:
        raise ValueError(f"[{name}] expected initial= with where= ({name} has no identity)")
    return _np_ops.where(where, a, initial)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum over `axis` (bool and integers accumulate in int64/uint64, as NumPy).

    >>> import ember.numpy as enp
    >>> enp.sum(enp.ones((2, 3)), axis=1).tolist()
    [3.0, 3.0]
    """
    _no_out(out, "sum")
    r = _np_ops.sum(_masked(a, where, 0), _axis(axis), dtype, _builtins.bool(keepdims))
    return r if initial is None else add(r, initial)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Product over `axis`.

    >>> import ember.numpy as enp
    >>> enp.prod(enp.asarray([1, 2, 3, 4])).item()
    24
    """
    _no_out(out, "prod")
    r = _np_ops.prod(_masked(a, where, 1), _axis(axis), dtype, _builtins.bool(keepdims))
    return r if initial is None else multiply(r, initial)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Arithmetic mean over `axis` (integers give float32).

    >>> import ember.numpy as enp
    >>> enp.mean(enp.asarray([1, 2, 3, 4])).item()
    2.5
    """
    _no_out(out, "mean")
    if _has_mask(where):
        n = _np_ops.count_nonzero(broadcast_to(where, shape(a)), _axis(axis), _builtins.bool(keepdims))
        return true_divide(sum(a, axis, dtype, keepdims=keepdims, where=where), n)
    return _np_ops.mean(a, _axis(axis), dtype, _builtins.bool(keepdims))


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    """Variance over `axis` with `ddof` delta degrees of freedom.

    >>> import ember.numpy as enp
    >>> enp.var(enp.asarray([1.0, 2.0, 3.0, 4.0])).item()
    1.25
    """
    _no_out(out, "var")
    if correction is not None:
        ddof = correction
    if _has_mask(where):
        m = mean(a, axis, dtype, keepdims=True, where=where)
        d = subtract(a, m)
        sq = add(square(real(d)), square(imag(d))) if iscomplexobj(d) else multiply(d, d)
        n = _np_ops.count_nonzero(broadcast_to(where, shape(a)), _axis(axis), _builtins.bool(keepdims))
        return true_divide(sum(sq, axis, keepdims=keepdims, where=where), subtract(n, ddof))
    return _np_ops.var(a, _axis(axis), dtype, int(ddof), _builtins.bool(keepdims))


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, correction=None):
    """Standard deviation over `axis` with `ddof` delta degrees of freedom.

    >>> import numpy as np, ember.numpy as enp
    >>> float(enp.std(enp.asarray([1.0, 2.0, 3.0, 4.0]), ddof=1)) == float(np.float32(np.std([1, 2, 3, 4], ddof=1)))
    True
    """
    _no_out(out, "std")
    if correction is not None:
        ddof = correction
    if _has_mask(where):
        return sqrt(var(a, axis, dtype, ddof=ddof, keepdims=keepdims, where=where))
    return _np_ops.std(a, _axis(axis), dtype, int(ddof), _builtins.bool(keepdims))


def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Maximum over `axis` (NaN propagates).

    >>> import ember.numpy as enp
    >>> enp.max(enp.asarray([[1, 5], [3, 2]]), axis=0).tolist()
    [3, 5]
    """
    _no_out(out, "max")
    r = _np_ops.max(_masked_extreme(a, where, initial, "max"), _axis(axis), _builtins.bool(keepdims))
    return r if initial is None else maximum(r, initial)


def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Minimum over `axis` (NaN propagates).

    >>> import ember.numpy as enp
    >>> enp.min(enp.asarray([[1, 5], [3, 2]]), axis=1).tolist()
    [1, 2]
    """
    _no_out(out, "min")
    r = _np_ops.min(_masked_extreme(a, where, initial, "min"), _axis(axis), _builtins.bool(keepdims))
    return r if initial is None else minimum(r, initial)


amax, amin = max, min


def any(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether any element along `axis` is true.

    >>> import ember.numpy as enp
    >>> enp.any(enp.asarray([0, 0, 1])).item()
    True
    """
    _no_out(out, "any")
    return _np_ops.any(_masked(a, where, False), _axis(axis), _builtins.bool(keepdims))


def all(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether every element along `axis` is true.

    >>> import ember.numpy as enp
    >>> enp.all(enp.asarray([1, 1, 0])).item()
    False
    """
    _no_out(out, "all")
    return _np_ops.all(_masked(a, where, True), _axis(axis), _builtins.bool(keepdims))


def argmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first maximum (over the flattened array when axis is None).

    >>> import ember.numpy as enp
    >>> enp.argmax(enp.asarray([1, 3, 3])).item()
    1
    """
    _no_out(out, "argmax")
    return _np_ops.argmax(a, None if axis is None else int(axis), _builtins.bool(keepdims))


def argmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first minimum (over the flattened array when axis is None).

    >>> import ember.numpy as enp
    >>> enp.argmin(enp.asarray([3, 1, 1])).item()
    1
    """
    _no_out(out, "argmin")
    return _np_ops.argmin(a, None if axis is None else int(axis), _builtins.bool(keepdims))


# ---- shapes ----

def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """Gives `a` a new shape (one entry may be -1).

    >>> import ember.numpy as enp
    >>> enp.reshape(enp.arange(6), (2, -1)).shape
    (2, 3)
    """
    if order != "C":
        raise NotImplementedError(f"[reshape] expected order='C', got {order!r}")
    if shape is None:
        shape = newshape
    return _np_ops.reshape(a, _shape(shape))


def ravel(a, order="C"):
    """The flattened array.

    >>> import ember.numpy as enp
    >>> enp.ravel(enp.ones((2, 3))).shape
    (6,)
    """
    return _np_ops.ravel(a)


def transpose(a, axes=None):
    """Permutes the axes (reverses them by default).

    >>> import ember.numpy as enp
    >>> enp.transpose(enp.ones((2, 3, 4))).shape
    (4, 3, 2)
    """
    return _np_ops.transpose(a, None if axes is None else list(axes))


def permute_dims(a, axes):
    """Array API name of transpose.

    >>> import ember.numpy as enp
    >>> enp.permute_dims(enp.ones((2, 3)), (1, 0)).shape
    (3, 2)
    """
    return transpose(a, axes)


def swapaxes(a, axis1, axis2):
    """Exchanges two axes.

    >>> import ember.numpy as enp
    >>> enp.swapaxes(enp.ones((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    return _np_ops.swapaxes(a, int(axis1), int(axis2))


def moveaxis(a, source, destination):
    """Moves axes to new positions.

    >>> import ember.numpy as enp
    >>> enp.moveaxis(enp.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    return _np_ops.moveaxis(a, _axis(source), _axis(destination))


def expand_dims(a, axis=0):
    """Inserts size-1 axes.

    >>> import ember.numpy as enp
    >>> enp.expand_dims(enp.ones(3), (0, 2)).shape
    (1, 3, 1)
    """
    return _np_ops.expand_dims(a, _axis(axis))


def squeeze(a, axis=None):
    """Removes size-1 axes.

    >>> import ember.numpy as enp
    >>> enp.squeeze(enp.ones((1, 3, 1))).shape
    (3,)
    """
    return _np_ops.squeeze(a, _axis(axis))


def broadcast_to(array, shape):
    """Broadcasts to `shape`.

    >>> import ember.numpy as enp
    >>> enp.broadcast_to(enp.ones(3), (2, 3)).shape
    (2, 3)
    """
    return _np_ops.broadcast_to(array, _shape(shape))


def concatenate(arrays, axis=0, out=None, dtype=None):
    """Joins arrays along an existing axis (flattened first when axis is None).

    >>> import ember.numpy as enp
    >>> enp.concatenate([enp.ones(2), enp.zeros(1)]).tolist()
    [1.0, 1.0, 0.0]
    """
    _no_out(out, "concatenate")
    r = _np_ops.concatenate(list(arrays), axis)
    return r if dtype is None else _np_ops.astype(r, dtype)


concat = concatenate


def stack(arrays, axis=0, out=None, dtype=None):
    """Joins arrays along a new axis.

    >>> import ember.numpy as enp
    >>> enp.stack([enp.ones(2), enp.zeros(2)], axis=1).shape
    (2, 2)
    """
    _no_out(out, "stack")
    r = _np_ops.stack(list(arrays), int(axis))
    return r if dtype is None else _np_ops.astype(r, dtype)


# ---- products ----

def matmul(x1, x2, /, out=None):
    """Matrix product with NumPy's rules for vectors and batches.

    >>> import ember.numpy as enp
    >>> enp.matmul(enp.ones((5, 2, 3)), enp.ones((3, 4))).shape
    (5, 2, 4)
    """
    _no_out(out, "matmul")
    return _np_ops.matmul(x1, x2)


def dot(a, b, out=None):
    """Dot product (numpy.dot's rules).

    >>> import ember.numpy as enp
    >>> enp.dot(enp.ones(3), enp.ones(3)).item()
    3.0
    """
    _no_out(out, "dot")
    return _np_ops.dot(a, b)


# ---- dtypes ----

def result_type(*arrays_and_dtypes):
    """The dtype of an operation on these operands (weak Python scalars count by kind only).

    >>> import ember.numpy as enp
    >>> enp.result_type(enp.ones(2, dtype=enp.float16), 1.0)
    dtype('float16')
    """
    return _np_ops.result_type(*arrays_and_dtypes)


def promote_types(type1, type2):
    """The dtype two dtypes promote to (JAX's lattice; int64 + float32 -> float32).

    >>> import ember.numpy as enp
    >>> enp.promote_types(enp.int64, enp.float32)
    dtype('float32')
    """
    return _np_ops.promote_types(type1, type2)


def astype(x, dtype, /, *, copy=True, device=None):
    """Converts to `dtype` (floats to integers saturate; NaN converts to 0).

    >>> import ember.numpy as enp
    >>> enp.astype(enp.asarray([1.7, -1.7]), enp.int32).tolist()
    [1, -1]
    """
    return _np_ops.astype(x, dtype)


def shape(a):
    """The shape of `a`.

    >>> import ember.numpy as enp
    >>> enp.shape(enp.ones((2, 3)))
    (2, 3)
    """
    return _np.shape(a)


def ndim(a):
    """The number of dimensions of `a`.

    >>> import ember.numpy as enp
    >>> enp.ndim(enp.ones((2, 3)))
    2
    """
    return len(_np.shape(a))


def size(a, axis=None):
    """The number of elements of `a` (along `axis`).

    >>> import ember.numpy as enp
    >>> enp.size(enp.ones((2, 3)))
    6
    """
    s = _np.shape(a)
    return _math.prod(s) if axis is None else s[axis]


# ---- the rest of NumPy's API, in submodules ----

from ._ufuncs import (  # noqa: E402
    acos, acosh, allclose, angle, array_equal, array_equiv, asin, asinh, atan, atan2, atanh, bitwise_count,
    bitwise_invert, bitwise_left_shift, bitwise_right_shift, copysign, deg2rad, degrees, divmod, fabs,
    float_power, fmod, frexp, gcd, heaviside, hypot, i0, iscomplex, isclose, isneginf, isposinf, isreal, lcm,
    ldexp, logaddexp, logaddexp2, modf, nan_to_num, rad2deg, radians, real_if_close, signbit, sinc, spacing,
)
from ._creation import (  # noqa: E402
    asanyarray, asarray_chkfinite, ascontiguousarray, asfortranarray, bartlett, blackman, copy, diag,
    diag_indices, diag_indices_from, diagflat, diagonal, from_dlpack, frombuffer, fromfunction, fromiter,
    geomspace, hamming, hanning, indices, ix_, kaiser, linspace, logspace, mask_indices, meshgrid, require, trace,
    tri, tril, tril_indices, tril_indices_from, triu, triu_indices, triu_indices_from, vander,
)
from ._manipulation import (  # noqa: E402
    append, array_split, atleast_1d, atleast_2d, atleast_3d, block, broadcast_arrays, broadcast_shapes, choose,
    column_stack, delete, dsplit, dstack, flip, fliplr, flipud, hsplit, hstack, insert, matrix_transpose, pad,
    piecewise, repeat, resize, roll, rollaxis, rot90, select, split, tile, trim_zeros, unstack, vsplit, vstack,
)
from ._reductions import (  # noqa: E402
    average, count_nonzero, cumprod, cumsum, cumulative_prod, cumulative_sum, median, nanargmax, nanargmin,
    nancumprod, nancumsum, nanmax, nanmean, nanmedian, nanmin, nanpercentile, nanprod, nanquantile, nanstd,
    nansum, nanvar, percentile, ptp, quantile,
)
from ._sorting import (  # noqa: E402
    argpartition, argsort, argwhere, bincount, compress, digitize, extract, flatnonzero, in1d, intersect1d,
    isin, lexsort, nonzero, packbits, partition, ravel_multi_index, searchsorted, setdiff1d, setxor1d, sort,
    sort_complex, take, take_along_axis, union1d, unique, unique_all, unique_counts, unique_inverse,
    unique_values, unpackbits, unravel_index, where,
)
from ._products import (  # noqa: E402
    cross, einsum, einsum_path, inner, kron, matvec, outer, tensordot, vdot, vecdot, vecmat,
)
from ._stats import (  # noqa: E402
    convolve, corrcoef, correlate, cov, diff, ediff1d, gradient, histogram, histogram2d, histogram_bin_edges,
    histogramdd, interp, poly, polyadd, polyder, polydiv, polyfit, polyint, polymul, polysub, polyval, trapezoid,
    unwrap,
)
from ._dtypes import (  # noqa: E402
    can_cast, common_type, finfo, iinfo, iscomplexobj, isdtype, isrealobj, issubdtype, min_scalar_type,
)
from ._misc import (  # noqa: E402
    apply_along_axis, apply_over_axes, isfortran, isscalar, iterable, may_share_memory, shares_memory,
)
from ._array_api import __array_api_version__, __array_namespace_info__  # noqa: E402

# The Array API's name of the bool dtype (after every use of the builtin above).
bool = _np.bool_  # noqa: A001
